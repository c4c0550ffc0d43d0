//===- Npz.cpp - NumPy .npz archives ----------------------------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The zip subset .npz files use (PKWARE APPNOTE 6.3): members are found
// through the central directory, not by scanning local headers, because
// numpy.savez writes zip64 local headers whose sizes live in an extra field
// and a writer without seek writes them after the data. Reading handles
// method 0 (stored) and, with zlib, 8 (deflate); writing stores.
//
//===----------------------------------------------------------------------===//

#include "quantc/Runtime/Npz.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CRC.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/MemoryBuffer.h"

#ifdef QUANTC_HAVE_ZLIB
#include <zlib.h>
#endif

using namespace quantc::npy;
using llvm::StringRef;
namespace endian = llvm::support::endian;

namespace {

constexpr uint32_t kLocalHeaderSignature = 0x04034b50;
constexpr uint32_t kCentralHeaderSignature = 0x02014b50;
constexpr uint32_t kEndSignature = 0x06054b50;
constexpr uint32_t kZip64EndSignature = 0x06064b50;
constexpr uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr uint16_t kZip64ExtraId = 0x0001;
constexpr size_t kLocalHeaderSize = 30, kCentralHeaderSize = 46, kEndSize = 22,
                 kZip64LocatorSize = 20, kZip64EndSize = 56;
constexpr uint16_t kMethodStored = 0, kMethodDeflate = 8;

llvm::Error fail(StringRef path, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 (path + ": " + message).str());
}

uint16_t read16(StringRef bytes, size_t at) {
  return endian::read16le(bytes.data() + at);
}
uint32_t read32(StringRef bytes, size_t at) {
  return endian::read32le(bytes.data() + at);
}
uint64_t read64(StringRef bytes, size_t at) {
  return endian::read64le(bytes.data() + at);
}

/// Whether `size` bytes at `at` lie inside `bytes` (offsets come from the
/// file and may be forged, so no `at + size` that could wrap).
bool fits(StringRef bytes, uint64_t at, uint64_t size) {
  return at <= bytes.size() && size <= bytes.size() - at;
}

/// A member as the central directory describes it.
struct Member {
  std::string name;
  uint16_t flags, method;
  uint32_t crc;
  uint64_t compressedSize, size, localHeaderOffset;
};

/// Replaces the 32-bit fields saturated at 0xffffffff by their zip64 values,
/// which the extra field lists in this order.
llvm::Error applyZip64Extra(StringRef path, StringRef extra, Member &member) {
  while (extra.size() >= 4) {
    uint16_t id = read16(extra, 0), size = read16(extra, 2);
    if (extra.size() < 4u + size)
      break;
    StringRef field = extra.substr(4, size);
    extra = extra.drop_front(4 + size);
    if (id != kZip64ExtraId)
      continue;
    size_t at = 0;
    for (uint64_t *value :
         {&member.size, &member.compressedSize, &member.localHeaderOffset}) {
      if (*value != 0xffffffffu)
        continue;
      if (at + 8 > field.size())
        return fail(path, "member '" + member.name +
                              "' has a truncated zip64 extra field");
      *value = read64(field, at);
      at += 8;
    }
  }
  return llvm::Error::success();
}

