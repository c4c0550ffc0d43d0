// A stand-in for MLIR's runner utilities where they are not built (the
// AArch64 objects of quant-compile --target=aarch64, run under
// qemu-aarch64): calls the model's @run_model through the header
// quant-compile wrote (force-included with -include), whose printMemrefF32
// call lands here and prints the sizes and elements in the layout
// parse_runner_output (examples/linear/qdq_linear.py) reads. Floats with 9
// significant digits: every f32 round-trips.
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

// The lowered unranked memref: rank and a pointer to the ranked descriptor
// {allocated, aligned, offset, sizes[rank], strides[rank]}.
struct Descriptor {
  float *allocated, *aligned;
  int64_t offset;
  int64_t sizesAndStrides[];
};

static void printElements(const struct Descriptor *d, int64_t rank,
                          int64_t dim, int64_t offset) {
  const int64_t *sizes = d->sizesAndStrides, *strides = sizes + rank;
  if (dim == rank) {
    printf("%.9g ", d->aligned[offset]);
    return;
  }
  printf("[");
  for (int64_t i = 0; i < sizes[dim]; ++i)
    printElements(d, rank, dim + 1, offset + i * strides[dim]);
  printf("]");
}

void printMemrefF32(int64_t rank, void *descriptor) {
  const struct Descriptor *d = descriptor;
  printf("Unranked Memref rank = %" PRId64 " offset = %" PRId64 " sizes = [",
         rank, d->offset);
  for (int64_t i = 0; i < rank; ++i)
    printf(i ? ", %" PRId64 : "%" PRId64, d->sizesAndStrides[i]);
  printf("] data = \n");
  printElements(d, rank, 0, d->offset);
  printf("\n");
}


int main(void) {
  run_model();
  return 0;
}
