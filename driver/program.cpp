// Program manifest checks and the versioned binary format (docs/program_format.md).
#include "driver/program.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>

#include "arch/error.hpp"
#include "driver/byte_io.hpp"

namespace systole::driver {

namespace {
constexpr char kMagic[4] = {'S', 'T', 'P', 'G'};
constexpr uint32_t kMaxString = 4096;  // names, dtypes, config name
constexpr uint32_t kMaxRank = 8;
constexpr uint32_t kAlign = 64;
}  // namespace

const char* tensor_kind_name(TensorKind k) {
  switch (k) {
    case TensorKind::Input: return "input";
    case TensorKind::Output: return "output";
    case TensorKind::Constant: return "constant";
    case TensorKind::Scratch: return "scratch";
  }
  return "unknown";
}

const TensorDesc& Program::tensor(const std::string& name) const {
  for (const TensorDesc& t : tensors)
    if (t.name == name) return t;
  throw Error(fmt::format("program has no tensor '{}'", name));
}

void check_program(const Program& p, const std::string& origin) {
  auto fail = [&](const std::string& what) { throw Error(fmt::format("{}: {}", origin, what)); };
  if (p.dim == 0) fail("dim is 0");
  if (p.config_name.size() > kMaxString) fail("config name too long");
  std::set<std::string> names;
  for (size_t i = 0; i < p.tensors.size(); ++i) {
    const TensorDesc& t = p.tensors[i];
    const std::string label = fmt::format("tensor {} '{}'", i, t.name);
    if (t.name.empty()) fail(fmt::format("tensor {} has an empty name", i));
    if (t.name.size() > kMaxString || t.dtype.size() > kMaxString) fail(label + ": name or dtype too long");
    if (!names.insert(t.name).second) fail(fmt::format("{}: duplicate tensor name", label));
    if (uint8_t(t.kind) > uint8_t(TensorKind::Scratch)) fail(fmt::format("{}: unknown kind {}", label, uint32_t(t.kind)));
    if (t.shape.size() > kMaxRank) fail(fmt::format("{}: rank {} exceeds {}", label, t.shape.size(), kMaxRank));
    if (t.size == 0) fail(label + ": size is 0");
    if (t.offset % kAlign != 0) fail(fmt::format("{}: offset {} is not {}-byte aligned", label, t.offset, kAlign));
    if (uint64_t(t.offset) + t.size > p.arena_size)
      fail(fmt::format("{}: [{}, {}) lies outside the {}-byte arena", label, t.offset, uint64_t(t.offset) + t.size,
                       p.arena_size));
    if (t.kind == TensorKind::Constant && t.data.size() != t.size)
      fail(fmt::format("{}: constant has {} data bytes, its size is {}", label, t.data.size(), t.size));
    if (t.kind != TensorKind::Constant && !t.data.empty())
      fail(fmt::format("{}: {} tensor carries {} data bytes (only constants have data)", label, tensor_kind_name(t.kind),
                       t.data.size()));
  }
}

std::vector<uint8_t> serialize(const Program& p) {
  check_program(p, "serialize");
  if (p.insns.size() > UINT32_MAX) throw Error("serialize: too many instructions");
  ByteWriter w;
  w.bytes(kMagic, 4);
  w.u32(Program::kFormatVersion);
  w.u32(isa::kIsaVersion);
  w.str(p.config_name);
  w.u32(p.dim);
  w.u32(p.arena_size);
  w.u32(uint32_t(p.tensors.size()));
  for (const TensorDesc& t : p.tensors) {
    w.str(t.name);
    w.u8(uint8_t(t.kind));
    w.str(t.dtype);
    w.u8(uint8_t(t.shape.size()));
    for (int64_t d : t.shape) w.i64(d);
    w.u32(t.offset);
    w.u32(t.size);
    w.u32(uint32_t(t.data.size()));
    w.bytes(t.data.data(), t.data.size());
  }
  w.u32(uint32_t(p.insns.size()));
  for (const isa::Insn& i : p.insns) {
    uint8_t b[isa::kInsnBytes];
    isa::insn_to_bytes(i, b);
    w.bytes(b, sizeof b);
  }
  return std::move(w.out());
}

Program deserialize(const std::vector<uint8_t>& bytes, const std::string& origin) {
  ByteReader r(bytes, origin);
  if (bytes.size() < 4 || std::memcmp(bytes.data(), kMagic, 4) != 0)
    r.fail("not a Systole program (missing \"STPG\" magic)");
  r.bytes(4, "magic");
  const uint32_t version = r.u32("format version");
  if (version != Program::kFormatVersion)
    r.fail(fmt::format("unsupported format version {} (this driver reads version {})", version, Program::kFormatVersion));
  const uint32_t isa_version = r.u32("ISA version");
  if (isa_version != isa::kIsaVersion)
    r.fail(fmt::format("program targets ISA version {}, this driver implements version {}", isa_version, isa::kIsaVersion));

  Program p;
  p.config_name = r.str("config name", kMaxString);
  p.dim = r.u32("dim");
  p.arena_size = r.u32("arena size");
  const uint32_t num_tensors = r.u32("tensor count");
  // Every tensor record takes at least 22 bytes: refuse counts the input cannot hold before
  // reserving anything.
  if (uint64_t(num_tensors) * 22 > r.left())
    r.fail(fmt::format("tensor count {} does not fit in the {} bytes left", num_tensors, r.left()));
  p.tensors.reserve(num_tensors);
  for (uint32_t i = 0; i < num_tensors; ++i) {
    TensorDesc t;
    const std::string what = fmt::format("tensor {}", i);
    t.name = r.str("tensor name", kMaxString);
    const uint8_t kind = r.u8("tensor kind");
    if (kind > uint8_t(TensorKind::Scratch)) r.fail(fmt::format("tensor {} '{}': unknown kind {}", i, t.name, kind));
    t.kind = TensorKind(kind);
    t.dtype = r.str("tensor dtype", kMaxString);
    const uint8_t rank = r.u8("tensor rank");
    if (rank > kMaxRank) r.fail(fmt::format("tensor {} '{}': rank {} exceeds {}", i, t.name, rank, kMaxRank));
    for (uint8_t d = 0; d < rank; ++d) t.shape.push_back(r.i64("tensor shape"));
    t.offset = r.u32("tensor offset");
    t.size = r.u32("tensor size");
    const uint32_t data_size = r.u32("tensor data size");
    const uint8_t* data = r.bytes(data_size, "tensor data");
    t.data.assign(data, data + data_size);
    p.tensors.push_back(std::move(t));
  }
  const uint32_t num_insns = r.u32("instruction count");
  if (uint64_t(num_insns) * isa::kInsnBytes != r.left())
    r.fail(fmt::format("instruction count {} needs {} bytes, but {} bytes are left", num_insns,
                       uint64_t(num_insns) * isa::kInsnBytes, r.left()));
  p.insns.reserve(num_insns);
  for (uint32_t i = 0; i < num_insns; ++i) p.insns.push_back(isa::insn_from_bytes(r.bytes(isa::kInsnBytes, "instruction")));
  check_program(p, origin);
  return p;
}

void save_program(const Program& p, const std::string& path) {
  const std::vector<uint8_t> bytes = serialize(p);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw Error(fmt::format("cannot write program '{}': {}", path, std::strerror(errno)));
  f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  f.close();
  if (!f) throw Error(fmt::format("error writing program '{}'", path));
}

Program load_program_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(fmt::format("cannot open program '{}': {}", path, std::strerror(errno)));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (f.bad()) throw Error(fmt::format("error reading program '{}'", path));
  return deserialize(bytes, path);
}

}  // namespace systole::driver
