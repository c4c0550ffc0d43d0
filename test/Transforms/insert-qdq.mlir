// RUN: quant-opt %s --split-input-file --quant-insert-qdq | FileCheck %s
// RUN: quant-opt %s --split-input-file --quant-insert-qdq="convention=pytorch weights=none" | FileCheck %s --check-prefix=TORCH

// A ranged observer becomes qcast + dcast with the range's parameters
// (ONNX Runtime: [-1, 3] on u8 is scale 4/255, zero point round(63.75) =
// 64; on s8 symmetric scale 3/127.5, zero point 0); the weights of the
// matmul are quantized per column (output channel), s8 symmetric, scales
// max|w| / 127.5 = 1/127.5 and 4/127.5, round half to even (1 -> 127.5 ->
// 128 -> 127, 0.5 -> 63.75 -> 64, -2 -> -63.75 -> -64, 4 -> 127), as an i8
// constant behind quant.scast + quant.dcast, which records the weights'
// recipe. The qcast keeps the observer's name, recipe, statistics and
// range.
// CHECK-LABEL: func.func @linear
// CHECK:       %[[XQ:.*]] = quant.qcast %arg0 {quantc.observer = "x", quantc.range = #qnn.range<min = -1.000000e+00, max = 3.000000e+00, source = "observed">, quantc.recipe = #qnn.recipe<storage = ui8, scheme = asymmetric>, quantc.stats = #qnn.stats<count = 4, min = -1.000000e+00, max = 3.000000e+00>} : tensor<2x2xf32> to tensor<2x2x!quant.uniform<u8:f32, 0.015686275437474251:64>>
// CHECK:       %[[XD:.*]] = quant.dcast %[[XQ]]
// CHECK:       %[[W:.*]] = arith.constant dense<{{\[\[}}127, -64], [64, 127]]> : tensor<2x2xi8>
// CHECK:       %[[WQ:.*]] = quant.scast %[[W]] {quantc.recipe = #qnn.recipe<storage = si8, scheme = symmetric, granularity = channel, axis = 1>} : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8:f32:1, {0.0078431377187371254,0.031372550874948502}>>
// CHECK:       %[[WD:.*]] = quant.dcast %[[WQ]]
// CHECK:       linalg.matmul ins(%[[XD]], %[[WD]]
// CHECK:       quant.qcast {{.*}}quantc.observer = "y"{{.*}} to tensor<2x2x!quant.uniform<i8:f32, 0.023529412224888802>>
// CHECK-NOT:   qnn.observe
// TORCH-LABEL: func.func @linear
// TORCH-NOT:   quant.scast
// TORCH:       quant.qcast %arg0 {{.*}} to tensor<2x2x!quant.uniform<u8:f32, 0.015686275437474251:64>>
func.func @linear(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %x0 = qnn.observe %x {name = "x", recipe = #qnn.recipe<storage = ui8, scheme = asymmetric>, stats = #qnn.stats<count = 4, min = -1.0, max = 3.0>, range = #qnn.range<min = -1.0, max = 3.0, source = "observed">} : tensor<2x2xf32>
  %w = arith.constant dense<[[1.0, -2.0], [0.5, 4.0]]> : tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  %y = linalg.matmul ins(%x0, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%acc : tensor<2x2xf32>) -> tensor<2x2xf32>
  %y0 = qnn.observe %y {name = "y", recipe = #qnn.recipe<storage = si8, scheme = symmetric>, range = #qnn.range<min = -1.0, max = 3.0, source = "observed">} : tensor<2x2xf32>
  return %y0 : tensor<2x2xf32>
}

// -----

// Gemm with transB (quant-import: a tosa.transpose of the [N, K] constant
// and a reshape to [1, K, N]): the output channels are axis 0 of the
// constant, which is quantized there.
// CHECK-LABEL: func.func @gemm_trans_b
// CHECK:       %[[W:.*]] = arith.constant dense<{{\[\[}}127, -64], [127, 0], [-127, 32]]> : tensor<3x2xi8>
// CHECK-NEXT:  %[[WQ:.*]] = quant.scast %[[W]] {quantc.recipe = #qnn.recipe<storage = si8, scheme = symmetric, granularity = channel, axis = 0>} : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8:f32:0, {0.0078431377187371254,0.015686275437474251,0.031372550874948502}>>
// CHECK-NEXT:  %[[WD:.*]] = quant.dcast %[[WQ]]
// CHECK-NEXT:  tosa.transpose %[[WD]]
func.func @gemm_trans_b(%x: tensor<1x4x2xf32>) -> tensor<1x4x3xf32> {
  %x0 = qnn.observe %x {name = "x", recipe = #qnn.recipe<storage = ui8, scheme = asymmetric>, range = #qnn.range<min = 0.0, max = 1.0, source = "observed">} : tensor<1x4x2xf32>
  %w = "tosa.const"() {values = dense<[[1.0, -0.5], [2.0, 0.0], [-4.0, 1.0]]> : tensor<3x2xf32>} : () -> tensor<3x2xf32>
  %t = tosa.transpose %w {perms = array<i32: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  %s = tosa.const_shape {values = dense<[1, 2, 3]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %w3 = tosa.reshape %t, %s : (tensor<2x3xf32>, !tosa.shape<3>) -> tensor<1x2x3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.matmul %x0, %w3, %zp, %zp : (tensor<1x4x2xf32>, tensor<1x2x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x3xf32>
  return %y : tensor<1x4x3xf32>
}
