//===- QNNAttrs.td - qnn quantization-state attributes -----*- tablegen -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_IR_QNNATTRS_TD
#define QUANTC_DIALECT_QNN_IR_QNNATTRS_TD

include "quantc/Dialect/QNN/IR/QNNDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def QNN_QuantScheme : I32EnumAttr<"QuantScheme", "symmetric or asymmetric", [
    I32EnumAttrCase<"symmetric", 0>,
    I32EnumAttrCase<"asymmetric", 1>]> {
  let cppNamespace = "::quantc::qnn";
  let genSpecializedAttr = 0;
}

def QNN_Granularity : I32EnumAttr<"Granularity",
    "how many scale/zero-point pairs a tensor gets", [
    I32EnumAttrCase<"tensor", 0>,
    I32EnumAttrCase<"channel", 1>,
    I32EnumAttrCase<"group", 2>]> {
  let cppNamespace = "::quantc::qnn";
  let genSpecializedAttr = 0;
}

def QNN_CalibrationMethod : I32EnumAttr<"CalibrationMethod",
    "how observed statistics become a range", [
    I32EnumAttrCase<"minmax", 0>,
    I32EnumAttrCase<"avg_minmax", 1>,
    I32EnumAttrCase<"percentile", 2>,
    I32EnumAttrCase<"entropy", 3>,
    I32EnumAttrCase<"mse", 4>]> {
  let cppNamespace = "::quantc::qnn";
  let genSpecializedAttr = 0;
}

def QNN_RequantMode : I32EnumAttr<"RequantMode",
    "how an int32 accumulator is brought to the output scale", [
    I32EnumAttrCase<"fp32", 0>,
    I32EnumAttrCase<"fixedpoint", 1>,
    I32EnumAttrCase<"tosa_double_round", 2>,
    I32EnumAttrCase<"tosa_single_round", 3>]> {
  let cppNamespace = "::quantc::qnn";
  let genSpecializedAttr = 0;
}

//===----------------------------------------------------------------------===//
// Parameters
//===----------------------------------------------------------------------===//

// An f64 printed and parsed as a bare number (`0.25`, `-1.5e-03`), stored as
// a FloatAttr so that the attribute storage hashes and uniques it.
class QNN_F64ParamBase
    : AttrOrTypeParameter<"::mlir::FloatAttr", "an f64 value"> {
  let parser = "::quantc::qnn::parseF64Param($_parser)";
  let printer = "::quantc::qnn::printF64Param($_printer, $_self)";
}
def QNN_F64Param : QNN_F64ParamBase;
def QNN_OptionalF64Param : QNN_F64ParamBase {
  let defaultValue = "::mlir::FloatAttr()";
}

// An optional list of integers printed in brackets: `[1, 2, 0, 3]`.
def QNN_OptionalI64ArrayParam : OptionalArrayRefParameter<"int64_t"> {
  let parser = "::quantc::qnn::parseI64ArrayParam($_parser)";
  let printer = "::quantc::qnn::printI64ArrayParam($_printer, $_self)";
}

// An optional list of non-negative numbers printed in brackets, whole ones
// as integers: `[1, 2, 0.5, 3]` (histogram bins, fractional once re-binned).
def QNN_OptionalF64ArrayParam
    : AttrOrTypeParameter<"::mlir::DenseF64ArrayAttr", "a list of numbers"> {
  let parser = "::quantc::qnn::parseF64ArrayParam($_parser)";
  let printer = "::quantc::qnn::printF64ArrayParam($_printer, $_self)";
  let defaultValue = "::mlir::DenseF64ArrayAttr()";
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

class QNN_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<QNN_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def QNN_RecipeAttr : QNN_Attr<"Recipe", "recipe"> {
  let summary = "How a tensor is to be quantized";
  let description = [{
    The quantization recipe of one tensor: storage type (signedness and bit
    width, 2 to 16), scheme, narrow range, granularity and the calibration
    method that turns observed statistics into a range.

    ```mlir
    #qnn.recipe<storage = ui8, scheme = asymmetric>
    #qnn.recipe<storage = si8, scheme = symmetric, narrow_range = true,
                granularity = channel, axis = 0>
    #qnn.recipe<storage = si4, scheme = symmetric, granularity = group,
                axis = 1, group_size = 32>
    #qnn.recipe<storage = ui8, scheme = asymmetric, method = percentile,
                percentile = 99.99, num_bins = 2048>
    ```

    `axis` is required for `channel` and `group` granularity and
    `group_size` for `group`. Method parameters: `percentile` in (0, 100]
    (percentile only), `averaging_constant` in (0, 1] (avg_minmax only),
    `num_bins` > 0 (the histogram methods percentile, entropy, mse).
  }];
  let parameters = (ins
    "::mlir::IntegerType":$storage,
    EnumParameter<QNN_QuantScheme>:$scheme,
    DefaultValuedParameter<"bool", "false">:$narrow_range,
    DefaultValuedParameter<"::quantc::qnn::Granularity",
        "::quantc::qnn::Granularity::tensor">:$granularity,
    OptionalParameter<"std::optional<int64_t>">:$axis,
    OptionalParameter<"std::optional<int64_t>">:$group_size,
    DefaultValuedParameter<"::quantc::qnn::CalibrationMethod",
        "::quantc::qnn::CalibrationMethod::minmax">:$method,
    QNN_OptionalF64Param:$percentile,
    QNN_OptionalF64Param:$averaging_constant,
    OptionalParameter<"std::optional<int64_t>">:$num_bins
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Checks the recipe against the shape of the tensor it applies to:
    /// axis within rank, group size dividing the (static) grouped dimension.
    ::llvm::LogicalResult verifyForShape(
        ::llvm::ArrayRef<int64_t> shape,
        ::llvm::function_ref<::mlir::InFlightDiagnostic()> emitError) const;
  }];
}

