// A QDQ linear layer 5x32 @ 32x6 (int8 activations, per-channel int8 weights,
// int32 bias), written by `examples/linear/qdq_linear.py emit --variant
// tosa-per-channel --seed 7` without its @main: the model of examples/aot.
!qa = !quant.uniform<i8:f32, 0.125:17>
!qo = !quant.uniform<i8:f32, 0.5:1>
!qw = !quant.uniform<i8<-127:127>:f32:2, {0.03125:0, 0.03125:0, 0.015625:0, 0.03125:0, 0.015625:0, 0.015625:0}>
!qb = !quant.uniform<i32:f32:0, {0.00390625, 0.00390625, 0.001953125, 0.00390625, 0.001953125, 0.001953125}>
func.func @linear(%x: tensor<5x32xf32>) -> tensor<5x6xf32> {
  %s3 = tosa.const_shape {values = dense<[1, 5, 32]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %x3 = tosa.reshape %x, %s3 : (tensor<5x32xf32>, !tosa.shape<3>) -> tensor<1x5x32xf32>
  %xq = quant.qcast %x3 : tensor<1x5x32xf32> to tensor<1x5x32x!qa>
  %xd = quant.dcast %xq : tensor<1x5x32x!qa> to tensor<1x5x32xf32>
  %wi = arith.constant dense<[[[-70, -113, -51, -55, 95, 105], [-126, 0, 82, -94, 76, -97], [-8, 81, -50, -40, -57, 56], [-63, 125, -14, -6, 1, 21], [14, 2, 126, 78, 75, 51], [31, -41, 125, -9, -73, 88], [-87, 91, 29, -98, -116, -14], [-118, -91, 4, 120, -9, 79], [106, 82, 33, -15, 4, -60], [-1, -31, -64, 126, -124, -103], [-78, 120, 49, 97, -76, 56], [-33, -3, -127, 30, 84, 42], [-88, 9, -59, 119, 97, -80], [2, 112, 89, 53, 36, -117], [62, -7, -104, -65, 10, 58], [2, 29, 95, 47, -35, 37], [25, -100, -112, 41, -29, 25], [-45, -70, -89, -30, 81, -25], [-31, 19, 122, -27, 23, -15], [27, -14, 35, 12, 45, 116], [-89, 16, -15, -36, -66, -114], [-25, 83, -103, -24, 119, 115], [-73, -126, 44, -124, -51, -1], [95, -104, 41, 8, -94, 88], [88, -4, 113, 27, 103, 117], [18, -56, -90, 16, -78, 64], [109, -65, 13, -115, -81, -31], [98, 120, 36, 21, 18, -112], [-32, 123, -23, -73, -66, 54], [-118, 120, 96, 17, -8, 67], [12, -6, -45, -14, 64, -113], [-121, 56, -33, 77, -120, 104]]]> : tensor<1x32x6xi8>
  %wq = quant.scast %wi : tensor<1x32x6xi8> to tensor<1x32x6x!qw>
  %wd = quant.dcast %wq : tensor<1x32x6x!qw> to tensor<1x32x6xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %mm = tosa.matmul %xd, %wd, %zp, %zp : (tensor<1x5x32xf32>, tensor<1x32x6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x5x6xf32>
  %bi = arith.constant dense<[1067, -2472, -2874, -266, -1137, 420]> : tensor<6xi32>
  %bq = quant.scast %bi : tensor<6xi32> to tensor<6x!qb>
  %b = quant.dcast %bq : tensor<6x!qb> to tensor<6xf32>
  %bs = tosa.const_shape {values = dense<[1, 1, 6]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %b3 = tosa.reshape %b, %bs : (tensor<6xf32>, !tosa.shape<3>) -> tensor<1x1x6xf32>
  %y = tosa.add %mm, %b3 : (tensor<1x5x6xf32>, tensor<1x1x6xf32>) -> tensor<1x5x6xf32>
  %yq = quant.qcast %y : tensor<1x5x6xf32> to tensor<1x5x6x!qo>
  %yd = quant.dcast %yq : tensor<1x5x6x!qo> to tensor<1x5x6xf32>
  %s2 = tosa.const_shape {values = dense<[5, 6]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %yd, %s2 : (tensor<1x5x6xf32>, !tosa.shape<2>) -> tensor<5x6xf32>
  return %r : tensor<5x6xf32>
}
