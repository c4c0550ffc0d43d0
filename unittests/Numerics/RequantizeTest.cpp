//===- RequantizeTest.cpp - Requantization mode tests -----------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The fixed-point functions are compared with gemmlowp's own (Debian's
// libgemmlowp-dev), the reference TFLite's kernels are built on.
//
//===----------------------------------------------------------------------===//

#include "quantc/Numerics/Requantize.h"

#include "gemmlowp/fixedpoint/fixedpoint.h"
#include "gtest/gtest.h"

#include <cmath>
#include <limits>
#include <random>

using namespace quantc::numerics;

namespace {

constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax = std::numeric_limits<int32_t>::max();

std::vector<int32_t> interestingValues() {
  std::vector<int32_t> values = {kMin,      kMin + 1, -(1 << 30) - 1,
                                 -(1 << 30), -65536,  -32769,
                                 -3,        -2,       -1,
                                 0,         1,        2,
                                 3,         32767,    65536,
                                 1 << 30,   (1 << 30) + 1,
                                 kMax - 1,  kMax};
  std::mt19937 rng(20261122);
  std::uniform_int_distribution<int32_t> any(kMin, kMax);
  std::uniform_int_distribution<int32_t> small(-100000, 100000);
  for (int i = 0; i < 300; ++i) {
    values.push_back(any(rng));
    values.push_back(small(rng));
  }
  return values;
}

TEST(FixedPoint, SaturatingRoundingDoublingHighMulMatchesGemmlowp) {
  std::vector<int32_t> values = interestingValues();
  for (int32_t a : values)
    for (int32_t b : values)
      ASSERT_EQ(saturatingRoundingDoublingHighMul(a, b),
                gemmlowp::SaturatingRoundingDoublingHighMul(a, b))
          << a << " * " << b;
  EXPECT_EQ(saturatingRoundingDoublingHighMul(kMin, kMin), kMax);
}

TEST(FixedPoint, RoundingDivideByPOTMatchesGemmlowp) {
  for (int32_t x : interestingValues())
    for (int exponent = 0; exponent <= 31; ++exponent)
      ASSERT_EQ(roundingDivideByPOT(x, exponent),
                gemmlowp::RoundingDivideByPOT(x, exponent))
          << x << " >> " << exponent;
  // Ties round away from zero.
  EXPECT_EQ(roundingDivideByPOT(5, 1), 3);
  EXPECT_EQ(roundingDivideByPOT(-5, 1), -3);
  EXPECT_EQ(roundingDivideByPOT(4, 3), 1);
  EXPECT_EQ(roundingDivideByPOT(-4, 3), -1);
}

TEST(FixedPoint, QuantizeMultiplierEdgeCases) {
  auto check = [](double m, int32_t multiplier, int shift) {
    llvm::Expected<FixedPointMultiplier> q = quantizeMultiplier(m);
    ASSERT_TRUE(bool(q)) << llvm::toString(q.takeError());
    EXPECT_EQ(q->multiplier, multiplier) << m;
    EXPECT_EQ(q->shift, shift) << m;
  };
  check(0.0, 0, 0);
  check(0.5, 1 << 30, 0);
  check(1.0, 1 << 30, 1);
  check(0.75, 1610612736, 0);
  check(2.0, 1 << 30, 2);
  // Rounds up to 2^31 and is renormalised.
  check(1.0 - std::ldexp(1.0, -40), 1 << 30, 1);
  // Every bit shifted out: flushed to zero.
  check(1e-20, 0, 0);
  // Left shifts above 30 saturate.
  check(1e12, kMax, 30);

  for (double bad : {-0.5, std::nan(""), HUGE_VAL}) {
    llvm::Expected<FixedPointMultiplier> q = quantizeMultiplier(bad);
    ASSERT_FALSE(bool(q));
    EXPECT_NE(llvm::toString(q.takeError()).find("not a finite value"),
              std::string::npos);
  }
}

TEST(FixedPoint, QuantizeMultiplierIsAccurate) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> exponent(-30.0, 8.0);
  for (int i = 0; i < 2000; ++i) {
    double m = std::pow(2.0, exponent(rng));
    llvm::Expected<FixedPointMultiplier> q = quantizeMultiplier(m);
    ASSERT_TRUE(bool(q));
    EXPECT_GE(q->multiplier, 1 << 30);
    double back = std::ldexp(double(q->multiplier), q->shift - 31);
    EXPECT_LE(std::fabs(back - m), m * std::ldexp(1.0, -31)) << m;
  }
}

