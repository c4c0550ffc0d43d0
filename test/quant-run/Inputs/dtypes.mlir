// x + 1 for every .npy dtype quant-run exchanges; the ONNX dtype attribute
// makes the i8 of `u8` unsigned, as quant-import records it.
func.func @plus_one(
    %f32: tensor<3xf32> {quantc.onnx_name = "f32"},
    %f16: tensor<3xf16> {quantc.onnx_name = "f16"},
    %i8: tensor<3xi8> {quantc.onnx_name = "i8"},
    %u8: tensor<3xi8> {quantc.onnx_name = "u8", quantc.onnx_dtype = "UINT8"},
    %i16: tensor<3xi16> {quantc.onnx_name = "i16"},
    %i32: tensor<3xi32> {quantc.onnx_name = "i32"},
    %i64: tensor<3xi64> {quantc.onnx_name = "i64"})
    -> (tensor<3xf32> {quantc.onnx_name = "f32_out"},
        tensor<3xf16> {quantc.onnx_name = "f16_out"},
        tensor<3xi8> {quantc.onnx_name = "i8_out"},
        tensor<3xi8> {quantc.onnx_name = "u8_out", quantc.onnx_dtype = "UINT8"},
        tensor<3xi16> {quantc.onnx_name = "i16_out"},
        tensor<3xi32> {quantc.onnx_name = "i32_out"},
        tensor<3xi64> {quantc.onnx_name = "i64_out"}) {
  %f32_1 = arith.constant dense<1.0> : tensor<3xf32>
  %f16_1 = arith.constant dense<1.0> : tensor<3xf16>
  %i8_1 = arith.constant dense<1> : tensor<3xi8>
  %i16_1 = arith.constant dense<1> : tensor<3xi16>
  %i32_1 = arith.constant dense<1> : tensor<3xi32>
  %i64_1 = arith.constant dense<1> : tensor<3xi64>
  %e_f32 = tensor.empty() : tensor<3xf32>
  %e_f16 = tensor.empty() : tensor<3xf16>
  %e_i8 = tensor.empty() : tensor<3xi8>
  %e_i16 = tensor.empty() : tensor<3xi16>
  %e_i32 = tensor.empty() : tensor<3xi32>
  %e_i64 = tensor.empty() : tensor<3xi64>
  %r_f32 = linalg.add ins(%f32, %f32_1 : tensor<3xf32>, tensor<3xf32>) outs(%e_f32 : tensor<3xf32>) -> tensor<3xf32>
  %r_f16 = linalg.add ins(%f16, %f16_1 : tensor<3xf16>, tensor<3xf16>) outs(%e_f16 : tensor<3xf16>) -> tensor<3xf16>
  %r_i8 = linalg.add ins(%i8, %i8_1 : tensor<3xi8>, tensor<3xi8>) outs(%e_i8 : tensor<3xi8>) -> tensor<3xi8>
  %r_u8 = linalg.add ins(%u8, %i8_1 : tensor<3xi8>, tensor<3xi8>) outs(%e_i8 : tensor<3xi8>) -> tensor<3xi8>
  %r_i16 = linalg.add ins(%i16, %i16_1 : tensor<3xi16>, tensor<3xi16>) outs(%e_i16 : tensor<3xi16>) -> tensor<3xi16>
  %r_i32 = linalg.add ins(%i32, %i32_1 : tensor<3xi32>, tensor<3xi32>) outs(%e_i32 : tensor<3xi32>) -> tensor<3xi32>
  %r_i64 = linalg.add ins(%i64, %i64_1 : tensor<3xi64>, tensor<3xi64>) outs(%e_i64 : tensor<3xi64>) -> tensor<3xi64>
  return %r_f32, %r_f16, %r_i8, %r_u8, %r_i16, %r_i32, %r_i64
      : tensor<3xf32>, tensor<3xf16>, tensor<3xi8>, tensor<3xi8>, tensor<3xi16>, tensor<3xi32>, tensor<3xi64>
}
