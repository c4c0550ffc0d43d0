//===- Npy.cpp - NumPy .npy arrays ------------------------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Format: "\x93NUMPY", major, minor, header length (2 bytes for 1.0, 4 for
// 2.0/3.0), then a Python dict literal {'descr': '<f4', 'fortran_order':
// False, 'shape': (2, 3), } padded to 64 bytes, then the data.
//
//===----------------------------------------------------------------------===//

#include "quantc/Runtime/Npy.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace quantc::npy;
using llvm::createStringError;
using llvm::inconvertibleErrorCode;
using llvm::StringRef;

namespace {
struct DTypeInfo {
  DType dtype;
  const char *descr;
  unsigned size;
};
constexpr DTypeInfo kDTypes[] = {
    {DType::F16, "<f2", 2}, {DType::F32, "<f4", 4}, {DType::F64, "<f8", 8},
    {DType::I8, "|i1", 1},  {DType::U8, "|u1", 1},  {DType::I16, "<i2", 2},
    {DType::U16, "<u2", 2}, {DType::I32, "<i4", 4}, {DType::U32, "<u4", 4},
    {DType::I64, "<i8", 8}, {DType::U64, "<u8", 8}, {DType::Bool, "|b1", 1}};

llvm::Error fail(StringRef path, const llvm::Twine &message) {
  return createStringError(inconvertibleErrorCode(),
                           (path + ": " + message).str());
}

/// The value of `'key':` in the header dict, up to the next top-level comma.
std::optional<StringRef> dictValue(StringRef header, StringRef key) {
  std::string quoted = ("'" + key + "'").str();
  size_t at = header.find(quoted);
  if (at == StringRef::npos)
    return std::nullopt;
  StringRef rest = header.drop_front(at + quoted.size()).ltrim();
  if (!rest.consume_front(":"))
    return std::nullopt;
  rest = rest.ltrim();
  if (rest.starts_with("(")) {
    size_t close = rest.find(')');
    return close == StringRef::npos ? std::nullopt
                                    : std::optional(rest.take_front(close + 1));
  }
  size_t end = rest.find_first_of(",}");
  return rest.take_front(end).trim();
}
} // namespace

const char *quantc::npy::dtypeString(DType dtype) {
  for (const DTypeInfo &info : kDTypes)
    if (info.dtype == dtype)
      return info.descr;
  return "?";
}

unsigned quantc::npy::dtypeSize(DType dtype) {
  for (const DTypeInfo &info : kDTypes)
    if (info.dtype == dtype)
      return info.size;
  return 0;
}

llvm::Expected<DType> quantc::npy::parseDType(StringRef descr) {
  // NumPy writes single-byte types with '|' but accepts '<' and '='.
  std::string normalized = descr.str();
  if (normalized.size() == 3 &&
      (normalized[0] == '=' || normalized[0] == '<') && normalized[2] == '1')
    normalized[0] = '|';
  if (normalized.size() == 3 && normalized[0] == '=')
    normalized[0] = '<';
  for (const DTypeInfo &info : kDTypes)
    if (normalized == info.descr)
      return info.dtype;
  return createStringError(inconvertibleErrorCode(), "unsupported dtype '%s'",
                           descr.str().c_str());
}

int64_t Array::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string Array::shapeString() const {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + ")";
}

std::string Array::indexString(int64_t linear) const {
  std::vector<int64_t> index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = shape[d] ? linear % shape[d] : 0;
    linear = shape[d] ? linear / shape[d] : 0;
  }
  std::string s = "(";
  for (size_t d = 0; d < index.size(); ++d)
    s += (d ? ", " : "") + std::to_string(index[d]);
  return s + ")";
}

double Array::elementAsDouble(int64_t linear) const {
  const char *p = data.data() + linear * dtypeSize(dtype);
  switch (dtype) {
  case DType::F16: {
    uint16_t bits;
    std::memcpy(&bits, p, 2);
    return llvm::APFloat(llvm::APFloat::IEEEhalf(), llvm::APInt(16, bits))
        .convertToDouble();
  }
  case DType::F32: {
    float value;
    std::memcpy(&value, p, 4);
    return value;
  }
  case DType::F64: {
    double value;
    std::memcpy(&value, p, 8);
    return value;
  }
  default:
    return double(elementAsInteger(linear));
  }
}

