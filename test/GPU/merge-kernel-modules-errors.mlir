// RUN: quant-opt %s --split-input-file --verify-diagnostics --quant-gpu-merge-kernel-modules

module attributes {gpu.container_module} {
  gpu.module @a {
    gpu.func @a() kernel {
      gpu.return
    }
  }
  gpu.module @b {
    // expected-error @+1 {{cannot merge gpu.module @b: it holds 'llvm.mlir.global', only gpu.func ops are moved}}
    llvm.mlir.global internal constant @table(dense<[1, 2]> : tensor<2xi32>) : !llvm.array<2 x i32>
    gpu.func @b() kernel {
      gpu.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @a [#nvvm.target<chip = "sm_80">] {
    gpu.func @a() kernel {
      gpu.return
    }
  }
  // expected-error @+1 {{cannot merge gpu.module @b into @a: their targets differ}}
  gpu.module @b [#nvvm.target<chip = "sm_90">] {
    gpu.func @b() kernel {
      gpu.return
    }
  }
}
