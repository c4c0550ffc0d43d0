// The manifest of every quantized tensor (QDQ casts, stored weights, qnn op
// results, observers with their recipe and statistics), its state hash, and
// quant-verify-state on an unchanged module.

// RUN: rm -rf %t && mkdir -p %t
// RUN: quant-opt %s --quant-export-manifest=output=%t/m.json --mlir-print-debuginfo -o %t/same.mlir
// RUN: FileCheck %s --input-file=%t/m.json

// The pass leaves the module as it was.
// RUN: quant-opt %s --mlir-print-debuginfo -o %t/printed.mlir
// RUN: diff %t/printed.mlir %t/same.mlir

// The global option and the pass accept an unchanged module, in quant-opt
// and after a round trip through the printer (with the locations, which
// name the tensors: --mlir-print-debuginfo).
// RUN: quant-opt %s --quant-verify-state=%t/m.json --quant-fold-qdq -o /dev/null
// RUN: quant-opt %s --quant-verify-state=%t/m.json --pass-pipeline='builtin.module(quant-fold-qdq)' -o /dev/null
// RUN: quant-opt %t/same.mlir --quant-verify-state=manifest=%t/m.json -o /dev/null
// RUN: quant-opt %t/same.mlir --quant-verify-state %t/m.json -o /dev/null

// Stable: the same hash on a second run, and on the same model written with
// other SSA names, its unrelated ops in another order and no empty lines.
// RUN: quant-opt %s --quant-export-manifest=output=%t/again.json -o /dev/null
// RUN: diff %t/m.json %t/again.json
// RUN: quant-opt %S/Inputs/quantization-state-reordered.mlir --quant-export-manifest=output=%t/reordered.json -o /dev/null
// RUN: grep state_sha256 %t/m.json > %t/hash1
// RUN: grep state_sha256 %t/reordered.json > %t/hash2
// RUN: diff %t/hash1 %t/hash2
// RUN: quant-opt %S/Inputs/quantization-state-reordered.mlir --quant-verify-state=%t/m.json -o /dev/null

// One changed scale changes the hash.
// RUN: sed -e 's/0.0625:128/0.0625001:128/' %s > %t/changed.mlir
// RUN: quant-opt %t/changed.mlir --quant-export-manifest=output=%t/changed.json -o /dev/null
// RUN: grep state_sha256 %t/changed.json > %t/hash3
// RUN: not diff %t/hash1 %t/hash3

// CHECK:      "format": "quantc-quantization-manifest",
// CHECK-NEXT: "requant_mode": "fixedpoint",
// CHECK-NEXT: "state_sha256": "{{([0-9a-f]{64})}}",
// CHECK-NEXT: "tensors": [

// Blocked (ONNX block_size): a block size and parameter count per dimension.
// CHECK:        "bits": 8,
// CHECK-NEXT:   "block_sizes": [
// CHECK-NEXT:     1,
// CHECK-NEXT:     2
// CHECK-NEXT:   ],
// CHECK-NEXT:   "expressed": "f32",
// CHECK-NEXT:   "granularity": "block",
// CHECK-NEXT:   "name": "blocked",
// CHECK:        "param_shape": [
// CHECK-NEXT:     1,
// CHECK-NEXT:     2
// CHECK-NEXT:   ],
// CHECK:        "scales": [
// CHECK-NEXT:     0.5,
// CHECK-NEXT:     0.25
// CHECK-NEXT:   ],
// CHECK:        "zero_points": [
// CHECK-NEXT:     1,
// CHECK-NEXT:     2
// CHECK-NEXT:   ]

// Tensors sorted by name; per-tensor parameters as numbers. Unsigned with
// the zero point at 128 is symmetric.
// CHECK:        "bits": 8,
// CHECK-NEXT:   "expressed": "f32",
// CHECK-NEXT:   "granularity": "tensor",
// CHECK-NEXT:   "name": "fc",
// CHECK-NEXT:   "op": "qnn.matmul",
// CHECK-NEXT:   "range": [
// CHECK-NEXT:     -16,
// CHECK-NEXT:     15.875
// CHECK-NEXT:   ],
// CHECK-NEXT:   "scale": 0.125,
// CHECK-NEXT:   "scheme": "symmetric",
// CHECK-NEXT:   "shape": [
// CHECK-NEXT:     2,
// CHECK-NEXT:     3
// CHECK-NEXT:   ],
// CHECK-NEXT:   "signed": false,
// CHECK-NEXT:   "storage_max": 255,
// CHECK-NEXT:   "storage_min": 0,
// CHECK-NEXT:   "zero_point": 128

