func.func @f() {
  %x = arith.constant : f32
}
