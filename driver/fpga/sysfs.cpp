// sysfs parsing for the "fpga" backend (see sysfs.hpp).
#include "driver/fpga/sysfs.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "arch/error.hpp"

namespace systole::driver::fpga {

namespace fs = std::filesystem;

namespace {

bool read_text(const fs::path& p, std::string& out) {
  std::ifstream f(p);
  if (!f) return false;
  std::stringstream ss;
  ss << f.rdbuf();
  out = ss.str();
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ' || out.back() == '\t' || out.back() == '\r'))
    out.pop_back();
  return true;
}

// "uio12" -> 12; false for anything else.
bool parse_index(const std::string& s, const std::string& prefix, unsigned& idx) {
  if (s.size() <= prefix.size() || s.compare(0, prefix.size(), prefix) != 0) return false;
  const std::string digits = s.substr(prefix.size());
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  idx = unsigned(std::stoul(digits));
  return true;
}

}  // namespace

uint64_t read_sysfs_number(const std::string& path) {
  std::string t;
  if (!read_text(path, t)) throw Error(fmt::format("cannot read {}", path));
  size_t b = t.find_first_not_of(" \t\n");
  std::string s = b == std::string::npos ? "" : t.substr(b);
  const bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  const std::string digits = hex ? s.substr(2) : s;
  const bool ok = !digits.empty() && std::all_of(digits.begin(), digits.end(), [&](char c) {
    return (c >= '0' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
  });
  if (!ok || digits.size() > (hex ? 16u : 20u)) throw Error(fmt::format("{}: '{}' is not a number", path, t));
  errno = 0;
  const unsigned long long v = std::strtoull(digits.c_str(), nullptr, hex ? 16 : 10);
  if (errno) throw Error(fmt::format("{}: '{}' is out of range", path, t));
  return v;
}

std::vector<UioDevice> list_uio_devices(const std::string& sysfs_root, const std::string& dev_root) {
  std::vector<UioDevice> out;
  const fs::path cls = fs::path(sysfs_root) / "class" / "uio";
  std::error_code ec;
  if (!fs::is_directory(cls, ec)) return out;
  for (const auto& e : fs::directory_iterator(cls, ec)) {
    UioDevice d;
    if (!parse_index(e.path().filename().string(), "uio", d.index)) continue;
    if (!read_text(e.path() / "name", d.name)) continue;
    d.node = (fs::path(dev_root) / e.path().filename()).string();
    for (unsigned m = 0;; ++m) {
      const fs::path mp = e.path() / "maps" / fmt::format("map{}", m);
      if (!fs::is_directory(mp, ec)) break;
      UioMap map;
      read_text(mp / "name", map.name);
      map.addr = read_sysfs_number((mp / "addr").string());
      map.size = read_sysfs_number((mp / "size").string());
      if (fs::exists(mp / "offset", ec)) map.offset = read_sysfs_number((mp / "offset").string());
      d.maps.push_back(map);
    }
    out.push_back(std::move(d));
  }
  std::sort(out.begin(), out.end(), [](const UioDevice& a, const UioDevice& b) { return a.index < b.index; });
  return out;
}

UioDevice find_uio_device(const std::string& name, const std::string& sysfs_root, const std::string& dev_root) {
  const std::vector<UioDevice> all = list_uio_devices(sysfs_root, dev_root);
  for (const auto& d : all)
    if (d.name == name) return d;
  std::string found;
  for (const auto& d : all) found += fmt::format("{}uio{} '{}'", found.empty() ? "" : ", ", d.index, d.name);
  throw Error(fmt::format(
      "no UIO device named {} found under {} ({}); load the bitstream and a device tree overlay "
      "whose accelerator node has compatible = \"generic-uio\" and that name "
      "(synth/zynq writes one), or set SYSTOLE_UIO to the name in use",
      name, (fs::path(sysfs_root) / "class" / "uio").string(), found.empty() ? "none present" : "present: " + found));
}

DmaBufInfo find_dma_buf(const std::string& name, const std::string& sysfs_root, const std::string& dev_root) {
  std::error_code ec;
  std::vector<std::string> tried;
  for (const char* cls : {"u-dma-buf", "udmabuf"}) {
    const fs::path dir = fs::path(sysfs_root) / "class" / cls / name;
    tried.push_back(dir.string());
    if (!fs::is_directory(dir, ec)) continue;
    DmaBufInfo info;
    info.name = name;
    info.node = (fs::path(dev_root) / name).string();
    info.phys_addr = read_sysfs_number((dir / "phys_addr").string());
    info.size = read_sysfs_number((dir / "size").string());
    if (info.size == 0) throw Error(fmt::format("{}: the contiguous buffer has size 0", dir.string()));
    return info;
  }
  throw Error(
      fmt::format("no u-dma-buf device named {} (looked for {}); load the u-dma-buf module with a buffer of "
                  "that name (the overlay synth/zynq writes declares one), or set SYSTOLE_UDMABUF",
                  name, fmt::join(tried, " and ")));
}

void DmaWindow::check(uint64_t addr, uint64_t n) const {
  if (addr > size_ || n > size_ - addr)
    throw Error(
        fmt::format("device memory access of {} bytes at 0x{:x} leaves the {}-byte DMA window "
                    "(physical 0x{:x}..0x{:x})",
                    n, addr, size_, phys_, phys_ + size_));
}

uint64_t DmaWindow::phys(uint64_t addr, uint64_t n) const {
  check(addr, n);
  return phys_ + addr;
}

uint8_t* DmaWindow::host(uint64_t addr, uint64_t n) const {
  check(addr, n);
  return host_ + addr;
}

}  // namespace systole::driver::fpga
