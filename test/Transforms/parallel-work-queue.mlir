// RUN: quant-opt %s --allow-unregistered-dialect --pass-pipeline="builtin.module(func.func(quant-parallel-work-queue{threads=2}))" | FileCheck %s
// RUN: quant-opt %s --allow-unregistered-dialect --pass-pipeline="builtin.module(func.func(quant-parallel-work-queue{threads=1}))" | FileCheck %s --check-prefix=ONE

// The pass emits no diagnostics: a loop it does not take (reductions, or
// nested in another parallel loop) stays as it is.

// A 2-D loop of 3 x 4 units becomes 2 workers. Each owns the units
// [12*t/2, 12*(t+1)/2), drains them through its counter, then helps the
// other; a unit's indices come back row-major (the last dimension
// fastest). The static stack buffer moves to the worker.
// CHECK-LABEL: func.func @units
// CHECK-NEXT:    %[[COUNTERS:.*]] = memref.alloca() : memref<2xi64>
// CHECK:         %[[TOTAL:.*]] = arith.muli %{{.*}}, %[[COLS:.*]] : index
// CHECK:         memref.store %[[ZERO:.*]], %[[COUNTERS]][%{{.*}}]
// CHECK:         memref.store %[[ZERO]], %[[COUNTERS]][%{{.*}}]
// CHECK:         scf.parallel (%[[W:.*]]) = (%{{.*}}) to (%[[TWO:.*]]) step
// CHECK-NEXT:      %[[BUF:.*]] = memref.alloca() {alignment = 64 : i64} : memref<16xi8>
// CHECK:           scf.for %[[K:.*]] = %{{.*}} to %[[TWO]]
// CHECK-NEXT:        %[[SUM:.*]] = arith.addi %[[W]], %[[K]]
// CHECK-NEXT:        %[[OWNER:.*]] = arith.remui %[[SUM]], %[[TWO]]
// CHECK-NEXT:        %[[SCALED:.*]] = arith.muli %[[TOTAL]], %[[OWNER]]
// CHECK-NEXT:        %[[BEGIN:.*]] = arith.divui %[[SCALED]], %[[TWO]]
// CHECK:             %[[SIZE:.*]] = arith.subi %{{.*}}, %[[BEGIN]]
// CHECK-NEXT:        scf.while
// CHECK-NEXT:          %[[TAKEN:.*]] = memref.atomic_rmw addi %{{.*}}, %[[COUNTERS]][%[[OWNER]]] : (i64, memref<2xi64>) -> i64
// CHECK-NEXT:          %[[INDEX:.*]] = arith.index_cast %[[TAKEN]]
// CHECK-NEXT:          %[[MORE:.*]] = arith.cmpi ult, %[[INDEX]], %[[SIZE]]
// CHECK-NEXT:          %[[UNIT:.*]] = arith.addi %[[BEGIN]], %[[INDEX]]
// CHECK-NEXT:          scf.condition(%[[MORE]]) %[[UNIT]]
// CHECK:             } do {
// CHECK-NEXT:        ^bb0(%[[ARG:.*]]: index):
// CHECK-NEXT:          %[[J:.*]] = arith.remui %[[ARG]], %[[COLS]]
// CHECK-NEXT:          %[[I:.*]] = arith.divui %[[ARG]], %[[COLS]]
// CHECK:               "test.unit"(%{{.*}}, %{{.*}}, %[[BUF]])
// CHECK-NOT:         memref.alloca
// CHECK:         return
// ONE-LABEL: func.func @units
// ONE:         scf.parallel (%{{.*}}, %{{.*}}) =
// ONE-NOT:     memref.atomic_rmw
func.func @units() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c3, %c4) step (%c1, %c1) {
    %buf = memref.alloca() {alignment = 64 : i64} : memref<16xi8>
    "test.unit"(%i, %j, %buf) : (index, index, memref<16xi8>) -> ()
    scf.reduce
  }
  return
}

// Lower bounds and steps map back: unit u of (lb, ub, step) = (2, 11, 3)
// runs iteration 2 + u * 3, of ceil((11 - 2) / 3) units.
// CHECK-LABEL: func.func @strided
// CHECK:         %[[SPAN:.*]] = arith.subi %[[UB:.*]], %[[LB:.*]] : index
// CHECK:         %[[COUNT:.*]] = arith.ceildivsi %[[SPAN]], %[[STEP:.*]] : index
// CHECK:         arith.maxsi %[[COUNT]]
// CHECK:         ^bb0(%[[UNIT:.*]]: index):
// CHECK:           %[[SCALED:.*]] = arith.muli %[[UNIT]], %[[STEP]]
// CHECK:           %[[IV:.*]] = arith.addi %[[LB]], %[[SCALED]]
// CHECK:           "test.unit"(%[[IV]])
func.func @strided() {
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c11 = arith.constant 11 : index
  scf.parallel (%i) = (%c2) to (%c11) step (%c3) {
    "test.unit"(%i) : (index) -> ()
    scf.reduce
  }
  return
}

// A stack buffer of dynamic size stays with its unit, in an alloca scope
// (freed after each unit). Inside a sequential loop the counters still
// sit in the entry block, reset before each run.
// CHECK-LABEL: func.func @dynamic_buffer
// CHECK-NEXT:    %[[COUNTERS:.*]] = memref.alloca() : memref<2xi64>
// CHECK:         scf.for
// CHECK:           memref.store %{{.*}}, %[[COUNTERS]]
// CHECK:           scf.parallel
// CHECK:             ^bb0(%[[UNIT:.*]]: index):
// CHECK:               memref.alloca_scope {
// CHECK:                 memref.alloca(%{{.*}}) : memref<?xi8>
func.func @dynamic_buffer(%n: index, %runs: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %r = %c0 to %runs step %c1 {
    scf.parallel (%i) = (%c0) to (%n) step (%c1) {
      %buf = memref.alloca(%i) : memref<?xi8>
      "test.unit"(%buf) : (memref<?xi8>) -> ()
      scf.reduce
    }
  }
  return
}

// Only the outermost loop is split: the inner one runs inside its unit.
// A loop with a reduction is left alone.
// CHECK-LABEL: func.func @nested_and_reduction
// CHECK:         scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step
// CHECK:           scf.while
// CHECK:             scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step
// CHECK:               "test.inner"
// CHECK:         scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step (%{{.*}}) init
// CHECK-NOT:       memref.atomic_rmw
func.func @nested_and_reduction(%n: index) -> i32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0 : i32
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    scf.parallel (%j) = (%c0) to (%n) step (%c1) {
      "test.inner"(%i, %j) : (index, index) -> ()
      scf.reduce
    }
    scf.reduce
  }
  %sum = scf.parallel (%i) = (%c0) to (%n) step (%c1) init (%zero) -> i32 {
    %v = arith.index_cast %i : index to i32
    scf.reduce(%v : i32) {
    ^bb0(%a: i32, %b: i32):
      %s = arith.addi %a, %b : i32
      scf.reduce.return %s : i32
    }
  }
  return %sum : i32
}
