//===- QuantParamsTest.cpp - Scale/zero point math tests --------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quantc/Numerics/QuantParams.h"

#include "gtest/gtest.h"

#include <cfloat>
#include <cmath>
#include <limits>

using namespace quantc::numerics;

namespace {

StorageRange range(unsigned bits, bool isSigned, bool narrow = false) {
  llvm::Expected<StorageRange> r = getStorageRange(bits, isSigned, narrow);
  EXPECT_TRUE(bool(r));
  return *r;
}

QuantParams params(float rmin, float rmax, StorageRange r, bool symmetric,
                   ParamConvention convention) {
  llvm::Expected<QuantParams> p =
      chooseQuantParams(rmin, rmax, r, symmetric, convention);
  if (!p) {
    ADD_FAILURE() << llvm::toString(p.takeError());
    return {0.0f, 0};
  }
  return *p;
}

std::string errorOf(llvm::Expected<QuantParams> p) {
  if (p)
    return "";
  return llvm::toString(p.takeError());
}

TEST(StorageRange, Widths) {
  EXPECT_EQ(range(8, true).qmin, -128);
  EXPECT_EQ(range(8, true).qmax, 127);
  EXPECT_EQ(range(8, true, /*narrow=*/true).qmin, -127);
  EXPECT_EQ(range(8, false).qmax, 255);
  EXPECT_EQ(range(4, true).qmin, -8);
  EXPECT_EQ(range(4, false).qmax, 15);
  EXPECT_EQ(range(16, true).qmin, -32768);
  EXPECT_EQ(range(32, true).qmax, std::numeric_limits<int32_t>::max());
  EXPECT_EQ(range(2, true).qmin, -2);
  for (unsigned bad : {0u, 1u, 33u, 64u}) {
    llvm::Expected<StorageRange> r = getStorageRange(bad, true, false);
    ASSERT_FALSE(bool(r));
    EXPECT_NE(llvm::toString(r.takeError()).find("outside [2, 32]"),
              std::string::npos);
  }
}

TEST(RoundHalfToEven, Ties) {
  EXPECT_EQ(roundHalfToEven(0.5), 0.0);
  EXPECT_EQ(roundHalfToEven(1.5), 2.0);
  EXPECT_EQ(roundHalfToEven(2.5), 2.0);
  EXPECT_EQ(roundHalfToEven(-0.5), 0.0);
  EXPECT_EQ(roundHalfToEven(-1.5), -2.0);
  EXPECT_EQ(roundHalfToEven(-2.5), -2.0);
  EXPECT_EQ(roundHalfToEven(2.4999999), 2.0);
  EXPECT_EQ(roundHalfToEven(-2.5000001), -3.0);
  EXPECT_EQ(roundHalfToEven(1e300), 1e300);
  // Agrees with the C library under the default rounding mode.
  for (double x = -20.0; x <= 20.0; x += 0.125)
    EXPECT_EQ(roundHalfToEven(x), std::nearbyint(x)) << x;
}

// Values worked by hand from onnxruntime.quantization.quant_utils
// compute_scale_zp.
TEST(ChooseQuantParams, OnnxRuntimeAsymmetric) {
  QuantParams p = params(-1.0f, 3.0f, range(8, false), false,
                         ParamConvention::OnnxRuntime);
  EXPECT_FLOAT_EQ(p.scale, 4.0f / 255.0f);
  EXPECT_EQ(p.zeroPoint, 64); // round(0 - (-1) / (4/255)) = round(63.75)
  // The range is widened to include zero.
  QuantParams positive = params(2.0f, 6.0f, range(8, false), false,
                                ParamConvention::OnnxRuntime);
  EXPECT_FLOAT_EQ(positive.scale, 6.0f / 255.0f);
  EXPECT_EQ(positive.zeroPoint, 0);
  QuantParams negative = params(-6.0f, -2.0f, range(8, true), false,
                                ParamConvention::OnnxRuntime);
  EXPECT_EQ(negative.zeroPoint, 127);
}

TEST(ChooseQuantParams, OnnxRuntimeSymmetric) {
  QuantParams s8 = params(-0.5f, 2.0f, range(8, true, /*narrow=*/true), true,
                          ParamConvention::OnnxRuntime);
  EXPECT_FLOAT_EQ(s8.scale, 4.0f / 254.0f);
  EXPECT_EQ(s8.zeroPoint, 0);
  QuantParams u8 = params(-0.5f, 2.0f, range(8, false), true,
                          ParamConvention::OnnxRuntime);
  EXPECT_EQ(u8.zeroPoint, 128); // round(127.5) ties to even
  QuantParams u16 = params(-1.0f, 1.0f, range(16, false), true,
                           ParamConvention::OnnxRuntime);
  EXPECT_EQ(u16.zeroPoint, 32768);
}

TEST(ChooseQuantParams, ZeroIsExactlyRepresentable) {
  for (auto convention :
       {ParamConvention::OnnxRuntime, ParamConvention::PyTorch}) {
    for (float lo : {-7.3f, -0.01f, -1000.0f, 0.0f}) {
      for (float hi : {0.0f, 0.02f, 3.9f, 250.0f}) {
        QuantParams p = params(lo, hi, range(8, false), false, convention);
        EXPECT_EQ(dequantize(quantize(0.0f, p, range(8, false)), p), 0.0f)
            << lo << " " << hi;
      }
    }
  }
}

TEST(ChooseQuantParams, DegenerateRanges) {
  QuantParams ort = params(0.0f, 0.0f, range(8, false), false,
                           ParamConvention::OnnxRuntime);
  EXPECT_EQ(ort.scale, 1.0f);
  EXPECT_EQ(ort.zeroPoint, 0);
  QuantParams tiny = params(0.0f, 1e-40f, range(8, true), false,
                            ParamConvention::OnnxRuntime);
  EXPECT_EQ(tiny.scale, 1.0f);
  // PyTorch clamps the scale at FLT_EPSILON instead.
  QuantParams torch = params(0.0f, 0.0f, range(8, false), false,
                             ParamConvention::PyTorch);
  EXPECT_EQ(torch.scale, FLT_EPSILON);
  EXPECT_EQ(torch.zeroPoint, 0);
  QuantParams torchSigned = params(0.0f, 0.0f, range(8, true), false,
                                   ParamConvention::PyTorch);
  EXPECT_EQ(torchSigned.zeroPoint, -128);
}

TEST(ChooseQuantParams, PyTorchConventions) {
  QuantParams affine = params(-1.0f, 3.0f, range(8, false), false,
                              ParamConvention::PyTorch);
  EXPECT_FLOAT_EQ(affine.scale, 4.0f / 255.0f);
  EXPECT_EQ(affine.zeroPoint, 64);
  QuantParams sym = params(-1.0f, 3.0f, range(8, true), true,
                           ParamConvention::PyTorch);
  EXPECT_FLOAT_EQ(sym.scale, 3.0f / 127.5f);
  EXPECT_EQ(sym.zeroPoint, 0);
  QuantParams symU8 = params(-1.0f, 3.0f, range(8, false), true,
                             ParamConvention::PyTorch);
  EXPECT_EQ(symU8.zeroPoint, 128);
}

TEST(ChooseQuantParams, RejectsBadRanges) {
  float inf = std::numeric_limits<float>::infinity();
  float nan = std::numeric_limits<float>::quiet_NaN();
  for (auto convention :
       {ParamConvention::OnnxRuntime, ParamConvention::PyTorch}) {
    EXPECT_NE(errorOf(chooseQuantParams(nan, 1.0f, range(8, true), false,
                                        convention))
                  .find("not finite"),
              std::string::npos);
    EXPECT_NE(errorOf(chooseQuantParams(-inf, 1.0f, range(8, true), false,
                                        convention))
                  .find("not finite"),
              std::string::npos);
    EXPECT_NE(errorOf(chooseQuantParams(2.0f, 1.0f, range(8, true), false,
                                        convention))
                  .find("greater than maximum"),
              std::string::npos);
    EXPECT_NE(errorOf(chooseQuantParams(-1.0f, 1.0f, StorageRange{1, 255},
                                        false, convention))
                  .find("does not contain zero"),
              std::string::npos);
  }
}

TEST(ChooseQuantParams, HugeAndTinyRanges) {
  // rmax - rmin overflows float32: an error, not an infinite scale.
  for (auto convention :
       {ParamConvention::OnnxRuntime, ParamConvention::PyTorch})
    EXPECT_NE(errorOf(chooseQuantParams(-3e38f, 3e38f, range(8, true), false,
                                        convention))
                  .find("too wide"),
              std::string::npos);
  QuantParams wide = params(-1e38f, 1e38f, range(8, true), true,
                            ParamConvention::OnnxRuntime);
  EXPECT_TRUE(std::isfinite(wide.scale));
  QuantParams tiny = params(-1e-30f, 1e-30f, range(8, true), false,
                            ParamConvention::OnnxRuntime);
  EXPECT_GT(tiny.scale, 0.0f);
  EXPECT_EQ(quantize(1e-30f, tiny, range(8, true)), 127);
}

TEST(Quantize, RoundsHalfToEvenAndSaturates) {
  StorageRange s8 = range(8, true);
  QuantParams p{0.5f, 3};
  EXPECT_EQ(quantize(0.25f, p, s8), 3);  // 0.5 -> 0
  EXPECT_EQ(quantize(0.75f, p, s8), 5);  // 1.5 -> 2
  EXPECT_EQ(quantize(1.25f, p, s8), 5);  // 2.5 -> 2
  EXPECT_EQ(quantize(-0.25f, p, s8), 3); // -0.5 -> 0
  EXPECT_EQ(quantize(-0.75f, p, s8), 1); // -1.5 -> -2
  EXPECT_EQ(quantize(1000.0f, p, s8), 127);
  EXPECT_EQ(quantize(-1000.0f, p, s8), -128);
  EXPECT_EQ(quantize(std::numeric_limits<float>::infinity(), p, s8), 127);
  EXPECT_EQ(quantize(-std::numeric_limits<float>::infinity(), p, s8), -128);
  EXPECT_EQ(quantize(std::numeric_limits<float>::quiet_NaN(), p, s8), 3);
  StorageRange u8 = range(8, false);
  EXPECT_EQ(quantize(-1.0f, QuantParams{0.5f, 0}, u8), 0);
  EXPECT_EQ(quantize(200.0f, QuantParams{1.0f, 100}, u8), 255);
  StorageRange s4 = range(4, true);
  EXPECT_EQ(quantize(100.0f, QuantParams{1.0f, 0}, s4), 7);
  EXPECT_EQ(quantize(-100.0f, QuantParams{1.0f, 0}, s4), -8);
}

TEST(Quantize, RoundTripsEveryStoredValue) {
  StorageRange u8 = range(8, false);
  QuantParams p{0.0371f, 117};
  for (int64_t q = u8.qmin; q <= u8.qmax; ++q)
    EXPECT_EQ(quantize(dequantize(q, p), p, u8), q);
}

} // namespace