__int128 Array::elementAsInteger(int64_t linear) const {
  const char *p = data.data() + linear * dtypeSize(dtype);
  auto read = [&](auto value) -> __int128 {
    std::memcpy(&value, p, sizeof(value));
    return value;
  };
  switch (dtype) {
  case DType::I8:
    return read(int8_t());
  case DType::U8:
  case DType::Bool:
    return read(uint8_t());
  case DType::I16:
    return read(int16_t());
  case DType::U16:
    return read(uint16_t());
  case DType::I32:
    return read(int32_t());
  case DType::U32:
    return read(uint32_t());
  case DType::I64:
    return read(int64_t());
  case DType::U64:
    return read(uint64_t());
  case DType::F16:
  case DType::F32:
  case DType::F64:
    break; // not integers: the caller asks elementAsDouble
  }
  return 0;
}

llvm::Expected<Array> quantc::npy::parseNpy(StringRef bytes, StringRef path) {
  if (!bytes.consume_front("\x93NUMPY") || bytes.size() < 4)
    return fail(path, "not a .npy file (bad magic)");
  unsigned major = uint8_t(bytes[0]);
  bytes = bytes.drop_front(2);
  size_t headerLength;
  if (major == 1) {
    headerLength = uint8_t(bytes[0]) | (uint8_t(bytes[1]) << 8);
    bytes = bytes.drop_front(2);
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 4)
      return fail(path, "truncated header");
    headerLength = uint32_t(uint8_t(bytes[0])) |
                   (uint32_t(uint8_t(bytes[1])) << 8) |
                   (uint32_t(uint8_t(bytes[2])) << 16) |
                   (uint32_t(uint8_t(bytes[3])) << 24);
    bytes = bytes.drop_front(4);
  } else {
    return fail(path, "unsupported .npy version " + llvm::Twine(major));
  }
  if (bytes.size() < headerLength)
    return fail(path, "truncated header");
  StringRef header = bytes.take_front(headerLength);
  bytes = bytes.drop_front(headerLength);

  Array array;
  std::optional<StringRef> descr = dictValue(header, "descr");
  std::optional<StringRef> fortran = dictValue(header, "fortran_order");
  std::optional<StringRef> shape = dictValue(header, "shape");
  if (!descr || !fortran || !shape)
    return fail(path, "header lacks descr, fortran_order or shape");
  llvm::Expected<DType> dtype = parseDType(descr->trim("'\""));
  if (!dtype)
    return fail(path, llvm::toString(dtype.takeError()));
  array.dtype = *dtype;
  if (*fortran != "False")
    return fail(path, "Fortran-order arrays are not supported");
  StringRef dims = shape->trim("()");
  llvm::SmallVector<StringRef> parts;
  dims.split(parts, ',', -1, /*KeepEmpty=*/false);
  for (StringRef part : parts) {
    int64_t d;
    if (part.trim().getAsInteger(10, d) || d < 0)
      return fail(path, "bad shape " + *shape);
    array.shape.push_back(d);
  }
  // Checked so that a forged shape cannot wrap around to the data size.
  uint64_t expected = dtypeSize(array.dtype);
  for (int64_t d : array.shape)
    if (__builtin_mul_overflow(expected, uint64_t(d), &expected))
      return fail(path, "shape " + array.shapeString() + " is too large");
  if (bytes.size() != expected)
    return fail(path, "holds " + llvm::Twine(bytes.size()) +
                          " data bytes, shape " + array.shapeString() + " of " +
                          dtypeString(array.dtype) + " needs " +
                          llvm::Twine(expected));
  array.data.assign(bytes.begin(), bytes.end());
  return array;
}

llvm::Expected<Array> quantc::npy::readNpy(StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer)
    return fail(path, "cannot read: " + buffer.getError().message());
  return parseNpy((*buffer)->getBuffer(), path);
}

std::string quantc::npy::serializeNpy(const Array &array) {
  std::string header = "{'descr': '" + std::string(dtypeString(array.dtype)) +
                       "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < array.shape.size(); ++i)
    header += std::to_string(array.shape[i]) + ",";
  if (array.shape.size() > 1)
    header.pop_back();
  header += "), }";
  // Magic (6) + version (2) + length (2) + header + '\n', padded to 64.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string bytes = "\x93NUMPY";
  bytes +=
      {char(1), char(0), char(header.size() & 0xff), char(header.size() >> 8)};
  bytes += header;
  bytes.append(array.data.data(), array.data.size());
  return bytes;
}

llvm::Error quantc::npy::writeFile(StringRef path, StringRef bytes) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return fail(path, "cannot write: " + ec.message());
  os << bytes;
  os.close();
  if (os.has_error()) {
    std::string message = os.error().message();
    os.clear_error();
    return fail(path, "cannot write: " + message);
  }
  return llvm::Error::success();
}

llvm::Error quantc::npy::writeNpy(StringRef path, const Array &array) {
  return writeFile(path, serializeNpy(array));
}
