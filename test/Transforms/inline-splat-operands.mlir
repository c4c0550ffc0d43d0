// RUN: quant-opt %s --quant-inline-splat-operands | FileCheck %s

// Splat constants read as scalars (0-d parameters) become scalar constants
// in the body; a non-splat constant and a splat vector indexed by the
// loops stay operands.
// CHECK-LABEL: func.func @params
// CHECK:       linalg.generic
// CHECK-SAME:    ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<3xf32>, tensor<3xi32>)
// CHECK-NEXT:  ^bb0(%[[X:.*]]: f32, %[[C:.*]]: f32, %[[K:.*]]: i32, %{{.*}}: i8):
// CHECK-DAG:     %[[ZP:.*]] = arith.constant 1.280000e+02 : f32
// CHECK-DAG:     %[[S:.*]] = arith.constant 5.000000e-02 : f32
// CHECK:         arith.divf %[[X]], %[[S]]
// CHECK:         arith.addf %{{.*}}, %[[ZP]]
// CHECK:         arith.mulf %{{.*}}, %[[C]]
// CHECK:         arith.sitofp %[[K]]
#x = affine_map<(d0, d1) -> (d0, d1)>
#s = affine_map<(d0, d1) -> ()>
#c = affine_map<(d0, d1) -> (d1)>
func.func @params(%x: tensor<2x3xf32>) -> tensor<2x3xi8> {
  %scale = arith.constant dense<5.0e-02> : tensor<f32>
  %zp = arith.constant dense<1.28e+02> : tensor<f32>
  %per_channel = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %k = arith.constant dense<3> : tensor<3xi32>
  %init = tensor.empty() : tensor<2x3xi8>
  %r = linalg.generic {indexing_maps = [#x, #s, #s, #c, #c, #x],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x, %scale, %zp, %per_channel, %k
          : tensor<2x3xf32>, tensor<f32>, tensor<f32>, tensor<3xf32>, tensor<3xi32>)
      outs(%init : tensor<2x3xi8>) {
  ^bb0(%in: f32, %s: f32, %z: f32, %ch: f32, %ki: i32, %out: i8):
    %q = arith.divf %in, %s : f32
    %a = arith.addf %q, %z : f32
    %m = arith.mulf %a, %ch : f32
    %kf = arith.sitofp %ki : i32 to f32
    %t = arith.addf %m, %kf : f32
    %i = arith.fptosi %t : f32 to i8
    linalg.yield %i : i8
  } -> tensor<2x3xi8>
  return %r : tensor<2x3xi8>
}

// CHECK-LABEL: func.func @nothing_to_inline
// CHECK:       ins(%arg0, %arg1 : tensor<4xi32>, tensor<4xi32>)
#id = affine_map<(d0) -> (d0)>
func.func @nothing_to_inline(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %init = tensor.empty() : tensor<4xi32>
  %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%a, %b : tensor<4xi32>, tensor<4xi32>) outs(%init : tensor<4xi32>) {
  ^bb0(%x: i32, %y: i32, %o: i32):
    %s = arith.addi %x, %y : i32
    linalg.yield %s : i32
  } -> tensor<4xi32>
  return %r : tensor<4xi32>
}
