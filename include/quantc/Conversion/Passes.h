//===- Passes.h - QuantC conversions ----------------------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CONVERSION_PASSES_H
#define QUANTC_CONVERSION_PASSES_H

#include "quantc/Conversion/QNNToLinalg/QNNToLinalg.h"
#include "quantc/Conversion/QNNToTosa/QNNToTosa.h"
#include "quantc/Conversion/SCFToCF/SCFToCF.h"

namespace quantc {

#define GEN_PASS_REGISTRATION
#include "quantc/Conversion/Passes.h.inc"

} // namespace quantc

#endif // QUANTC_CONVERSION_PASSES_H