// TFLite's MultiplyByQuantizedMultiplier, spelled with gemmlowp.
int32_t tfliteMultiply(int32_t x, int32_t multiplier, int shift) {
  int leftShift = shift > 0 ? shift : 0;
  int rightShift = shift > 0 ? 0 : -shift;
  return gemmlowp::RoundingDivideByPOT(
      gemmlowp::SaturatingRoundingDoublingHighMul(x * (1 << leftShift),
                                                  multiplier),
      rightShift);
}

TEST(FixedPoint, MultiplyByQuantizedMultiplierMatchesTFLite) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> exponent(-20.0, 0.0);
  std::uniform_int_distribution<int32_t> acc(-(1 << 22), 1 << 22);
  for (int i = 0; i < 200; ++i) {
    FixedPointMultiplier m = *quantizeMultiplier(std::pow(2.0, exponent(rng)));
    for (int j = 0; j < 200; ++j) {
      int32_t x = acc(rng);
      ASSERT_EQ(multiplyByQuantizedMultiplier(x, m),
                tfliteMultiply(x, m.multiplier, m.shift));
    }
  }
  // A multiplier > 1 (left shift) where TFLite does not overflow.
  FixedPointMultiplier big = *quantizeMultiplier(6.5);
  EXPECT_EQ(multiplyByQuantizedMultiplier(1000, big),
            tfliteMultiply(1000, big.multiplier, big.shift));
  EXPECT_EQ(multiplyByQuantizedMultiplier(1000, big), 6500);
  // Where TFLite's left shift overflows, ours saturates.
  EXPECT_EQ(multiplyByQuantizedMultiplier(kMax, big),
            saturatingRoundingDoublingHighMul(kMax, big.multiplier));
}

TEST(Requantize, FixedPointSaturatesToStorage) {
  StorageRange s8{-128, 127};
  FixedPointMultiplier half = *quantizeMultiplier(0.5);
  EXPECT_EQ(requantizeFixedPoint(10, half, 3, s8), 8);
  EXPECT_EQ(requantizeFixedPoint(11, half, 0, s8), 6);  // 5.5 -> 6
  // gemmlowp's high multiply rounds negative ties toward +infinity.
  EXPECT_EQ(requantizeFixedPoint(-11, half, 0, s8), -5);
  EXPECT_EQ(requantizeFixedPoint(1000, half, 0, s8), 127);
  EXPECT_EQ(requantizeFixedPoint(-1000, half, 0, s8), -128);
  FixedPointMultiplier zero = *quantizeMultiplier(1e-20);
  EXPECT_EQ(requantizeFixedPoint(kMax, zero, 5, s8), 5);
}

TEST(Requantize, Fp32RoundsHalfToEven) {
  StorageRange s8{-128, 127};
  EXPECT_EQ(requantizeFp32(11, 0.5f, 0, s8), 6);   // 5.5 -> 6
  EXPECT_EQ(requantizeFp32(9, 0.5f, 0, s8), 4);    // 4.5 -> 4
  EXPECT_EQ(requantizeFp32(-9, 0.5f, 0, s8), -4);  // ties to even, not away
  EXPECT_EQ(requantizeFp32(-11, 0.5f, 2, s8), -4);
  EXPECT_EQ(requantizeFp32(1000, 0.5f, 0, s8), 127);
  EXPECT_EQ(requantizeFp32(kMin, 1.0f, 0, s8), -128);
  StorageRange u8{0, 255};
  EXPECT_EQ(requantizeFp32(-5, 1.0f, 3, u8), 0);
  // float(acc) rounds to nearest even above 2^24, as arith.sitofp does.
  EXPECT_EQ(requantizeFp32((1 << 24) + 1, 1.0f / 65536.0f, 0, s8), 127);
  EXPECT_EQ(requantizeFp32((1 << 24) + 1, std::ldexp(1.0f, -18), 0, s8), 64);
}

