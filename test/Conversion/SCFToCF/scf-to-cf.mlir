// quant-lower-scf-to-cf must give exactly upstream convert-scf-to-cf's IR
// (the reference): same patterns, another driver.
// RUN: quant-opt %s --quant-lower-scf-to-cf > %t.ours
// RUN: quant-opt %s --convert-scf-to-cf > %t.upstream
// RUN: diff %t.ours %t.upstream
// RUN: FileCheck %s --input-file=%t.ours

// Sibling loop nests (lowered last first) and a nest inside a nest.
// CHECK-LABEL: func.func @nests
// CHECK-NOT: scf.
// CHECK: cf.cond_br
// CHECK: return
func.func @nests(%m: memref<4x8xi32>, %n: memref<16xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %one = arith.constant 1 : i32
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %j = %c0 to %c8 step %c1 {
      memref.store %one, %m[%i, %j] : memref<4x8xi32>
    }
  }
  scf.for %k = %c0 to %c16 step %c1 {
    %v = memref.load %n[%k] : memref<16xi32>
    %w = arith.addi %v, %one : i32
    memref.store %w, %n[%k] : memref<16xi32>
  }
  return
}

// Loop-carried values, if/else with results, while, index_switch, parallel
// with a reduction, execute_region: every op kind upstream lowers.
// CHECK-LABEL: func.func @kinds
// CHECK-NOT: scf.
// CHECK: return
func.func @kinds(%n: index, %flag: i1, %x: i32, %m: memref<?xi32>) -> (i32, i32, i32, i32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0 : i32
  %sum = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> i32 {
    %v = memref.load %m[%i] : memref<?xi32>
    %r = scf.if %flag -> i32 {
      %a = arith.addi %acc, %v : i32
      scf.yield %a : i32
    } else {
      %s = arith.subi %acc, %v : i32
      scf.yield %s : i32
    }
    scf.yield %r : i32
  }
  %w = scf.while (%arg = %x) : (i32) -> i32 {
    %cond = arith.cmpi slt, %arg, %sum : i32
    scf.condition(%cond) %arg : i32
  } do {
  ^bb0(%arg: i32):
    %next = arith.addi %arg, %x : i32
    scf.yield %next : i32
  }
  %sw = scf.index_switch %n -> i32
  case 2 {
    scf.yield %x : i32
  }
  default {
    scf.yield %w : i32
  }
  %red = scf.parallel (%i) = (%c0) to (%n) step (%c1) init (%zero) -> i32 {
    %v = memref.load %m[%i] : memref<?xi32>
    scf.reduce(%v : i32) {
    ^bb0(%l: i32, %r: i32):
      %t = arith.addi %l, %r : i32
      scf.reduce.return %t : i32
    }
  }
  %e = scf.execute_region -> i32 {
    %t = arith.muli %red, %x : i32
    scf.yield %t : i32
  }
  return %sum, %sw, %red, %e : i32, i32, i32, i32
}
