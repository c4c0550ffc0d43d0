// RUN: quant-opt %s --quant-omp-dynamic-schedule | FileCheck %s

// A worksharing loop without a schedule (what convert-scf-to-openmp
// writes) hands out its iterations dynamically; one with a schedule keeps
// it.

// CHECK-LABEL: func.func @unscheduled
// CHECK: omp.wsloop schedule(dynamic)
func.func @unscheduled(%lb: index, %ub: index, %step: index) {
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%lb) to (%ub) step (%step) {
        omp.yield
      }
    }
    omp.terminator
  }
  return
}

// CHECK-LABEL: func.func @static_kept
// CHECK: omp.wsloop schedule(static)
func.func @static_kept(%lb: index, %ub: index, %step: index) {
  omp.parallel {
    omp.wsloop schedule(static) {
      omp.loop_nest (%i) : index = (%lb) to (%ub) step (%step) {
        omp.yield
      }
    }
    omp.terminator
  }
  return
}