TEST(Requantize, Fp32MatchesFloatFormula) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int32_t> acc(-(1 << 20), 1 << 20);
  std::uniform_real_distribution<float> scale(1e-5f, 1e-2f);
  StorageRange s8{-128, 127};
  for (int i = 0; i < 20000; ++i) {
    int32_t a = acc(rng);
    float s = scale(rng);
    float expected = std::nearbyint(float(a) * s) + 7.0f;
    expected = std::min(127.0f, std::max(-128.0f, expected));
    ASSERT_EQ(requantizeFp32(a, s, 7, s8), int64_t(expected));
  }
}

TEST(Requantize, MergedScaleIsFloat32InOnnxRuntimeOrder) {
  float sIn = 0.1f, sW = 0.3f, sOut = 0.7f;
  float expected = (sIn * sW) / sOut;
  EXPECT_EQ(mergedScaleF32(sIn, sW, sOut), expected);
  EXPECT_NE(double(mergedScaleF32(sIn, sW, sOut)),
            double(sIn) * double(sW) / double(sOut));
}

TEST(Tosa, QuantizeTosaMultiplierMatchesUpstreamRules) {
  auto check = [](double m, int32_t multiplier, int shift) {
    llvm::Expected<TosaRescaleMultiplier> q = quantizeTosaMultiplier(m);
    ASSERT_TRUE(bool(q)) << llvm::toString(q.takeError());
    EXPECT_EQ(q->multiplier, multiplier) << m;
    EXPECT_EQ(q->shift, shift) << m;
  };
  check(0.5, 1 << 30, 31);
  check(1.0, 1 << 30, 30);
  check(0.75, 1610612736, 31);
  // Rounds up to 2^31 and is renormalised.
  check(1.0 - std::ldexp(1.0, -40), 1 << 30, 30);
  // The largest representable multiplier: shift 2.
  check(std::ldexp(1.0, 28), 1 << 30, 2);
  // Shifts above 62 move into the multiplier (upstream's rule).
  check(std::ldexp(1.0, -33), 1 << 29, 62);
  check(std::ldexp(1.0, -70), 0, 62);
  check(0.0, 0, 31);
  for (double bad : {std::ldexp(1.0, 29), 1e12, -0.5, std::nan("")}) {
    llvm::Expected<TosaRescaleMultiplier> q = quantizeTosaMultiplier(bad);
    ASSERT_FALSE(bool(q)) << bad;
    llvm::consumeError(q.takeError());
  }
}

// TOSA's apply_scale_32, transcribed from the specification's pseudocode.
int32_t tosaSpecApplyScale32(int32_t value, int32_t multiplier, int shift,
                             bool doubleRound) {
  int64_t round = int64_t(1) << (shift - 1);
  if (doubleRound && shift > 31) {
    if (value >= 0)
      round += int64_t(1) << 30;
    else
      round -= int64_t(1) << 30;
  }
  int64_t result = int64_t(value) * multiplier + round;
  result = result >> shift;
  return int32_t(result);
}