def QNN_StatsAttr : QNN_Attr<"Stats", "stats"> {
  let summary = "Statistics a calibration run observed on one tensor";
  let description = [{
    `count` finite elements were observed, with extremes `min`/`max`;
    optionally the moving averages of per-batch extremes (`avg_min`,
    `avg_max`) and a histogram of `hist_counts.size()` uniform bins over
    [`hist_min`, `hist_max`] (bin `i` has edges `hist_min + i * w` and
    `hist_min + (i + 1) * w`, `w = (hist_max - hist_min) / bins`). Bins
    hold float32 counts: whole numbers, or fractions once the calibration
    runtime has re-binned the histogram onto a wider range; they sum to
    `count` up to float32 rounding.

    ```mlir
    #qnn.stats<count = 6, min = -1.5, max = 2.0>
    #qnn.stats<count = 6, min = -1.5, max = 2.0, avg_min = -1.25,
               avg_max = 1.75, hist_min = -1.5, hist_max = 2.0,
               hist_counts = [1, 2, 0, 3]>
    ```
  }];
  let parameters = (ins
    "int64_t":$count,
    QNN_F64Param:$min,
    QNN_F64Param:$max,
    QNN_OptionalF64Param:$avg_min,
    QNN_OptionalF64Param:$avg_max,
    QNN_OptionalF64Param:$hist_min,
    QNN_OptionalF64Param:$hist_max,
    QNN_OptionalF64ArrayParam:$hist_counts
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def QNN_RangeAttr : QNN_Attr<"Range", "range"> {
  let summary = "The real range a tensor is quantized to";
  let description = [{
    `[min, max]`, what `quant-infer-ranges` derives from `#qnn.stats` and the
    calibration method (or from the op that produces the tensor), and what
    `quant-insert-qdq` turns into a scale and zero point. `source` says where
    it came from: `observed` (the tensor's own statistics), `propagated`
    (taken over from the producer's input through a layout op, max pooling
    or a clamp), `fixed` (a bounded op: sigmoid and softmax [0, 1], tanh
    [-1, 1]) or `shared` (the union over a concat's inputs and output).

    ```mlir
    #qnn.range<min = -1.5, max = 2.0, source = observed>
    ```
  }];
  let parameters = (ins
    QNN_F64Param:$min,
    QNN_F64Param:$max,
    "::mlir::StringAttr":$source
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def QNN_RequantModeAttr
    : EnumAttr<QNN_Dialect, QNN_RequantMode, "requant_mode"> {
  let assemblyFormat = "`<` $value `>`";
  let summary = "The requantization numerics of a module";
  let description = [{
    Which formula of docs/Numerics.md every requantizing epilogue of the
    module (`qnn.matmul`, `qnn.conv2d`, `qnn.requantize`) computes:

    - `fp32`: float32 merged scale, round half to even (ONNX Runtime);
    - `fixedpoint`: Q31 multiplier and shift in integer arithmetic
      (TFLite / gemmlowp);
    - `tosa_double_round`, `tosa_single_round`: TOSA `rescale` with
      `scale32` and that rounding mode.

    It is the value of the discardable attribute `qnn.requant_mode`, which
    only a `builtin.module` may carry:

    ```mlir
    module attributes {qnn.requant_mode = #qnn.requant_mode<fixedpoint>} {
      ...
    }
    ```

    `quant-lower-qnn` reads it (a `requant-mode` option that says another
    mode is an error) and sets it on the module it lowers, so the lowered
    IR states the numerics it was built with.
  }];
}

#endif // QUANTC_DIALECT_QNN_IR_QNNATTRS_TD
