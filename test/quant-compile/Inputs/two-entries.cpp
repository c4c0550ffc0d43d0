// Calls the two entries of two-entries.mlir through the generated header.
#include "two.h"

#include <cstdio>

int main() {
  const int8_t x[4] = {-3, 4, -5, 6};
  int8_t copy[4];
  int32_t doubled[4];
  pair(x, copy, doubled);
  std::printf("pair: %d %d %d %d | %d %d %d %d\n", copy[0], copy[1], copy[2],
              copy[3], doubled[0], doubled[1], doubled[2], doubled[3]);
  const float v[3] = {1.5f, 2.0f, 3.0f};
  float sum = 0;
  scalar(v, &sum);
  std::printf("scalar: %g\n", sum);
  return 0;
}
