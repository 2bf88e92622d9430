// AXI4-Lite host port (see axi_lite_host.hpp).
#include "sim/axi_lite_host.hpp"

#include <fmt/format.h>

#include "arch/error.hpp"

namespace systole::sim {

void AxiLiteHost::start_write(uint32_t offset, uint32_t value) {
  if (op_ != Op::None) throw Error(fmt::format("rtl platform: CSR write to 0x{:02x} while {}", offset, describe()));
  if (offset > 0xff || offset % 4) throw Error(fmt::format("rtl platform: CSR offset 0x{:x} is not a word of the 256-byte CSR block", offset));
  op_ = Op::Write, phase_ = 0, offset_ = offset, wdata_ = value;
}

void AxiLiteHost::start_read(uint32_t offset) {
  if (op_ != Op::None) throw Error(fmt::format("rtl platform: CSR read of 0x{:02x} while {}", offset, describe()));
  if (offset > 0xff || offset % 4) throw Error(fmt::format("rtl platform: CSR offset 0x{:x} is not a word of the 256-byte CSR block", offset));
  op_ = Op::Read, phase_ = 0, offset_ = offset;
}

std::string AxiLiteHost::describe() const {
  switch (op_) {
    case Op::None: return "the CSR port is idle";
    case Op::Write: return fmt::format("a CSR write to 0x{:02x} is in its {} phase", offset_, phase_ ? "response" : "address");
    case Op::Read: return fmt::format("a CSR read of 0x{:02x} is in its {} phase", offset_, phase_ ? "response" : "address");
  }
  return {};
}

}  // namespace systole::sim
