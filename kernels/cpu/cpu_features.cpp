// CPUID/XCR0 probing (see cpu_features.hpp). x86-64 only; other targets get kPortable.
#include "kernels/cpu/cpu_features.hpp"

#include <cstdint>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define SYSTOLE_X86 1
#endif

namespace systole::cpu {
namespace {

#ifdef SYSTOLE_X86
uint64_t read_xcr0() {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (uint64_t(hi) << 32) | lo;
}

std::string brand_string() {
  unsigned max_ext = __get_cpuid_max(0x80000000u, nullptr);
  if (max_ext < 0x80000004u) return "unknown";
  char buf[49] = {};
  for (unsigned i = 0; i < 3; ++i) {
    unsigned r[4];
    __cpuid(0x80000002u + i, r[0], r[1], r[2], r[3]);
    std::memcpy(buf + 16 * i, r, 16);
  }
  std::string s(buf);
  const auto b = s.find_first_not_of(' ');
  const auto e = s.find_last_not_of(' ');
  return b == std::string::npos ? "unknown" : s.substr(b, e - b + 1);
}

CpuFeatures detect() {
  CpuFeatures f;
  f.brand = brand_string();
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
  const bool osxsave = c & (1u << 27), fma = c & (1u << 12);
  if (!osxsave) return f;
  const uint64_t xcr0 = read_xcr0();
  const bool ymm_saved = (xcr0 & 0x6) == 0x6;     // SSE + AVX state
  const bool zmm_saved = (xcr0 & 0xE6) == 0xE6;   // + opmask, ZMM_Hi256, Hi16_ZMM
  if (__get_cpuid_max(0, nullptr) < 7) return f;
  __cpuid_count(7, 0, a, b, c, d);
  f.avx2 = ymm_saved && fma && (b & (1u << 5));
  const bool f512 = b & (1u << 16), dq = b & (1u << 17), bw = b & (1u << 30), vl = b & (1u << 31);
  f.avx512f = f.avx2 && zmm_saved && f512 && dq && bw && vl;
  f.avx512_vnni = f.avx512f && (c & (1u << 11));
  return f;
}
#else
CpuFeatures detect() { return CpuFeatures{false, false, false, "unknown"}; }
#endif

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures f = detect();
  return f;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::kPortable: return "portable";
    case Isa::kAvx2: return "avx2";
    case Isa::kAvx512Vnni: return "avx512_vnni";
  }
  return "?";
}

bool isa_from_name(const std::string& name, Isa* out) {
  for (Isa i : {Isa::kPortable, Isa::kAvx2, Isa::kAvx512Vnni})
    if (name == isa_name(i)) {
      *out = i;
      return true;
    }
  return false;
}

bool isa_supported(Isa isa) {
  switch (isa) {
    case Isa::kPortable: return true;
    case Isa::kAvx2: return cpu_features().avx2;
    case Isa::kAvx512Vnni: return cpu_features().avx512_vnni;
  }
  return false;
}

Isa best_isa() {
  if (isa_supported(Isa::kAvx512Vnni)) return Isa::kAvx512Vnni;
  if (isa_supported(Isa::kAvx2)) return Isa::kAvx2;
  return Isa::kPortable;
}

std::vector<Isa> supported_isas() {
  std::vector<Isa> v;
  for (Isa i : {Isa::kPortable, Isa::kAvx2, Isa::kAvx512Vnni})
    if (isa_supported(i)) v.push_back(i);
  return v;
}

}  // namespace systole::cpu