TEST(Tosa, ApplyScaleMatchesSpecWhereDefined) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> exponent(-30.0, 4.0);
  std::uniform_int_distribution<int32_t> any(kMin, kMax);
  for (int i = 0; i < 300; ++i) {
    TosaRescaleMultiplier m =
        *quantizeTosaMultiplier(std::pow(2.0, exponent(rng)));
    for (int j = 0; j < 300; ++j) {
      int32_t v = any(rng);
      // The specification REQUIREs value in [-2^(shift-1), 2^(shift-1)).
      if (m.shift <= 32 && (int64_t(v) < -(int64_t(1) << (m.shift - 1)) ||
                            int64_t(v) >= (int64_t(1) << (m.shift - 1))))
        continue;
      for (bool doubleRound : {false, true})
        ASSERT_EQ(applyTosaScale32(v, m, doubleRound),
                  tosaSpecApplyScale32(v, m.multiplier, m.shift, doubleRound))
            << v << " " << m.multiplier << " " << m.shift;
    }
  }
  // Ties: single rounding rounds half up, double rounding first rounds the
  // high product away from zero.
  TosaRescaleMultiplier half = *quantizeTosaMultiplier(0.5);
  EXPECT_EQ(applyTosaScale32(5, half, false), 3);
  EXPECT_EQ(applyTosaScale32(-5, half, false), -2);
  TosaRescaleMultiplier thirtySecond{1 << 30, 35}; // 2^30 * 2^-35 = 2^-5
  EXPECT_EQ(applyTosaScale32(-48, thirtySecond, false), -1); // -1.5 -> -1
  EXPECT_EQ(applyTosaScale32(-48, thirtySecond, true), -2);  // -1.5 -> -2
  EXPECT_EQ(applyTosaScale32(48, thirtySecond, true), 2);
}

TEST(Requantize, TosaClampsToStorage) {
  StorageRange s8{-128, 127};
  TosaRescaleMultiplier half = *quantizeTosaMultiplier(0.5);
  EXPECT_EQ(requantizeTosa(11, half, true, 3, s8), 9);
  EXPECT_EQ(requantizeTosa(1000, half, true, 0, s8), 127);
  // Out of the specification's range: exact, clamped, never wrapped.
  EXPECT_EQ(requantizeTosa(kMax, half, false, 0, s8), 127);
  EXPECT_EQ(requantizeTosa(kMin, half, false, 0, s8), -128);
}

// TOSA's reciprocal_scale: multiplier in [2^30, 2^31), and the rescale
// of count * v by it gives back v for every count up to 1024.
TEST(Requantize, TosaReciprocalScale) {
  EXPECT_EQ(tosaReciprocalScale(1).multiplier, (1 << 30) + 1);
  EXPECT_EQ(tosaReciprocalScale(1).shift, 30);
  EXPECT_EQ(tosaReciprocalScale(9).multiplier, (((int64_t(1) << 30) + 1) << 4) / 9);
  EXPECT_EQ(tosaReciprocalScale(9).shift, 34);
  for (uint32_t count = 1; count <= 1024; ++count) {
    TosaRescaleMultiplier m = tosaReciprocalScale(count);
    EXPECT_GE(m.multiplier, 1 << 30);
    for (int32_t v : {-255, -1, 0, 1, 127})
      EXPECT_EQ(applyTosaScale32(int32_t(count) * v, m, false), v);
  }
}

// TFLite's AveragePool division rounds half away from zero.
TEST(Requantize, RoundingDivideTFLite) {
  EXPECT_EQ(roundingDivideTFLite(5, 2), 3);
  EXPECT_EQ(roundingDivideTFLite(-5, 2), -3);
  EXPECT_EQ(roundingDivideTFLite(4, 3), 1);
  EXPECT_EQ(roundingDivideTFLite(-4, 3), -1);
  EXPECT_EQ(roundingDivideTFLite(0, 9), 0);
}

// TFLite's add multipliers: the larger scale's input at exactly 1/2.
TEST(Requantize, AddMultipliers) {
  AddRescaleMultipliers t = addMultipliersTFLite(0.5f, 0.25f, 0.125f, 8);
  EXPECT_EQ(t.leftShift, 20);
  EXPECT_EQ(t.lhs, 0.5);
  EXPECT_EQ(t.rhs, 0.25);
  EXPECT_EQ(t.out, std::ldexp(1.0, -17));
  AddRescaleMultipliers tosa = addMultipliersTosa(0.5, 0.25, 0.125, 16);
  EXPECT_EQ(tosa.leftShift, 15);
  EXPECT_EQ(tosa.lhs, std::ldexp(1.0, 14));
  EXPECT_EQ(tosa.out, std::ldexp(1.0, -12));
}

} // namespace
