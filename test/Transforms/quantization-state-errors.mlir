// quant-verify-state: each kind of difference from a manifest is an error
// naming the tensor and the field, manifest value against module value;
// unreadable, malformed, foreign, newer and edited manifests are errors
// naming the file. quant-export-manifest: an output it cannot write.

// RUN: rm -rf %t && mkdir -p %t
// RUN: quant-opt %s --quant-export-manifest=output=%t/m.json -o /dev/null

// A changed scale (the real range, which follows, is not repeated).
// RUN: sed -e 's/0.125:128/0.25:128/' %s > %t/scale.mlir
// RUN: not quant-opt %t/scale.mlir --quant-verify-state=%t/m.json 2>&1 | FileCheck %s --check-prefix=SCALE
// The global option also checks the input before a textual pipeline.
// RUN: not quant-opt %t/scale.mlir --quant-verify-state=%t/m.json --pass-pipeline='builtin.module(quant-fold-qdq)' 2>&1 | FileCheck %s --check-prefix=SCALE
// SCALE: error: {{.*}}quantization state differs from manifest '{{.*}}m.json': tensor 'fc' scale: manifest 0.125, module 0.25
// SCALE-NOT: range
// SCALE: error: quant-verify-state: 1 difference from manifest '{{.*}}m.json' (state {{[0-9a-f]+}} in the manifest, {{[0-9a-f]+}} in the module)

// A changed zero point.
// RUN: sed -e 's/0.0625:128/0.0625:127/' %s > %t/zp.mlir
// RUN: not quant-opt %t/zp.mlir --quant-verify-state=%t/m.json 2>&1 | FileCheck %s --check-prefix=ZP
// ZP: error: {{.*}}quantization state differs from manifest '{{.*}}': tensor 'x_quantized' scheme: manifest "symmetric", module "asymmetric"
// ZP: error: {{.*}}quantization state differs from manifest '{{.*}}': tensor 'x_quantized' zero_point: manifest 128, module 127
// ZP: 2 differences

// Changed bits.
// RUN: sed -e 's/u8:f32, 0.0625/u16:f32, 0.0625/' %s > %t/bits.mlir
// RUN: not quant-opt %t/bits.mlir --quant-verify-state=%t/m.json 2>&1 | FileCheck %s --check-prefix=BITS
// BITS: tensor 'x_quantized' bits: manifest 8, module 16
// BITS: tensor 'x_quantized' storage_max: manifest 255, module 65535

// One and several per-channel scales.
// RUN: sed -e 's/{0.5, 0.25, 1.0}/{0.5, 0.375, 1.0}/' %s > %t/channel.mlir
// RUN: not quant-opt %t/channel.mlir --quant-verify-state=%t/m.json 2>&1 | FileCheck %s --check-prefix=CHANNEL
// CHANNEL: tensor 'fc_weight' scales[1]: manifest 0.25, module 0.375
// RUN: sed -e 's/{0.5, 0.25, 1.0}/{0.75, 0.375, 1.0}/' %s > %t/channels.mlir
// RUN: not quant-opt %t/channels.mlir --quant-verify-state=%t/m.json 2>&1 | FileCheck %s --check-prefix=CHANNELS
// CHANNELS: tensor 'fc_weight' scales differs in 2 of 3 values, first scales[0]: manifest 0.5, module 0.75

// A removed tensor, an added one.
// RUN: sed -e '/loc("extra")/d' %s > %t/removed.mlir
// RUN: not quant-opt %t/removed.mlir --quant-verify-state=%t/m.json 2>&1 | FileCheck %s --check-prefix=REMOVED
// REMOVED: error: {{.*}}quantization state differs from manifest '{{.*}}': tensor 'extra' is in the manifest but not in the module
// RUN: sed -e 's|// ADD: ||' %s > %t/added.mlir
// RUN: not quant-opt %t/added.mlir --quant-verify-state=%t/m.json 2>&1 | FileCheck %s --check-prefix=ADDED
// ADDED: error: {{.*}}quantization state differs from manifest '{{.*}}': tensor 'added' is not in the manifest

// The module's requant mode; an observer's statistics and recipe.
// RUN: sed -e 's/requant_mode<fp32>/requant_mode<fixedpoint>/' %s > %t/mode.mlir
// RUN: not quant-opt %t/mode.mlir --quant-verify-state=%t/m.json 2>&1 | FileCheck %s --check-prefix=MODE
// MODE: requant_mode: manifest "fp32", module "fixedpoint"
// RUN: sed -e 's/max = 2.0/max = 2.5/; s/method = mse/method = entropy/' %s > %t/stats.mlir
// RUN: not quant-opt %t/stats.mlir --quant-verify-state=%t/m.json 2>&1 | FileCheck %s --check-prefix=STATS
// STATS-DAG: tensor 'h.out' recipe.method: manifest "mse", module "entropy"
// STATS-DAG: tensor 'h.out' stats.max: manifest 2, module 2.5

