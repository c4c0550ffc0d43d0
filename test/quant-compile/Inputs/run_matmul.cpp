// Runs main_graph of make_onnx_matmul.py's model, compiled by quant-compile
// (header mm.h), on a raw u8 [6, 40] input file; writes the raw u8 [6, 10]
// output.
#include "mm.h"

#include <cstdio>

int main(int argc, char **argv) {
  if (argc != 3)
    return 2;
  uint8_t x[6 * 40], y[6 * 10];
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
