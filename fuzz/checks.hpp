// The properties the fuzz targets check, shared with the regression test that replays every
// past finding (tests/fuzz_regress/): each function takes one input, returns normally when
// the code under test behaved (accepted it, or refused it with systole::Error), and lets any
// other exception escape; a broken property throws std::logic_error. libFuzzer reports an
// escaping exception as a crash, GoogleTest as a failure.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "arch/config.hpp"
#include "arch/error.hpp"
#include "arch/isa.hpp"
#include "driver/device.hpp"
#include "driver/program.hpp"
#include "driver/validate.hpp"

namespace systole::fuzz {

// Design-point TOML: parses into a valid Config that survives to_toml -> parse_config.
inline void check_config(const std::string& text) {
  Config c;
  try {
    c = parse_config(text, "fuzz.toml");
  } catch (const Error&) {
    return;
  }
  c.validate();  // parse_config only returns valid configs: this must not throw
  const Config again = parse_config(c.to_toml(), "fuzz.toml");
  if (again.to_toml() != c.to_toml()) throw std::logic_error("config does not round-trip through to_toml");
}

// Assembler text: an assembled program disassembles and reassembles to the same words, and
// the validator accepts or refuses it (Error) against a fixed set of buffers.
inline void check_asm(const std::string& text) {
  static const Config cfg = load_config("tiny");
  static const std::vector<driver::Buffer> bufs = {
      {0x1000, 0x1000, "a", 1}, {0x2000, 0x40, "b", 2}, {0x10000, 0x10000, "c", 3}, {0xffff0000u, 0x10000, "top", 4}};
  std::vector<isa::Insn> prog;
  try {
    prog = isa::assemble(text, "fuzz.s");
  } catch (const Error&) {
    return;
  }
  if (isa::assemble(isa::disassemble(prog), "roundtrip.s") != prog)
    throw std::logic_error("program does not round-trip through the disassembler");
  try {
    driver::validate_program(prog, cfg, bufs);
  } catch (const Error&) {
  }
}

// .stp bytes: refused with Error, or serialize back to the same bytes, load onto the hls
// device (LoadedProgram) or be refused without leaking buffers, and, when the loaded program
// validates, run to completion (validated programs cannot fault or deadlock the device).
inline void check_program(const std::vector<uint8_t>& bytes) {
  static const std::unique_ptr<driver::Device> dev = driver::Device::open("hls", load_config("tiny"));
  driver::Program p;
  try {
    p = driver::deserialize(bytes, "fuzz.stp");
  } catch (const Error&) {
    return;
  }
  if (driver::serialize(p) != bytes) throw std::logic_error("program does not serialize back to the same bytes");
  std::unique_ptr<driver::LoadedProgram> lp;
  try {
    lp = std::make_unique<driver::LoadedProgram>(*dev, p);
    driver::validate_program(lp->instructions(), dev->config(), dev->buffers());
  } catch (const Error&) {
    lp.reset();
    if (!dev->buffers().empty()) throw std::logic_error("a refused program left buffers allocated");
    return;
  }
  // Validated: the run must succeed; an Error escaping here is a finding.
  if (lp->instructions().size() <= 256) lp->run(std::chrono::seconds(5));
  lp.reset();
  if (!dev->buffers().empty()) throw std::logic_error("LoadedProgram did not free its buffers");
}

}  // namespace systole::fuzz
