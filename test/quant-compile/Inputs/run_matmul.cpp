// Runs main_graph of make_onnx_matmul.py's model, compiled by quant-compile
// (header mm.h), on a raw u8 [M, K] input file; writes the raw u8 [M, N]
// output. M, K, N: 6, 40, 10 unless -DMM_M=... -DMM_K=... -DMM_N=...
#include "mm.h"

#include <cstdio>

#ifndef MM_M
#define MM_M 6
#define MM_K 40
#define MM_N 10
#endif

int main(int argc, char **argv) {
  if (argc != 3)
    return 2;
  static uint8_t x[MM_M * MM_K], y[MM_M * MM_N];
  FILE *in = std::fopen(argv[1], "rb");
  if (!in || std::fread(x, 1, sizeof x, in) != sizeof x)
    return 2;
  std::fclose(in);
  main_graph(x, y);
  FILE *out = std::fopen(argv[2], "wb");
  if (!out || std::fwrite(y, 1, sizeof y, out) != sizeof y)
    return 2;
  std::fclose(out);
  return 0;
}
