// RUN: quant-opt %s --split-input-file --quant-insert-observers="recipe=%S/Inputs/recipes/mixed.json method=mse" | FileCheck %s --check-prefix=OBS
// RUN: quant-opt %s --split-input-file --quant-insert-qdq="recipe=%S/Inputs/recipes/mixed.json" | FileCheck %s --check-prefix=MIXW
// RUN: quant-opt %s --split-input-file --quant-insert-observers=recipe=int4-weight-only | FileCheck %s --check-prefix=WONLY
// RUN: quant-opt %s --split-input-file --quant-insert-qdq="recipe=%S/Inputs/recipes/weights.json warn-unmatched=false" | FileCheck %s --check-prefix=W
// RUN: quant-opt %s --split-input-file --quant-insert-qdq="recipe=%S/Inputs/recipes/reinclude.json" | FileCheck %s --check-prefix=REINC

// Recipe files (docs/Recipes.md) on quant-import's Conv + Relu + MaxPool +
// Gemm (mixed.json: relu with s16 symmetric activations, gemm excluded, the
// Relu kind with method percentile 99.9; the rest int8 with the pass's
// method, mse):
// - X: only conv reads it: u8 asymmetric, mse;
// - conv.out (conv -> relu) and relu.out (relu -> pool): the most bits of
//   the layers they touch, 16 (relu's settings, percentile 99.9);
// - pool.out: pool (int8) and the excluded gemm: int8, for the pool;
// - gemm.out: only the excluded gemm touches it: not observed.
// OBS-LABEL: func.func @cnn
// OBS:      qnn.observe %arg0 {name = "X", recipe = #qnn.recipe<storage = ui8, scheme = asymmetric, method = mse>}
// OBS:      qnn.observe %{{.*}} {name = "conv.out", recipe = #qnn.recipe<storage = si16, scheme = symmetric, method = percentile, percentile = 9.990000e+01>}
// OBS:      qnn.observe %{{.*}} {name = "relu.out", recipe = #qnn.recipe<storage = si16, scheme = symmetric, method = percentile, percentile = 9.990000e+01>}
// OBS:      qnn.observe %{{.*}} {name = "pool.out", recipe = #qnn.recipe<storage = ui8, scheme = asymmetric, method = mse>}
// OBS-NOT:  qnn.observe
// OBS:      return

// Weights: conv's per-channel s8 (the base), gemm's stay float (excluded);
// the weight's recipe is recorded on its quant.scast.
// MIXW-LABEL: func.func @cnn
// MIXW:       quant.scast %{{.*}} {quantc.recipe = #qnn.recipe<storage = si8, scheme = symmetric, granularity = channel, axis = 0>} : tensor<2x1x3x3xi8> to tensor<2x1x3x3x!quant.uniform<i8:f32:0
// MIXW-NOT:   quant.scast
// MIXW:       linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<1x8xf32>, tensor<8x3xf32>)

// reinclude.json: every MatMul excluded, then gemm (name and kind, Gemm
// being MatMul's other name) included again: its weights are per-channel
// s8 again (axis 0 of the [N, K] constant behind the transpose).
// REINC-LABEL: func.func @cnn
// REINC:       quant.scast {{.*}} : tensor<2x1x3x3xi8>
// REINC:       quant.scast {{.*}} : tensor<3x8xi8> to tensor<3x8x!quant.uniform<i8:f32:0,
// REINC-LABEL: func.func @mlp
// REINC-NOT:   quant.scast

// int4-weight-only keeps every activation float: no observers.
// WONLY-LABEL: func.func @cnn
// WONLY-NOT:   qnn.observe