// Per-channel weights: arrays, with the axis and a range per channel.
// CHECK:        "axis": 1,
// CHECK-NEXT:   "bits": 8,
// CHECK-NEXT:   "expressed": "f32",
// CHECK-NEXT:   "granularity": "channel",
// CHECK-NEXT:   "name": "fc_weight",
// CHECK-NEXT:   "op": "quant.scast",
// CHECK-NEXT:   "ranges": [
// CHECK-NEXT:     [
// CHECK-NEXT:       -63.5,
// CHECK-NEXT:       63.5
// CHECK-NEXT:     ],
// CHECK:        "scales": [
// CHECK-NEXT:     0.5,
// CHECK-NEXT:     0.25,
// CHECK-NEXT:     1
// CHECK-NEXT:   ],
// CHECK-NEXT:   "scheme": "symmetric",
// CHECK:        "signed": true,
// CHECK-NEXT:   "storage_max": 127,
// CHECK-NEXT:   "storage_min": -127,
// CHECK-NEXT:   "zero_points": [
// CHECK-NEXT:     0,
// CHECK-NEXT:     0,
// CHECK-NEXT:     0
// CHECK-NEXT:   ]

// An observer: its recipe (calibration method) and statistics.
// CHECK:        "kind": "observer",
// CHECK-NEXT:   "name": "h.out",
// CHECK-NEXT:   "op": "qnn.observe",
// CHECK-NEXT:   "recipe": {
// CHECK-NEXT:     "bits": 8,
// CHECK-NEXT:     "granularity": "tensor",
// CHECK-NEXT:     "method": "percentile",
// CHECK-NEXT:     "narrow_range": false,
// CHECK-NEXT:     "num_bins": 4,
// CHECK-NEXT:     "percentile": 99.5,
// CHECK-NEXT:     "scheme": "asymmetric",
// CHECK-NEXT:     "signed": false
// CHECK-NEXT:   },
// CHECK:        "stats": {
// CHECK-NEXT:     "count": 6,
// CHECK-NEXT:     "hist_counts": [
// CHECK-NEXT:       1,
// CHECK-NEXT:       2,
// CHECK-NEXT:       0,
// CHECK-NEXT:       3
// CHECK-NEXT:     ],
// CHECK-NEXT:     "hist_max": 2,
// CHECK-NEXT:     "hist_min": -1.5,
// CHECK-NEXT:     "max": 2,
// CHECK-NEXT:     "min": -1.5
// CHECK-NEXT:   }

// Two tensors with one location name: the second (in program order) gets #1.
// CHECK:        "name": "x_quantized",
// CHECK-NEXT:   "op": "quant.qcast",
// CHECK:        "scale": 0.0625,
// CHECK:        "zero_point": 128
// CHECK:        "name": "x_quantized#1",
// CHECK-NEXT:   "op": "quant.qcast",
// CHECK:        "scale": 0.03125,
// CHECK:        "zero_point": 120
// CHECK:      "version": 1

!x = !quant.uniform<u8:f32, 0.0625:128>
!x2 = !quant.uniform<u8:f32, 0.03125:120>
!w = !quant.uniform<i8<-127:127>:f32:1, {0.5, 0.25, 1.0}>
!y = !quant.uniform<u8:f32, 0.125:128>
!b = !quant.uniform<i8:f32:{1:2}, {{0.5:1, 0.25:2}}>
module attributes {qnn.requant_mode = #qnn.requant_mode<fixedpoint>} {
  func.func @main(%arg0: tensor<2x4xf32>, %arg1: tensor<2x3xf32>)
      -> (tensor<2x3xf32>, tensor<2x4xf32>, tensor<2x3xf32>) {
    %q = quant.qcast %arg0 : tensor<2x4xf32> to tensor<2x4x!x> loc("x_quantized")
    %q2 = quant.qcast %arg0 : tensor<2x4xf32> to tensor<2x4x!x2> loc("x_quantized")
    %d2 = quant.dcast %q2 : tensor<2x4x!x2> to tensor<2x4xf32>
    %c = arith.constant dense<1> : tensor<4x3xi8>
    %cb = arith.constant dense<1> : tensor<2x4xi8>
    %blk = quant.scast %cb : tensor<2x4xi8> to tensor<2x4x!b> loc("blocked")
    %w = quant.scast %c : tensor<4x3xi8> to tensor<4x3x!w> loc("fc_weight")
    %y = qnn.matmul %q, %w : (tensor<2x4x!x>, tensor<4x3x!w>) -> tensor<2x3x!y> loc(fused["fc", "fc_quantized"])
    %d = quant.dcast %y : tensor<2x3x!y> to tensor<2x3xf32>
    %h = qnn.observe %arg1 {name = "h.out",
        recipe = #qnn.recipe<storage = ui8, scheme = asymmetric, method = percentile, percentile = 99.5, num_bins = 4>,
        stats = #qnn.stats<count = 6, min = -1.5, max = 2.0, hist_min = -1.5, hist_max = 2.0, hist_counts = [1, 2, 0, 3]>}
        : tensor<2x3xf32>
    return %d, %d2, %h : tensor<2x3xf32>, tensor<2x4xf32>, tensor<2x3xf32>
  }
}