/// The central directory's members.
llvm::Expected<std::vector<Member>> readDirectory(StringRef path,
                                                  StringRef bytes) {
  // The end record is the last thing in the file but for a comment of at
  // most 64 KiB.
  if (bytes.size() < kEndSize)
    return fail(path, "not a zip archive (too short)");
  size_t end = bytes.size() - kEndSize;
  size_t lowest = end > 0xffff ? end - 0xffff : 0;
  while (read32(bytes, end) != kEndSignature) {
    if (end == lowest)
      return fail(path, "not a zip archive (no end of central directory)");
    --end;
  }
  uint64_t count = read16(bytes, end + 10);
  uint64_t directorySize = read32(bytes, end + 12);
  uint64_t directoryOffset = read32(bytes, end + 16);
  if (end >= kZip64LocatorSize &&
      read32(bytes, end - kZip64LocatorSize) == kZip64LocatorSignature) {
    uint64_t at = read64(bytes, end - kZip64LocatorSize + 8);
    if (!fits(bytes, at, kZip64EndSize) ||
        read32(bytes, at) != kZip64EndSignature)
      return fail(path, "bad zip64 end of central directory");
    count = read64(bytes, at + 32);
    directorySize = read64(bytes, at + 40);
    directoryOffset = read64(bytes, at + 48);
  }
  if (!fits(bytes, directoryOffset, directorySize))
    return fail(path, "central directory lies outside the file");

  std::vector<Member> members;
  StringRef directory = bytes.substr(directoryOffset, directorySize);
  for (uint64_t i = 0; i < count; ++i) {
    if (directory.size() < kCentralHeaderSize ||
        read32(directory, 0) != kCentralHeaderSignature)
      return fail(path, "bad central directory entry " + llvm::Twine(i));
    uint16_t nameLength = read16(directory, 28),
             extraLength = read16(directory, 30),
             commentLength = read16(directory, 32);
    size_t entrySize =
        kCentralHeaderSize + nameLength + extraLength + commentLength;
    if (directory.size() < entrySize)
      return fail(path, "bad central directory entry " + llvm::Twine(i));
    Member member;
    member.flags = read16(directory, 8);
    member.method = read16(directory, 10);
    member.crc = read32(directory, 16);
    member.compressedSize = read32(directory, 20);
    member.size = read32(directory, 24);
    member.localHeaderOffset = read32(directory, 42);
    member.name = directory.substr(kCentralHeaderSize, nameLength).str();
    if (llvm::Error err = applyZip64Extra(
            path,
            directory.substr(kCentralHeaderSize + nameLength, extraLength),
            member))
      return std::move(err);
    members.push_back(std::move(member));
    directory = directory.drop_front(entrySize);
  }
  return members;
}

/// The uncompressed bytes of `member`, CRC-checked.
llvm::Expected<std::string> extract(StringRef path, StringRef bytes,
                                    const Member &member) {
  auto memberError = [&](const llvm::Twine &message) {
    return fail(path, "member '" + member.name + "' " + message);
  };
  if (member.flags & 1)
    return memberError("is encrypted");
  uint64_t at = member.localHeaderOffset;
  if (!fits(bytes, at, kLocalHeaderSize) ||
      read32(bytes, at) != kLocalHeaderSignature)
    return memberError("has no local header at its recorded offset");
  // The local header's own name and extra lengths may differ from the
  // central directory's (numpy's zip64 extra is only in the local header).
  at += kLocalHeaderSize + read16(bytes, at + 26) + read16(bytes, at + 28);
  if (!fits(bytes, at, member.compressedSize))
    return memberError("runs past the end of the file");
  StringRef stored = bytes.substr(at, member.compressedSize);

  std::string data;
  if (member.method == kMethodStored) {
    if (member.size != member.compressedSize)
      return memberError("is stored but its sizes differ");
    data = stored.str();
  } else if (member.method == kMethodDeflate) {
    // Deflate expands at most 1032:1: a larger recorded size is forged,
    // and allocating it could exhaust memory.
    if (member.size / 1032 > member.compressedSize + 1)
      return memberError(
          "records " + llvm::Twine(member.size) + " bytes, more than " +
          llvm::Twine(member.compressedSize) + " deflated bytes can hold");
#ifdef QUANTC_HAVE_ZLIB
    data.resize(member.size);
    z_stream stream = {};
    // Negative window bits: raw deflate, as zip stores it (no zlib header).
    if (inflateInit2(&stream, -MAX_WBITS) != Z_OK)
      return memberError("cannot be inflated (zlib initialisation failed)");
    stream.next_in =
        reinterpret_cast<Bytef *>(const_cast<char *>(stored.data()));
    stream.avail_in = uInt(stored.size());
    stream.next_out = reinterpret_cast<Bytef *>(data.data());
    stream.avail_out = uInt(data.size());
    int status = inflate(&stream, Z_FINISH);
    uint64_t produced = stream.total_out;
    inflateEnd(&stream);
    if (status != Z_STREAM_END || produced != member.size)
      return memberError("is not valid deflate data of " +
                         llvm::Twine(member.size) + " bytes");
#else
    return memberError("is deflate-compressed and this QuantC was built "
                       "without zlib; write it with numpy.savez");
#endif
  } else {
    return memberError("uses compression method " + llvm::Twine(member.method) +
                       "; only stored (0) and deflate (8) are supported");
  }
  if (llvm::crc32(llvm::arrayRefFromStringRef(data)) != member.crc)
    return memberError("fails its CRC check");
  return data;
}