#pool_in = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
#pool_win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#pool_out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
func.func @cnn(%x: tensor<1x1x4x4xf32> {quantc.onnx_name = "X"}) -> tensor<1x3xf32> {
  %w = arith.constant dense<1.0> : tensor<2x1x3x3xf32>
  %b = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x1x4x4xf32> to tensor<1x1x6x6xf32> loc("conv")
  %e = tensor.empty() : tensor<1x2x4x4xf32> loc("conv")
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("conv")
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<1x1x6x6xf32>, tensor<2x1x3x3xf32>) outs(%acc : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("conv")
  %bs = tosa.const_shape {values = dense<[1, 2, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4> loc("conv")
  %b4 = tosa.reshape %b, %bs : (tensor<2xf32>, !tosa.shape<4>) -> tensor<1x2x1x1xf32> loc("conv")
  %cb = tosa.add %c, %b4 : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x4x4xf32> loc("conv")
  %r = tosa.clamp %cb {max_val = 0x7F800000 : f32, min_val = 0.0 : f32} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("relu")
  %ninf = arith.constant 0xFF800000 : f32
  %win = tensor.empty() : tensor<2x2xf32> loc("pool")
  %pe = tensor.empty() : tensor<1x2x2x2xf32> loc("pool")
  %pf = linalg.fill ins(%ninf : f32) outs(%pe : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("pool")
  %pool = linalg.generic {indexing_maps = [#pool_in, #pool_win, #pool_out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%r, %win : tensor<1x2x4x4xf32>, tensor<2x2xf32>) outs(%pf : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %unused: f32, %out: f32):
    %m = arith.maximumf %in, %out : f32
    linalg.yield %m : f32
  } -> tensor<1x2x2x2xf32> loc("pool")
  %fs = tosa.const_shape {values = dense<[1, 8]> : tensor<2xindex>} : () -> !tosa.shape<2> loc("flatten")
  %f = tosa.reshape %pool, %fs : (tensor<1x2x2x2xf32>, !tosa.shape<2>) -> tensor<1x8xf32> loc("flatten")
  %w2 = arith.constant dense<0.5> : tensor<3x8xf32>
  %w2t = tosa.transpose %w2 {perms = array<i32: 1, 0>} : (tensor<3x8xf32>) -> tensor<8x3xf32> loc("gemm")
  %me = tensor.empty() : tensor<1x3xf32> loc("gemm")
  %mf = linalg.fill ins(%zero : f32) outs(%me : tensor<1x3xf32>) -> tensor<1x3xf32> loc("gemm")
  %mm = linalg.matmul ins(%f, %w2t : tensor<1x8xf32>, tensor<8x3xf32>) outs(%mf : tensor<1x3xf32>) -> tensor<1x3xf32> loc("gemm")
  %b2 = arith.constant dense<[[1.0, 2.0, 3.0]]> : tensor<1x3xf32>
  %y = tosa.add %mm, %b2 : (tensor<1x3xf32>, tensor<1x3xf32>) -> tensor<1x3xf32> loc("gemm")
  return %y : tensor<1x3xf32>
}

// -----

// weights.json: int4-weight-only with blocks of 4; overrides "fc*" (2
// bits), "fc{1,2}" (4 bits), "fc2" (u8 asymmetric per tensor), "fc3"
// (none), applied in order, the last match winning field by field.
// fc1: s4 symmetric, blocks of 4 along K (axis 0 of the [K, N] weight),
// scales max|w| / 7.5 per block and column (numpy: 0.2666666805744171,
// 1.0, 0.4000000059604645, 0.06666667014360428), quantized in float32 and
// rounded half to even (numpy: -2 / 0.26666668 = -7.4999996 -> -7,
// 7.5 / 1.0 -> 8 -> clamped to 7).
// W-LABEL: func.func @mlp
// W:       %[[W1:.*]] = arith.constant dense<{{\[\[}}4, 7], [-7, 1], [2, 2], [1, 3], [7, -7], [0, 4], [-4, 0], [2, 0]]> : tensor<8x2xi4>
// W:       quant.scast %[[W1]] {quantc.recipe = #qnn.recipe<storage = si4, scheme = symmetric, granularity = group, axis = 0, group_size = 4>} : tensor<8x2xi4> to tensor<8x2x!quant.uniform<i4:f32:{0:4, 1:1}, {{\{\{}}0.266666681, 1.000000e+00}, {4.000000e-01, 0.0666666701}}>>
// fc2: u8 asymmetric per tensor over [-1, 3]: scale 4/255, zero point 64;
// 2 / (4/255) = 127.499997 in float32 -> 127 + 64 = 191.
// W:       %[[W2:.*]] = arith.constant dense<{{\[\[}}0, 96], [-65, -1]]> : tensor<2x2xi8>
// W:       quant.scast %[[W2]] {quantc.recipe = #qnn.recipe<storage = ui8, scheme = asymmetric>} : tensor<2x2xi8> to tensor<2x2x!quant.uniform<u8:f32, 0.015686275437474251:64>>
// fc3: float.
// W-NOT:   quant.scast
// W:       return
func.func @mlp(%x: tensor<2x8xf32>) -> tensor<2x2xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  %w1 = arith.constant dense<[[1.0, 7.5], [-2.0, 1.0], [0.5, 2.0], [0.25, 3.0], [3.0, -0.5], [0.0, 0.25], [-1.5, 0.0], [0.75, 0.0]]> : tensor<8x2xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<2x8xf32>, tensor<8x2xf32>) outs(%acc : tensor<2x2xf32>) -> tensor<2x2xf32> loc("fc1")
  %w2 = arith.constant dense<[[-1.0, 0.5], [2.0, 3.0]]> : tensor<2x2xf32>
  %h2 = linalg.matmul ins(%h, %w2 : tensor<2x2xf32>, tensor<2x2xf32>) outs(%acc : tensor<2x2xf32>) -> tensor<2x2xf32> loc("fc2")
  %w3 = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %y = linalg.matmul ins(%h2, %w3 : tensor<2x2xf32>, tensor<2x2xf32>) outs(%acc : tensor<2x2xf32>) -> tensor<2x2xf32> loc("fc3")
  return %y : tensor<2x2xf32>
}