// The manifest file itself.
// RUN: not quant-opt %s --quant-verify-state=%t/missing.json 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: quant-verify-state: manifest '{{.*}}missing.json': cannot read: {{[Nn]}}o such file or directory
// RUN: echo '{"format": "quantc-quantization-manifest", ' > %t/malformed.json
// RUN: not quant-opt %s --quant-verify-state=%t/malformed.json 2>&1 | FileCheck %s --check-prefix=MALFORMED
// MALFORMED: error: quant-verify-state: manifest '{{.*}}malformed.json': not JSON: {{.*}}
// RUN: sed -e 's/"version": 1/"version": 2/' %t/m.json > %t/v2.json
// RUN: not quant-opt %s --quant-verify-state=%t/v2.json 2>&1 | FileCheck %s --check-prefix=VERSION
// VERSION: manifest '{{.*}}v2.json': version 2, this QuantC reads version 1
// RUN: sed -e 's/quantc-quantization-manifest/quantc-calibration-stats/' %t/m.json > %t/format.json
// RUN: not quant-opt %s --quant-verify-state=%t/format.json 2>&1 | FileCheck %s --check-prefix=FORMAT
// FORMAT: manifest '{{.*}}format.json': format is 'quantc-calibration-stats', expected 'quantc-quantization-manifest'
// RUN: sed -e 's/"scale": 0.125/"scale": 0.25/' %t/m.json > %t/edited.json
// RUN: not quant-opt %s --quant-verify-state=%t/edited.json 2>&1 | FileCheck %s --check-prefix=EDITED
// EDITED: manifest '{{.*}}edited.json': state_sha256 {{[0-9a-f]+}} is not the hash of its contents ({{[0-9a-f]+}}); was it edited by hand?
// RUN: echo '{"format": "quantc-quantization-manifest", "version": 1, "tensors": [{"bits": 8}]}' > %t/noname.json
// RUN: not quant-opt %s --quant-verify-state=%t/noname.json 2>&1 | FileCheck %s --check-prefix=NONAME
// NONAME: manifest '{{.*}}noname.json': tensors[0] is not an object with a string 'name'
// RUN: echo '{"format": "quantc-quantization-manifest", "version": 1, "tensors": [{"name": "a"}, {"name": "a"}]}' > %t/twice.json
// RUN: not quant-opt %s --quant-verify-state=%t/twice.json 2>&1 | FileCheck %s --check-prefix=TWICE
// TWICE: manifest '{{.*}}twice.json': tensor 'a' appears twice
// RUN: echo '{"format": "quantc-quantization-manifest", "version": 1}' > %t/notensors.json
// RUN: not quant-opt %s --quant-verify-state=%t/notensors.json 2>&1 | FileCheck %s --check-prefix=NOTENSORS
// NOTENSORS: manifest '{{.*}}notensors.json': 'tensors' is missing or not a list
// RUN: not quant-opt %s --pass-pipeline='builtin.module(quant-verify-state)' 2>&1 | FileCheck %s --check-prefix=NOFILE
// NOFILE: error: quant-verify-state: no manifest given (manifest=FILE)
// RUN: not quant-opt %s --quant-export-manifest=output=%t/no/such/dir/m.json 2>&1 | FileCheck %s --check-prefix=UNWRITABLE
// UNWRITABLE: error: quant-export-manifest: cannot write '{{.*}}m.json': {{.*}}

!x = !quant.uniform<u8:f32, 0.0625:128>
!w = !quant.uniform<i8<-127:127>:f32:1, {0.5, 0.25, 1.0}>
!y = !quant.uniform<u8:f32, 0.125:128>
!e = !quant.uniform<i8:f32, 0.5>
module attributes {qnn.requant_mode = #qnn.requant_mode<fp32>} {
  func.func @main(%arg0: tensor<2x4xf32>, %arg1: tensor<2x3xf32>)
      -> (tensor<2x3xf32>, tensor<2x3xf32>) {
    %q = quant.qcast %arg0 : tensor<2x4xf32> to tensor<2x4x!x> loc("x_quantized")
    %c = arith.constant dense<1> : tensor<4x3xi8>
    %w = quant.scast %c : tensor<4x3xi8> to tensor<4x3x!w> loc("fc_weight")
    %y = qnn.matmul %q, %w : (tensor<2x4x!x>, tensor<4x3x!w>) -> tensor<2x3x!y> loc("fc")
    %d = quant.dcast %y : tensor<2x3x!y> to tensor<2x3xf32>
    %e = quant.qcast %arg1 : tensor<2x3xf32> to tensor<2x3x!e> loc("extra")
    // ADD: %a = quant.qcast %arg1 : tensor<2x3xf32> to tensor<2x3x!e> loc("added")
    %h = qnn.observe %arg1 {name = "h.out",
        recipe = #qnn.recipe<storage = ui8, scheme = asymmetric, method = mse>,
        stats = #qnn.stats<count = 6, min = -1.5, max = 2.0>} : tensor<2x3xf32>
    return %d, %h : tensor<2x3xf32>, tensor<2x3xf32>
  }
}
