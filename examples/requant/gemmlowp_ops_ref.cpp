//===- gemmlowp_ops_ref.cpp - TFLite integer add/sub/average pool ---------===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The expected output of qnn.add, qnn.sub and qnn.avg_pool2d in the
// fixedpoint mode: TFLite's reference kernels transcribed (kernels/add.cc
// and sub.cc PrepareGeneralSubOp, reference_ops AddElementwise /
// SubElementwise, reference_integer_ops AveragePool, and the QUANTIZE op's
// Requantize for a change of parameters), on gemmlowp's own fixed-point
// functions (Debian's libgemmlowp-dev). Independent of QuantC: no QuantC
// header is included.
//
// Input (integer_ops_modes.py cases), "addsub": CASES, then per case
// "op bits qmin qmax sa za sb zb sc zc N", N lhs values, N rhs values
// (broadcast already). "avgpool": CASES, then per case "qmin qmax s_in z_in
// s_out z_out N C H W KH KW SH SW PT PL PB PR" and the NCHW input. Output:
// "data =" and the results of every case in order.
//
//===----------------------------------------------------------------------===//

#include "tflite_multiplier_ref.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

namespace {

/// TFLite's QuantizeMultiplierSmallerThanOneExp.
bool quantizeMultiplierSmallerThanOneExp(double m, int32_t *multiplier,
                                         int *leftShift) {
  if (!(m < 1.) || !(m > 0.))
    return false;
  quantizeMultiplier(m, multiplier, leftShift);
  return *leftShift <= 0;
}

/// TFLite's MultiplyByQuantizedMultiplierSmallerThanOneExp.
int32_t multiplySmallerThanOne(int32_t x, int32_t multiplier, int leftShift) {
  return gemmlowp::RoundingDivideByPOT(
      gemmlowp::SaturatingRoundingDoublingHighMul(x, multiplier), -leftShift);
}

bool runAddSub() {
  int cases;
  std::cin >> cases;
  for (int c = 0; c < cases; ++c) {
    std::string op;
    int bits, n;
    int32_t qmin, qmax, za, zb, zc;
    float sa, sb, sc;
    std::cin >> op >> bits >> qmin >> qmax >> sa >> za >> sb >> zb >> sc >>
        zc >> n;
    // PrepareGeneralSubOp.
    const int leftShift = bits == 16 ? 15 : 20;
    const double twiceMaxInputScale = 2 * std::max(sa, sb);
    const double realInput1 = sa / twiceMaxInputScale;
    const double realInput2 = sb / twiceMaxInputScale;
    const double realOutput =
        twiceMaxInputScale / ((1 << leftShift) * sc);
    int32_t m1, m2, mo;
    int s1, s2, so;
    if (!quantizeMultiplierSmallerThanOneExp(realInput1, &m1, &s1) ||
        !quantizeMultiplierSmallerThanOneExp(realInput2, &m2, &s2) ||
        !quantizeMultiplierSmallerThanOneExp(realOutput, &mo, &so)) {
      std::cerr << "error: case " << c << ": TFLite rejects the scales\n";
      return false;
    }
    // sub.cc: the 16-bit sub runs the add kernel with input2 negated.
    bool negate = op == "sub" && bits == 16;
    if (negate)
      m2 = -m2;
    std::vector<int32_t> a(n), b(n);
    for (auto &v : a)
      std::cin >> v;
    for (auto &v : b)
      std::cin >> v;
    if (!std::cin) {
      std::cerr << "error: truncated input\n";
      return false;
    }
    for (int i = 0; i < n; ++i) {
      const int32_t input1 = a[i] - za;
      const int32_t input2 = b[i] - zb;
      const int32_t shifted1 = input1 * (1 << leftShift);
      const int32_t shifted2 = input2 * (1 << leftShift);
      const int32_t scaled1 = multiplySmallerThanOne(shifted1, m1, s1);
      const int32_t scaled2 = multiplySmallerThanOne(shifted2, m2, s2);
      const int32_t raw = op == "sub" && !negate ? scaled1 - scaled2
                                                 : scaled1 + scaled2;
      const int32_t output = multiplySmallerThanOne(raw, mo, so) + zc;
      std::cout << std::min(qmax, std::max(qmin, output)) << "\n";
    }
  }
  return true;
}

bool runAvgPool() {
  int cases;
  std::cin >> cases;
  for (int c = 0; c < cases; ++c) {
    int32_t qmin, qmax, zin, zout;
    float sin, sout;
    int n, ch, h, w, kh, kw, sh, sw, pt, pl, pb, pr;
    std::cin >> qmin >> qmax >> sin >> zin >> sout >> zout >> n >> ch >> h >>
        w >> kh >> kw >> sh >> sw >> pt >> pl >> pb >> pr;
    std::vector<int32_t> x(size_t(n) * ch * h * w);
    for (auto &v : x)
      std::cin >> v;
    if (!std::cin) {
      std::cerr << "error: truncated input\n";
      return false;
    }
    // The QUANTIZE TFLite's converter adds where the parameters differ.
    bool requantize = sin != sout || zin != zout;
    int32_t multiplier = 0;
    int shift = 0;
    quantizeMultiplier(static_cast<double>(sin) / static_cast<double>(sout),
                       &multiplier, &shift);
    int oh = (h + pt + pb - kh) / sh + 1, ow = (w + pl + pr - kw) / sw + 1;
    for (int b = 0; b < n; ++b)
      for (int k = 0; k < ch; ++k)
        for (int y = 0; y < oh; ++y)
          for (int xo = 0; xo < ow; ++xo) {
            // reference_integer_ops::AveragePool: the stored values of the
            // taps inside the input, rounded division by their count.
            int32_t acc = 0;
            int count = 0;
            for (int fy = 0; fy < kh; ++fy)
              for (int fx = 0; fx < kw; ++fx) {
                int iy = y * sh - pt + fy, ix = xo * sw - pl + fx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                  continue;
                acc += x[((size_t(b) * ch + k) * h + iy) * w + ix];
                ++count;
              }
            acc = acc > 0 ? (acc + count / 2) / count
                          : (acc - count / 2) / count;
            acc = std::min(qmax, std::max(qmin, acc));
            if (requantize) {
              acc = multiplyByQuantizedMultiplier(acc - zin, multiplier,
                                                  shift) +
                    zout;
              acc = std::min(qmax, std::max(qmin, acc));
            }
            std::cout << acc << "\n";
          }
  }
  return true;
}

} // namespace

int main(int argc, char **argv) {
  std::string op = argc > 1 ? argv[1] : "";
  std::cout << "data =\n";
  if (op == "addsub")
    return runAddSub() ? 0 : 1;
  if (op == "avgpool")
    return runAvgPool() ? 0 : 1;
  std::cerr << "usage: gemmlowp_ops_ref addsub|avgpool < cases\n";
  return 2;
}
