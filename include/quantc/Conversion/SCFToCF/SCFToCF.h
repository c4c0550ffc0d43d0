//===- SCFToCF.h - SCF to ControlFlow in linear time ------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CONVERSION_SCFTOCF_SCFTOCF_H
#define QUANTC_CONVERSION_SCFTOCF_SCFTOCF_H

#include "mlir/Pass/Pass.h"

namespace quantc {

#define GEN_PASS_DECL_LOWERSCFTOCFPASS
#include "quantc/Conversion/Passes.h.inc"

} // namespace quantc

#endif // QUANTC_CONVERSION_SCFTOCF_SCFTOCF_H
