// Run-time CPU feature detection for the CPU kernels: which instruction-set variant of a
// kernel may run on this machine. Detection reads CPUID and XCR0 (the OS must save the
// wider registers), so one binary picks AVX-512 VNNI, AVX2 or portable code at run time.
#pragma once
#include <string>
#include <vector>

namespace systole::cpu {

// Kernel variants, ordered from most portable to fastest.
enum class Isa { kPortable = 0, kAvx2 = 1, kAvx512Vnni = 2 };

struct CpuFeatures {
  bool avx2 = false;         // AVX2 + FMA, OS saves YMM
  bool avx512f = false;      // AVX-512 F/BW/DQ/VL, OS saves ZMM and opmask
  bool avx512_vnni = false;  // vpdpbusd on ZMM (needs avx512f too)
  std::string brand;         // CPUID brand string, trimmed ("AMD EPYC ...")
};

const CpuFeatures& cpu_features();  // detected once, cached

const char* isa_name(Isa isa);      // "portable", "avx2", "avx512_vnni"
bool isa_from_name(const std::string& name, Isa* out);
bool isa_supported(Isa isa);
Isa best_isa();                     // fastest variant this CPU runs
std::vector<Isa> supported_isas();  // every variant this CPU runs, portable first

}  // namespace systole::cpu
