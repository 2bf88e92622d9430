// What the "fpga" backend learns from sysfs: the UIO device of the accelerator (its name from
// the device tree, its memory maps) and the u-dma-buf contiguous buffer used as device memory
// (physical address, size). The root is a parameter so tests run on a fake tree in a temp dir.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace systole::driver::fpga {

struct UioMap {
  std::string name;     // maps/mapN/name ("" when the kernel gives none)
  uint64_t addr = 0;    // physical address
  uint64_t size = 0;    // bytes
  uint64_t offset = 0;  // offset of the region within its page (maps/mapN/offset; 0 if absent)
};

struct UioDevice {
  std::string name;          // /sys/class/uio/uioN/name
  unsigned index = 0;        // N
  std::string node;          // /dev/uioN (under the dev root)
  std::vector<UioMap> maps;  // map0, map1, ... in order
};

// Every UIO device under <sysfs_root>/class/uio, sorted by index. A missing class directory
// is an empty list (the uio module is not loaded).
std::vector<UioDevice> list_uio_devices(const std::string& sysfs_root, const std::string& dev_root = "/dev");

// The UIO device named `name`; throws systole::Error "no UIO device named <name> found under
// <root>/class/uio" listing the names found.
UioDevice find_uio_device(const std::string& name, const std::string& sysfs_root, const std::string& dev_root = "/dev");

struct DmaBufInfo {
  std::string name;        // udmabuf0
  std::string node;        // /dev/udmabuf0
  uint64_t phys_addr = 0;  // <class>/<name>/phys_addr (hex)
  uint64_t size = 0;       // <class>/<name>/size (decimal)
};

// The u-dma-buf device `name` under <sysfs_root>/class/u-dma-buf (v3+) or class/udmabuf
// (older releases). Throws systole::Error naming the directories looked at.
DmaBufInfo find_dma_buf(const std::string& name, const std::string& sysfs_root, const std::string& dev_root = "/dev");

// Reads a sysfs number: "0x..." as hex, else decimal; surrounding whitespace ignored.
// Throws systole::Error naming the file on a missing file or junk.
uint64_t read_sysfs_number(const std::string& path);

// A contiguous DMA window: device addresses 0 .. size-1 are phys_base + addr to the
// accelerator and host + addr to the CPU. Every access is bounds-checked here.
class DmaWindow {
 public:
  DmaWindow(uint8_t* host, uint64_t phys_base, uint64_t size) : host_(host), phys_(phys_base), size_(size) {}
  uint64_t size() const { return size_; }
  uint64_t phys_base() const { return phys_; }
  // Physical address of device address `addr` (throws when [addr, addr+n) leaves the window).
  uint64_t phys(uint64_t addr, uint64_t n = 1) const;
  // Host pointer of device address `addr` (same check).
  uint8_t* host(uint64_t addr, uint64_t n) const;

 private:
  void check(uint64_t addr, uint64_t n) const;
  uint8_t* host_;
  uint64_t phys_, size_;
};

}  // namespace systole::driver::fpga
