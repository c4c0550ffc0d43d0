// RUN: quant-opt %s --split-input-file --quant-fold-qdq="explain=true" --verify-diagnostics

// Every reason quant-fold-qdq gives for leaving a layout, pooling or concat
// op in QDQ form (remarks, with explain=true).

!qc = !quant.uniform<i8:f32:1, {0.05, 0.1}>
func.func @reshape_per_axis(%x: tensor<1x2x3x!qc>) -> tensor<1x6x!quant.uniform<i8:f32, 0.1>> {
  %d = quant.dcast %x : tensor<1x2x3x!qc> to tensor<1x2x3xf32>
  %shape = tosa.const_shape {values = dense<[1, 6]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %d, %shape : (tensor<1x2x3xf32>, !tosa.shape<2>) -> tensor<1x6xf32>
  // expected-remark@+1 {{not folded onto stored integers: tosa.reshape: the reshape merges or splits the quantized axis 1 (size 2): no result dimension holds its channels whole}}
  %y = quant.qcast %r : tensor<1x6xf32> to tensor<1x6x!quant.uniform<i8:f32, 0.1>>
  return %y : tensor<1x6x!quant.uniform<i8:f32, 0.1>>
}

// -----

!q = !quant.uniform<i8:f32, 0.05>
!qc = !quant.uniform<i8:f32:0, {0.05, 0.1}>
func.func @transpose_output_per_axis(%x: tensor<3x2x!q>) -> tensor<2x3x!qc> {
  %d = quant.dcast %x : tensor<3x2x!q> to tensor<3x2xf32>
  %t = tosa.transpose %d {perms = array<i32: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  // expected-remark@+1 {{not folded onto stored integers: tosa.transpose: the output is quantized per axis}}
  %y = quant.qcast %t : tensor<2x3xf32> to tensor<2x3x!qc>
  return %y : tensor<2x3x!qc>
}

// -----

!q = !quant.uniform<i8:f32, 0.05:-3>
func.func @pad_not_representable(%x: tensor<1x4x!q>) -> tensor<1x6x!q> {
  %d = quant.dcast %x : tensor<1x4x!q> to tensor<1x4xf32>
  %v = arith.constant 0.01 : f32
  %p = tensor.pad %d low[0, 1] high[0, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %v : f32
  } : tensor<1x4xf32> to tensor<1x6xf32>
  // expected-remark@+1 {{not folded onto stored integers: tensor.pad: the padding value 1.000000e-02 is not exactly representable in the input type (nearest: 0.000000e+00)}}
  %y = quant.qcast %p : tensor<1x6xf32> to tensor<1x6x!q>
  return %y : tensor<1x6x!q>
}

// -----

!q = !quant.uniform<i8:f32, 0.05:-3>
func.func @pad_not_constant(%x: tensor<1x4x!q>, %v: f32) -> tensor<1x6x!q> {
  %d = quant.dcast %x : tensor<1x4x!q> to tensor<1x4xf32>
  %p = tensor.pad %d low[0, 1] high[0, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %v : f32
  } : tensor<1x4xf32> to tensor<1x6xf32>
  // expected-remark@+1 {{not folded onto stored integers: tensor.pad: the padding value is not a constant}}
  %y = quant.qcast %p : tensor<1x6xf32> to tensor<1x6x!q>
  return %y : tensor<1x6x!q>
}

// -----

#win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
#ker = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
!q = !quant.uniform<u8:f32, 0.05:128>
func.func @max_pool_zero_padding(%x: tensor<1x1x4x4x!q>) -> tensor<1x1x3x3x!q> {
  %d = quant.dcast %x : tensor<1x1x4x4x!q> to tensor<1x1x4x4xf32>
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %p = tensor.pad %d low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x1x4x4xf32> to tensor<1x1x6x6xf32>
  %w = tensor.empty() : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x1x3x3xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  %m = linalg.generic {indexing_maps = [#win, #ker, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%p, %w : tensor<1x1x6x6xf32>, tensor<2x2xf32>) outs(%f : tensor<1x1x3x3xf32>) {
  ^bb0(%in: f32, %k: f32, %acc: f32):
    %r = arith.maximumf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<1x1x3x3xf32>
  // expected-remark@+1 {{not folded onto stored integers: max pool: its input is padded with a value that is not constant -inf}}
  %y = quant.qcast %m : tensor<1x1x3x3xf32> to tensor<1x1x3x3x!q>
  return %y : tensor<1x1x3x3x!q>
}

// -----

#win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
#ker = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
!q = !quant.uniform<u8:f32, 0.05:128>
func.func @max_pool_dynamic_spatial(%x: tensor<1x1x?x4x!q>, %h: index) -> tensor<1x1x?x2x!q> {
  %d = quant.dcast %x : tensor<1x1x?x4x!q> to tensor<1x1x?x4xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %w = tensor.empty() : tensor<2x2xf32>
  %e = tensor.empty(%h) : tensor<1x1x?x2xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x1x?x2xf32>) -> tensor<1x1x?x2xf32>
  %m = linalg.generic {indexing_maps = [#win, #ker, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%d, %w : tensor<1x1x?x4xf32>, tensor<2x2xf32>) outs(%f : tensor<1x1x?x2xf32>) {
  ^bb0(%in: f32, %k: f32, %acc: f32):
    %r = arith.maximumf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<1x1x?x2xf32>
  // expected-remark@+1 {{not folded onto stored integers: max pool: its spatial output sizes are not static}}
  %y = quant.qcast %m : tensor<1x1x?x2xf32> to tensor<1x1x?x2x!q>
  return %y : tensor<1x1x?x2x!q>
}

// -----

!q = !quant.uniform<u8:f32, 0.05:128>
func.func @concat_float_input(%a: tensor<2x3x!q>, %b: tensor<1x3xf32>) -> tensor<3x3x!q> {
  %da = quant.dcast %a : tensor<2x3x!q> to tensor<2x3xf32>
  %cat = tosa.concat %da, %b {axis = 0 : i32} : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<3x3xf32>
  // expected-remark@+1 {{not folded onto stored integers: tosa.concat: its input is not dequantized}}
  %y = quant.qcast %cat : tensor<3x3xf32> to tensor<3x3x!q>
  return %y : tensor<3x3x!q>
}

// -----

#win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4 * 2, d3 * 2 + d5 * 2)>
#ker = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#pos = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
!q = !quant.uniform<u8:f32, 0.05:128>
func.func @avg_pool_dilated(%x: tensor<1x1x5x5x!q>) -> tensor<1x1x2x2x!q> {
  %d = quant.dcast %x : tensor<1x1x5x5x!q> to tensor<1x1x5x5xf32>
  %zero = arith.constant 0.0 : f32
  %w = tensor.empty() : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x1x2x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %s = linalg.generic {indexing_maps = [#win, #ker, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%d, %w : tensor<1x1x5x5xf32>, tensor<2x2xf32>) outs(%f : tensor<1x1x2x2xf32>) {
  ^bb0(%in: f32, %k: f32, %acc: f32):
    %r = arith.addf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<1x1x2x2xf32>
  %counts = arith.constant dense<4.0> : tensor<2x2xf32>
  %a = linalg.generic {indexing_maps = [#id, #pos, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s, %counts : tensor<1x1x2x2xf32>, tensor<2x2xf32>) outs(%e : tensor<1x1x2x2xf32>) {
  ^bb0(%in: f32, %c: f32, %o: f32):
    %r = arith.divf %in, %c : f32
    linalg.yield %r : f32
  } -> tensor<1x1x2x2xf32>
  // expected-remark@+1 {{not folded onto stored integers: average pool: the window is dilated}}
  %y = quant.qcast %a : tensor<1x1x2x2xf32> to tensor<1x1x2x2x!q>
  return %y : tensor<1x1x2x2x!q>
}

// -----

#win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4, d3 * 2 + d5)>
#ker = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d1, d2)>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#pos = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
!q = !quant.uniform<u8:f32, 0.05:128>
func.func @avg_pool_not_nchw(%x: tensor<1x1x5x5x!q>) -> tensor<1x2x1x4x!q> {
  %d = quant.dcast %x : tensor<1x1x5x5x!q> to tensor<1x1x5x5xf32>
  %zero = arith.constant 0.0 : f32
  %w = tensor.empty() : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2x1x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x1x4xf32>) -> tensor<1x2x1x4xf32>
  %s = linalg.generic {indexing_maps = [#win, #ker, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%d, %w : tensor<1x1x5x5xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2x1x4xf32>) {
  ^bb0(%in: f32, %k: f32, %acc: f32):
    %r = arith.addf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<1x2x1x4xf32>
  %counts = arith.constant dense<4.0> : tensor<1x4xf32>
  %a = linalg.generic {indexing_maps = [#id, #pos, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s, %counts : tensor<1x2x1x4xf32>, tensor<1x4xf32>) outs(%e : tensor<1x2x1x4xf32>) {
  ^bb0(%in: f32, %c: f32, %o: f32):
    %r = arith.divf %in, %c : f32
    linalg.yield %r : f32
  } -> tensor<1x2x1x4xf32>
  // expected-remark@+1 {{not folded onto stored integers: average pool: the window sum is not a 2-D NCHW window}}
  %y = quant.qcast %a : tensor<1x2x1x4xf32> to tensor<1x2x1x4x!q>
  return %y : tensor<1x2x1x4x!q>
}

// -----

#win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4, d3 + d5)>
#ker = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#pos = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
!q = !quant.uniform<u8:f32, 0.05:128>
func.func @avg_pool_pad_value(%x: tensor<1x1x2x2x!q>) -> tensor<1x1x3x3x!q> {
  %d = quant.dcast %x : tensor<1x1x2x2x!q> to tensor<1x1x2x2xf32>
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %p = tensor.pad %d low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %one : f32
  } : tensor<1x1x2x2xf32> to tensor<1x1x4x4xf32>
  %w = tensor.empty() : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x1x3x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  %s = linalg.generic {indexing_maps = [#win, #ker, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%p, %w : tensor<1x1x4x4xf32>, tensor<2x2xf32>) outs(%f : tensor<1x1x3x3xf32>) {
  ^bb0(%in: f32, %k: f32, %acc: f32):
    %r = arith.addf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<1x1x3x3xf32>
  %counts = arith.constant dense<4.0> : tensor<3x3xf32>
  %a = linalg.generic {indexing_maps = [#id, #pos, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s, %counts : tensor<1x1x3x3xf32>, tensor<3x3xf32>) outs(%e : tensor<1x1x3x3xf32>) {
  ^bb0(%in: f32, %c: f32, %o: f32):
    %r = arith.divf %in, %c : f32
    linalg.yield %r : f32
  } -> tensor<1x1x3x3xf32>
  // expected-remark@+1 {{not folded onto stored integers: average pool: its input is padded with a value that is not constant 0.0}}
  %y = quant.qcast %a : tensor<1x1x3x3xf32> to tensor<1x1x3x3x!q>
  return %y : tensor<1x1x3x3x!q>
}

// -----

#win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4, d3 + d5)>
#ker = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#pos = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
!q = !quant.uniform<u8:f32, 0.05:128>
func.func @avg_pool_channel_padding(%x: tensor<1x1x2x2x!q>) -> tensor<1x2x1x1x!q> {
  %d = quant.dcast %x : tensor<1x1x2x2x!q> to tensor<1x1x2x2xf32>
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %d low[0, 1, 0, 0] high[0, 0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x1x2x2xf32> to tensor<1x2x2x2xf32>
  %w = tensor.empty() : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2x1x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %s = linalg.generic {indexing_maps = [#win, #ker, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%p, %w : tensor<1x2x2x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2x1x1xf32>) {
  ^bb0(%in: f32, %k: f32, %acc: f32):
    %r = arith.addf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<1x2x1x1xf32>
  %counts = arith.constant dense<4.0> : tensor<1x1xf32>
  %a = linalg.generic {indexing_maps = [#id, #pos, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s, %counts : tensor<1x2x1x1xf32>, tensor<1x1xf32>) outs(%e : tensor<1x2x1x1xf32>) {
  ^bb0(%in: f32, %c: f32, %o: f32):
    %r = arith.divf %in, %c : f32
    linalg.yield %r : f32
  } -> tensor<1x2x1x1xf32>
  // expected-remark@+1 {{not folded onto stored integers: average pool: its input padding is not static and spatial}}
  %y = quant.qcast %a : tensor<1x2x1x1xf32> to tensor<1x2x1x1x!q>
  return %y : tensor<1x2x1x1x!q>
}

// -----

#win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4, d3 + d5)>
#ker = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#pos = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
!q = !quant.uniform<u8:f32, 0.05:128>
func.func @avg_pool_divisors(%x: tensor<1x1x3x3x!q>) -> tensor<1x1x2x2x!q> {
  %d = quant.dcast %x : tensor<1x1x3x3x!q> to tensor<1x1x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %w = tensor.empty() : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x1x2x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %s = linalg.generic {indexing_maps = [#win, #ker, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%d, %w : tensor<1x1x3x3xf32>, tensor<2x2xf32>) outs(%f : tensor<1x1x2x2xf32>) {
  ^bb0(%in: f32, %k: f32, %acc: f32):
    %r = arith.addf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<1x1x2x2xf32>
  %counts = arith.constant dense<3.0> : tensor<2x2xf32>
  %a = linalg.generic {indexing_maps = [#id, #pos, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s, %counts : tensor<1x1x2x2xf32>, tensor<2x2xf32>) outs(%e : tensor<1x1x2x2xf32>) {
  ^bb0(%in: f32, %c: f32, %o: f32):
    %r = arith.divf %in, %c : f32
    linalg.yield %r : f32
  } -> tensor<1x1x2x2xf32>
  // expected-remark@+1 {{not folded onto stored integers: average pool: the divisors are neither the window sizes inside the input nor the whole window size}}
  %y = quant.qcast %a : tensor<1x1x2x2xf32> to tensor<1x1x2x2x!q>
  return %y : tensor<1x1x2x2x!q>
}

// -----

#win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4, d3 + d5)>
#ker = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#pos = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
!q = !quant.uniform<u8:f32, 0.05:128>
func.func @avg_pool_verifier(%x: tensor<1x1x1x1x!q>) -> tensor<1x1x3x3x!q> {
  %d = quant.dcast %x : tensor<1x1x1x1x!q> to tensor<1x1x1x1xf32>
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %d low[0, 0, 2, 2] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x1x1x1xf32> to tensor<1x1x4x4xf32>
  %w = tensor.empty() : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x1x3x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  %s = linalg.generic {indexing_maps = [#win, #ker, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%p, %w : tensor<1x1x4x4xf32>, tensor<2x2xf32>) outs(%f : tensor<1x1x3x3xf32>) {
  ^bb0(%in: f32, %k: f32, %acc: f32):
    %r = arith.addf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<1x1x3x3xf32>
  %counts = arith.constant dense<4.0> : tensor<3x3xf32>
  %a = linalg.generic {indexing_maps = [#id, #pos, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s, %counts : tensor<1x1x3x3xf32>, tensor<3x3xf32>) outs(%e : tensor<1x1x3x3xf32>) {
  ^bb0(%in: f32, %c: f32, %o: f32):
    %r = arith.divf %in, %c : f32
    linalg.yield %r : f32
  } -> tensor<1x1x3x3xf32>
  // expected-remark@+1 {{not folded onto stored integers: average pool: padding must be smaller than the kernel (2) in spatial dimension 0}}
  %y = quant.qcast %a : tensor<1x1x3x3xf32> to tensor<1x1x3x3x!q>
  return %y : tensor<1x1x3x3x!q>
}

// -----

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#pos = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
!q = !quant.uniform<u8:f32, 0.05:128>
func.func @global_pool_order(%x: tensor<1x2x3x4x!q>) -> tensor<1x2x1x1x!q> {
  %d = quant.dcast %x : tensor<1x2x3x4x!q> to tensor<1x2x3x4xf32>
  %w = tosa.reduce_sum %d {axis = 3 : i32} : (tensor<1x2x3x4xf32>) -> tensor<1x2x3x1xf32>
  %s = tosa.reduce_sum %w {axis = 2 : i32} : (tensor<1x2x3x1xf32>) -> tensor<1x2x1x1xf32>
  %e = tensor.empty() : tensor<1x2x1x1xf32>
  %counts = arith.constant dense<12.0> : tensor<1x1xf32>
  %a = linalg.generic {indexing_maps = [#id, #pos, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s, %counts : tensor<1x2x1x1xf32>, tensor<1x1xf32>) outs(%e : tensor<1x2x1x1xf32>) {
  ^bb0(%in: f32, %c: f32, %o: f32):
    %r = arith.divf %in, %c : f32
    linalg.yield %r : f32
  } -> tensor<1x2x1x1xf32>
  // expected-remark@+1 {{not folded onto stored integers: average pool: the sum does not reduce H then W}}
  %y = quant.qcast %a : tensor<1x2x1x1xf32> to tensor<1x2x1x1x!q>
  return %y : tensor<1x2x1x1x!q>
}

// -----

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#pos = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
!q = !quant.uniform<u8:f32, 0.05:128>
func.func @global_pool_dynamic(%x: tensor<1x2x?x4x!q>) -> tensor<1x2x1x1x!q> {
  %d = quant.dcast %x : tensor<1x2x?x4x!q> to tensor<1x2x?x4xf32>
  %h = tosa.reduce_sum %d {axis = 2 : i32} : (tensor<1x2x?x4xf32>) -> tensor<1x2x1x4xf32>
  %s = tosa.reduce_sum %h {axis = 3 : i32} : (tensor<1x2x1x4xf32>) -> tensor<1x2x1x1xf32>
  %e = tensor.empty() : tensor<1x2x1x1xf32>
  %counts = arith.constant dense<12.0> : tensor<1x1xf32>
  %a = linalg.generic {indexing_maps = [#id, #pos, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s, %counts : tensor<1x2x1x1xf32>, tensor<1x1xf32>) outs(%e : tensor<1x2x1x1xf32>) {
  ^bb0(%in: f32, %c: f32, %o: f32):
    %r = arith.divf %in, %c : f32
    linalg.yield %r : f32
  } -> tensor<1x2x1x1xf32>
  // expected-remark@+1 {{not folded onto stored integers: average pool: the global pool input has dynamic H or W}}
  %y = quant.qcast %a : tensor<1x2x1x1xf32> to tensor<1x2x1x1x!q>
  return %y : tensor<1x2x1x1x!q>
}

// -----

#win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
#ker = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
!qi = !quant.uniform<i8:f32, 0.05:-3>
!qo = !quant.uniform<i8:f32, 0.07:5>
func.func @max_pool_padded_requantize(%x: tensor<1x1x4x4x!qi>) -> tensor<1x1x3x3x!qo> {
  %d = quant.dcast %x : tensor<1x1x4x4x!qi> to tensor<1x1x4x4xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %p = tensor.pad %d low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %ninf : f32
  } : tensor<1x1x4x4xf32> to tensor<1x1x6x6xf32>
  %w = tensor.empty() : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x1x3x3xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  %m = linalg.generic {indexing_maps = [#win, #ker, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%p, %w : tensor<1x1x6x6xf32>, tensor<2x2xf32>) outs(%f : tensor<1x1x3x3xf32>) {
  ^bb0(%in: f32, %k: f32, %acc: f32):
    %r = arith.maximumf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<1x1x3x3xf32>
  // expected-remark@+1 {{not folded onto stored integers: max pool: it is padded and its output parameters differ: the lowest input value requantizes to -84, not to the output's lowest value -128 that a window of padding gives}}
  %y = quant.qcast %m : tensor<1x1x3x3xf32> to tensor<1x1x3x3x!qo>
  return %y : tensor<1x1x3x3x!qo>
}

// -----

func.func @input_not_uniform(%x: tensor<2x3x!quant.any<i8:f32>>) -> tensor<3x2x!quant.uniform<i8:f32, 0.5>> {
  %d = quant.dcast %x : tensor<2x3x!quant.any<i8:f32>> to tensor<2x3xf32>
  %t = tosa.transpose %d {perms = array<i32: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  // expected-remark@+1 {{not folded onto stored integers: tosa.transpose: its input is not a per-tensor or per-axis !quant.uniform tensor}}
  %y = quant.qcast %t : tensor<3x2xf32> to tensor<3x2x!quant.uniform<i8:f32, 0.5>>
  return %y : tensor<3x2x!quant.uniform<i8:f32, 0.5>>
}

// -----

func.func @output_not_uniform(%x: tensor<2x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<3x2x!quant.any<i8:f32>> {
  %d = quant.dcast %x : tensor<2x3x!quant.uniform<i8:f32, 0.5>> to tensor<2x3xf32>
  %t = tosa.transpose %d {perms = array<i32: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  // expected-remark@+1 {{not folded onto stored integers: tosa.transpose: the output is not a per-tensor or per-axis !quant.uniform tensor}}
  %y = quant.qcast %t : tensor<3x2xf32> to tensor<3x2x!quant.any<i8:f32>>
  return %y : tensor<3x2x!quant.any<i8:f32>>
}

// -----

// Per-axis inputs: a pad along the quantized axis has no channel for the
// padded positions.
!qc = !quant.uniform<i8:f32:1, {0.05, 0.1}>
func.func @pad_per_axis_along_axis(%x: tensor<3x2x!qc>) -> tensor<3x4x!quant.uniform<i8:f32, 0.1>> {
  %d = quant.dcast %x : tensor<3x2x!qc> to tensor<3x2xf32>
  %v = arith.constant 0.0 : f32
  %p = tensor.pad %d low[0, 1] high[0, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %v : f32
  } : tensor<3x2xf32> to tensor<3x4xf32>
  // expected-remark@+1 {{not folded onto stored integers: tensor.pad: it pads along the quantized axis 1 (a padded channel has no scale)}}
  %y = quant.qcast %p : tensor<3x4xf32> to tensor<3x4x!quant.uniform<i8:f32, 0.1>>
  return %y : tensor<3x4x!quant.uniform<i8:f32, 0.1>>
}

// -----

// One stored padding value must mean the padding value in every channel.
!qc = !quant.uniform<i8:f32:1, {0.05:0, 0.1:4}>
func.func @pad_per_axis_zero_points(%x: tensor<3x2x!qc>) -> tensor<5x2x!qc> {
  %d = quant.dcast %x : tensor<3x2x!qc> to tensor<3x2xf32>
  %v = arith.constant 0.0 : f32
  %p = tensor.pad %d low[1, 0] high[1, 0] {
  ^bb0(%i: index, %j: index):
    tensor.yield %v : f32
  } : tensor<3x2xf32> to tensor<5x2xf32>
  // expected-remark@+1 {{not folded onto stored integers: tensor.pad: the padding value 0.000000e+00 is stored as 0 in channel 0 but as 4 in channel 1}}
  %y = quant.qcast %p : tensor<5x2xf32> to tensor<5x2x!qc>
  return %y : tensor<5x2x!qc>
}

// -----

// The output's axis must be where the input's lands.
!qc = !quant.uniform<i8:f32:1, {0.05, 0.1, 0.2}>
!qo = !quant.uniform<i8:f32:1, {0.05, 0.1}>
func.func @transpose_per_axis_other_axis(%x: tensor<2x3x!qc>) -> tensor<3x2x!qo> {
  %d = quant.dcast %x : tensor<2x3x!qc> to tensor<2x3xf32>
  %t = tosa.transpose %d {perms = array<i32: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  // expected-remark@+1 {{not folded onto stored integers: tosa.transpose: the input's quantized axis lands on dimension 0, the output is quantized along 1}}
  %y = quant.qcast %t : tensor<3x2xf32> to tensor<3x2x!qo>
  return %y : tensor<3x2x!qo>
}

// -----

!qc = !quant.uniform<i8:f32:0, {0.05, 0.1}>
func.func @slice_drops_axis(%x: tensor<2x3x!qc>) -> tensor<3x!quant.uniform<i8:f32, 0.1>> {
  %d = quant.dcast %x : tensor<2x3x!qc> to tensor<2x3xf32>
  %s = tensor.extract_slice %d[1, 0] [1, 3] [1, 1] : tensor<2x3xf32> to tensor<3xf32>
  // expected-remark@+1 {{not folded onto stored integers: tensor.extract_slice: the slice drops the quantized axis 0}}
  %y = quant.qcast %s : tensor<3xf32> to tensor<3x!quant.uniform<i8:f32, 0.1>>
  return %y : tensor<3x!quant.uniform<i8:f32, 0.1>>
}

// -----

// Concat along another dimension than the quantized one: the inputs'
// channels must agree.
!qa = !quant.uniform<i8:f32:1, {0.05, 0.1}>
!qb = !quant.uniform<i8:f32:1, {0.05, 0.2}>
func.func @concat_per_axis_differ(%a: tensor<1x2x!qa>, %b: tensor<1x2x!qb>) -> tensor<2x2x!qa> {
  %da = quant.dcast %a : tensor<1x2x!qa> to tensor<1x2xf32>
  %db = quant.dcast %b : tensor<1x2x!qb> to tensor<1x2xf32>
  %c = tosa.concat %da, %db {axis = 0 : i32} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<2x2xf32>
  // expected-remark@+1 {{not folded onto stored integers: tosa.concat: input 1 has other per-channel parameters than input 0, and the concat does not join along the quantized axis 1}}
  %y = quant.qcast %c : tensor<2x2xf32> to tensor<2x2x!qa>
  return %y : tensor<2x2x!qa>
}

// -----

!qa = !quant.uniform<i8:f32:1, {0.05, 0.1}>
!qb = !quant.uniform<i8:f32, 0.05>
func.func @concat_mixed(%a: tensor<1x2x!qa>, %b: tensor<1x2x!qb>) -> tensor<2x2x!qa> {
  %da = quant.dcast %a : tensor<1x2x!qa> to tensor<1x2xf32>
  %db = quant.dcast %b : tensor<1x2x!qb> to tensor<1x2xf32>
  %c = tosa.concat %da, %db {axis = 0 : i32} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<2x2xf32>
  // expected-remark@+1 {{not folded onto stored integers: tosa.concat: its inputs mix per-tensor and per-axis quantization}}
  %y = quant.qcast %c : tensor<2x2xf32> to tensor<2x2x!qa>
  return %y : tensor<2x2x!qa>
}
