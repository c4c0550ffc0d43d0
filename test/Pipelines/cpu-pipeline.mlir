// RUN: quant-opt %s --quant-to-linalg-pipeline | FileCheck %s --check-prefix=LINALG
// RUN: quant-opt %s --quant-cpu-pipeline | FileCheck %s --check-prefix=LLVM
// RUN: quant-opt %s --quant-cpu-pipeline=emulate-qdq=true | FileCheck %s --check-prefix=EMULATE

// Stage boundaries of the CPU pipeline on a QDQ linear layer with float code
// (tosa.reshape, tosa.sigmoid) around it.

!qa = !quant.uniform<i8:f32, 0.5:-3>
!qw = !quant.uniform<i8<-127:127>:f32, 0.25>
!qo = !quant.uniform<i8:f32, 2.0:4>

// After quant-to-linalg: no QDQ, no float matmul, an i32 contraction; the
// float ops beside the layer are untouched.
// LINALG-LABEL: func.func @layer
// LINALG-SAME:    (%{{.*}}: tensor<2x4xf32>) -> tensor<2x3xf32>
// LINALG-NOT:     quant.
// LINALG-NOT:     qnn.
// LINALG-NOT:     tosa.matmul
// LINALG:         arith.muli %{{.*}}, %{{.*}} : i32
// LINALG:         tosa.sigmoid

// After the CPU pipeline: the LLVM dialect only.
// LLVM-LABEL: llvm.func @layer
// LLVM-NOT:     quant.
// LLVM-NOT:     linalg.
// LLVM-NOT:     tosa.
// LLVM-NOT:     tensor.
// LLVM:         llvm.mul {{.*}} : i32

// emulate-qdq keeps the float matmul and runs the casts as fake-quantization.
// EMULATE-LABEL: llvm.func @layer
// EMULATE-NOT:     llvm.mul {{.*}} : i32
// EMULATE:         llvm.intr.roundeven
// EMULATE:         llvm.fmul
func.func @layer(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %s3 = tosa.const_shape {values = dense<[1, 2, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %x3 = tosa.reshape %x, %s3 : (tensor<2x4xf32>, !tosa.shape<3>) -> tensor<1x2x4xf32>
  %xq = quant.qcast %x3 : tensor<1x2x4xf32> to tensor<1x2x4x!qa>
  %xd = quant.dcast %xq : tensor<1x2x4x!qa> to tensor<1x2x4xf32>
  %wi = arith.constant dense<[[[1, -2, 3], [4, 5, -6], [7, 8, 9], [-10, 11, 12]]]> : tensor<1x4x3xi8>
  %wq = quant.scast %wi : tensor<1x4x3xi8> to tensor<1x4x3x!qw>
  %wd = quant.dcast %wq : tensor<1x4x3x!qw> to tensor<1x4x3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %mm = tosa.matmul %xd, %wd, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  %yq = quant.qcast %mm : tensor<1x2x3xf32> to tensor<1x2x3x!qo>
  %yd = quant.dcast %yq : tensor<1x2x3x!qo> to tensor<1x2x3xf32>
  %act = tosa.sigmoid %yd : (tensor<1x2x3xf32>) -> tensor<1x2x3xf32>
  %s2 = tosa.const_shape {values = dense<[2, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %act, %s2 : (tensor<1x2x3xf32>, !tosa.shape<2>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}