/// The arrays of the archive `bytes` read from `path`.
llvm::Expected<std::vector<NamedArray>> parseNpz(StringRef path,
                                                 StringRef bytes) {
  llvm::Expected<std::vector<Member>> members = readDirectory(path, bytes);
  if (!members)
    return members.takeError();
  std::vector<NamedArray> arrays;
  for (const Member &member : *members) {
    StringRef name = member.name;
    if (!name.consume_back(".npy"))
      return fail(path, "member '" + member.name + "' is not a .npy file");
    llvm::Expected<std::string> data = extract(path, bytes, member);
    if (!data)
      return data.takeError();
    std::string source = (path + ":" + name).str();
    llvm::Expected<Array> array = parseNpy(*data, source);
    if (!array)
      return array.takeError();
    arrays.push_back({name.str(), std::move(*array), source});
  }
  return arrays;
}

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readFile(StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer)
    return fail(path, "cannot read: " + buffer.getError().message());
  return std::move(*buffer);
}

} // namespace

bool quantc::npy::canReadDeflatedNpz() {
#ifdef QUANTC_HAVE_ZLIB
  return true;
#else
  return false;
#endif
}

llvm::Expected<std::vector<NamedArray>> quantc::npy::readNpz(StringRef path) {
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> buffer = readFile(path);
  if (!buffer)
    return buffer.takeError();
  return parseNpz(path, (*buffer)->getBuffer());
}

llvm::Expected<std::vector<NamedArray>>
quantc::npy::readArrays(StringRef path) {
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> buffer = readFile(path);
  if (!buffer)
    return buffer.takeError();
  StringRef bytes = (*buffer)->getBuffer();
  if (bytes.starts_with("PK"))
    return parseNpz(path, bytes);
  llvm::Expected<Array> array = parseNpy(bytes, path);
  if (!array)
    return array.takeError();
  std::vector<NamedArray> arrays;
  arrays.push_back({"", std::move(*array), path.str()});
  return arrays;
}

llvm::Error quantc::npy::writeNpz(StringRef path,
                                  llvm::ArrayRef<NamedArray> arrays) {
  auto put16 = [](std::string &out, uint16_t v) {
    char b[2];
    endian::write16le(b, v);
    out.append(b, 2);
  };
  auto put32 = [](std::string &out, uint32_t v) {
    char b[4];
    endian::write32le(b, v);
    out.append(b, 4);
  };
  // Version 2.0, no flags, stored, 1980-01-01 00:00 (DOS time 0, date 0x21).
  auto putCommonFields = [&](std::string &out, uint32_t crc, uint32_t size,
                             uint16_t nameLength) {
    put16(out, 20);
    put16(out, 0);
    put16(out, kMethodStored);
    put16(out, 0);
    put16(out, 0x21);
    put32(out, crc);
    put32(out, size);
    put32(out, size);
    put16(out, nameLength);
    put16(out, 0);
  };

  std::string file, directory;
  llvm::StringSet<> names;
  for (const NamedArray &named : arrays) {
    if (!names.insert(named.name).second)
      return fail(path, "two arrays named '" + named.name + "'");
    std::string memberName = named.name + ".npy";
    std::string data = serializeNpy(named.array);
    // Beyond 4 GiB zip needs zip64 records, which this writer does not emit.
    if (data.size() >= 0xffffffffu || file.size() >= 0xffffffffu)
      return fail(path, "array '" + named.name +
                            "' is too large for an .npz without zip64");
    uint32_t crc = llvm::crc32(llvm::arrayRefFromStringRef(data));
    uint32_t offset = file.size();

    put32(file, kLocalHeaderSignature);
    putCommonFields(file, crc, data.size(), memberName.size());
    file += memberName;
    file += data;

    put32(directory, kCentralHeaderSignature);
    put16(directory, 20); // made by: version 2.0
    putCommonFields(directory, crc, data.size(), memberName.size());
    put16(directory, 0); // comment length
    put16(directory, 0); // disk
    put16(directory, 0); // internal attributes
    put32(directory, 0); // external attributes
    put32(directory, offset);
    directory += memberName;
  }
  if (arrays.size() > 0xffff || file.size() >= 0xffffffffu)
    return fail(path, "too many or too large arrays for an .npz without "
                      "zip64");
  uint32_t directoryOffset = file.size();
  file += directory;
  put32(file, kEndSignature);
  put16(file, 0);
  put16(file, 0);
  put16(file, arrays.size());
  put16(file, arrays.size());
  put32(file, directory.size());
  put32(file, directoryOffset);
  put16(file, 0);
  return writeFile(path, file);
}
