// A 9x12 (s8) x 12x40 (s8 per tensor) qnn.matmul with bias: one full tile
// of 8 rows and a remainder row, a full 32-column panel and a partial one.
!qa = !quant.uniform<i8:f32, 0.0625:-3>
!qw = !quant.uniform<i8:f32, 0.03125>
!qb = !quant.uniform<i32:f32, 0.001953125>
!qo = !quant.uniform<i8:f32, 1.0:5>
func.func @main(%x: tensor<9x12xi8>) -> tensor<9x40xi8> {
  %xq = quant.scast %x : tensor<9x12xi8> to tensor<9x12x!qa>
  %wi = arith.constant dense<3> : tensor<12x40xi8>
  %w = quant.scast %wi : tensor<12x40xi8> to tensor<12x40x!qw>
  %bi = arith.constant dense<100> : tensor<40xi32>
  %b = quant.scast %bi : tensor<40xi32> to tensor<40x!qb>
  %y = qnn.matmul %xq, %w bias %b : (tensor<9x12x!qa>, tensor<12x40x!qw>, tensor<40x!qb>) -> tensor<9x40x!qo>
  %yi = quant.scast %y : tensor<9x40x!qo> to tensor<9x40xi8>
  return %yi : tensor<9x40xi8>
}
