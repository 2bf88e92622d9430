// `systole asm IN.s -o OUT.bin` and `systole disasm FILE`: the text form of programs.
// A .bin file is the raw instruction image (16 bytes each, little-endian) as the fetch
// unit reads it from DRAM; disasm also reads compiled programs (.stp) and lists their tensors.
#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "arch/error.hpp"
#include "arch/isa.hpp"
#include "cli/commands.hpp"
#include "driver/program.hpp"

namespace systole::cli {
namespace {

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("cannot open '{}'", path));
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool is_program_file(const std::vector<uint8_t>& bytes) {
  return bytes.size() >= 4 && std::string(bytes.begin(), bytes.begin() + 4) == "STPG";
}

}  // namespace

void add_asm_commands(CLI::App& app) {
  auto* as = app.add_subcommand("asm", "Assemble the text form into a raw instruction image");
  auto in = std::make_shared<std::string>(), out = std::make_shared<std::string>();
  as->add_option("input", *in, "assembly text file")->required();
  as->add_option("-o,--output", *out, "instruction image to write")->required();
  as->callback([in, out] {
    const auto bytes = read_file(*in);
    const auto prog = isa::assemble(std::string(bytes.begin(), bytes.end()), *in);
    std::ofstream o(*out, std::ios::binary);
    if (!o) throw Error(fmt::format("cannot write '{}'", *out));
    for (const auto& w : prog) {
      uint8_t b[isa::kInsnBytes];
      isa::insn_to_bytes(w, b);
      o.write(reinterpret_cast<const char*>(b), sizeof b);
    }
    fmt::print("{}: {} instructions\n", *out, prog.size());
  });

  auto* dis = app.add_subcommand("disasm", "Print the text form of an instruction image or compiled program");
  auto file = std::make_shared<std::string>();
  dis->add_option("input", *file, ".bin instruction image or .stp program")->required();
  dis->callback([file] {
    const auto bytes = read_file(*file);
    std::vector<isa::Insn> prog;
    if (is_program_file(bytes)) {
      const driver::Program p = driver::deserialize(bytes, *file);
      fmt::print("# program for {} (DIM {}), arena {} bytes\n", p.config_name, p.dim, p.arena_size);
      for (const auto& t : p.tensors) fmt::print("# tensor {} {} {} bytes at +{}\n", t.name, t.dtype, t.size, t.offset);
      prog = p.insns;
    } else {
      if (bytes.size() % isa::kInsnBytes)
        throw Error(fmt::format("'{}': {} bytes is not a whole number of {}-byte instructions", *file, bytes.size(),
                                isa::kInsnBytes));
      for (size_t i = 0; i < bytes.size(); i += isa::kInsnBytes) prog.push_back(isa::insn_from_bytes(&bytes[i]));
    }
    fmt::print("{}", isa::disassemble(prog));
  });
}

}  // namespace systole::cli
