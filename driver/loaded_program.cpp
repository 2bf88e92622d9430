// LoadedProgram: places a Program on a Device (buffers, constants, relocation) and runs it.
#include <fmt/format.h>

#include "arch/error.hpp"
#include "arch/isa.hpp"
#include "driver/program.hpp"
#include "driver/validate.hpp"

namespace systole::driver {

namespace {

// The one tensor holding the whole access [f.begin, f.end()) in arena offsets.
size_t containing_tensor(const std::vector<TensorDesc>& ts, const DmaFootprint& f, size_t insn, const isa::Insn& w) {
  const uint64_t end = f.end();
  size_t found = ts.size();
  for (size_t i = 0; i < ts.size(); ++i) {
    const uint64_t t_begin = ts[i].offset, t_end = t_begin + ts[i].size;
    if (f.begin < t_begin || end > t_end) continue;
    if (found != ts.size())
      throw Error(fmt::format("instruction {} ({}): arena access [{}, {}) lies in both tensor '{}' and tensor '{}'", insn,
                              isa::disassemble(w), f.begin, end, ts[found].name, ts[i].name));
    found = i;
  }
  if (found == ts.size())
    throw Error(fmt::format("instruction {} ({}): arena access [{}, {}) ({} rows of {} bytes, stride {}) is not inside "
                            "any one tensor",
                            insn, isa::disassemble(w), f.begin, end, f.rows, f.row_bytes, f.stride));
  return found;
}

}  // namespace

LoadedProgram::LoadedProgram(Device& dev, const Program& p) : dev_(dev) {
  check_program(p);
  if (p.dim != dev.config().dim)
    throw Error(fmt::format("program was compiled for dim {} (config '{}'), the device has dim {} (config '{}')", p.dim,
                            p.config_name, dev.config().dim, dev.config().name));
  // Relocate first (pure computation), so a bad program allocates nothing.
  std::vector<std::pair<size_t, size_t>> relocs;  // (instruction, tensor)
  for (size_t i = 0; i < p.insns.size(); ++i) {
    const DmaFootprint f = dma_footprint(p.insns[i]);
    if (f.empty()) continue;
    const size_t t = containing_tensor(p.tensors, f, i, p.insns[i]);
    // Constants are written once at load: a STORE into one (an output aliasing the weights)
    // would corrupt every later run.
    if (f.is_write && p.tensors[t].kind == TensorKind::Constant)
      throw Error(fmt::format("instruction {} ({}): STORE writes arena [{}, {}) inside constant tensor '{}'", i,
                              isa::disassemble(p.insns[i]), f.begin, f.end(), p.tensors[t].name));
    relocs.emplace_back(i, t);
  }
  tensors_.reserve(p.tensors.size());
  try {
    for (const TensorDesc& t : p.tensors) {
      bufs_.push_back(dev.alloc(t.size, t.name));
      if (t.kind == TensorKind::Constant) dev.write(bufs_.back(), t.data.data(), t.data.size());
      TensorDesc meta = t;
      meta.data.clear();
      tensors_.push_back(std::move(meta));
    }
  } catch (...) {
    for (const Buffer& b : bufs_) dev.free(b);
    throw;
  }
  relocated_ = p.insns;
  for (const auto& [i, t] : relocs) {
    isa::Insn& w = relocated_[i];
    const uint64_t addr = bufs_[t].addr + (dma_footprint(w).begin - tensors_[t].offset);
    if (isa::opcode_bits(w) == uint32_t(isa::Opcode::LOAD)) {
      isa::LoadInsn x = isa::unpack_load(w);
      x.dram_addr = uint32_t(addr);
      w = isa::pack_checked(x);
    } else {
      isa::StoreInsn x = isa::unpack_store(w);
      x.dram_addr = uint32_t(addr);
      w = isa::pack_checked(x);
    }
  }
}

LoadedProgram::~LoadedProgram() {
  for (const Buffer& b : bufs_) {
    try {
      dev_.free(b);
    } catch (...) {
      // Only fails while a program still runs: then the buffers stay allocated rather than
      // be handed out again under the running DMA.
    }
  }
}

size_t LoadedProgram::index_of(const std::string& name) const {
  for (size_t i = 0; i < tensors_.size(); ++i)
    if (tensors_[i].name == name) return i;
  throw Error(fmt::format("program has no tensor '{}'", name));
}

const Buffer& LoadedProgram::buffer(const std::string& name) const { return bufs_[index_of(name)]; }

void LoadedProgram::set_input(const std::string& name, const void* data, size_t n) {
  const size_t i = index_of(name);
  const TensorDesc& t = tensors_[i];
  if (t.kind != TensorKind::Input)
    throw Error(fmt::format("set_input('{}'): the tensor is a {} tensor, not an input", name, tensor_kind_name(t.kind)));
  if (n != t.size) throw Error(fmt::format("set_input('{}'): got {} bytes, the tensor has {}", name, n, t.size));
  dev_.write(bufs_[i], data, n);
}

void LoadedProgram::get_output(const std::string& name, void* data, size_t n) {
  const size_t i = index_of(name);
  if (n != tensors_[i].size)
    throw Error(fmt::format("get_output('{}'): asked for {} bytes, the tensor has {}", name, n, tensors_[i].size));
  dev_.read(bufs_[i], data, n);
}

void LoadedProgram::run(std::chrono::milliseconds timeout) {
  dev_.submit(relocated_);
  dev_.wait(timeout);
}

}  // namespace systole::driver
