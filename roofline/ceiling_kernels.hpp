// Internal: the tight loops behind the CPU ceilings (ceiling_kernels.cpp), one per ISA, so
// the orchestration in cpu_ceilings.cpp stays free of intrinsics.
#pragma once
#include <cstddef>
#include <cstdint>

namespace systole::roofline::detail {

// Each runs `iters` iterations of a fixed unrolled body and returns the operations done
// (int8: 2 per MAC; fp32: 2 per FMA lane). The returned sink defeats dead-code elimination.
double int8_vnni_loop(uint64_t iters, int* sink);   // AVX-512 VNNI vpdpbusd
double int8_avx2_loop(uint64_t iters, int* sink);   // AVX2 vpmaddwd + vpaddd (the avx2 GEMM's inner op)
double fp32_avx512_loop(uint64_t iters, float* sink);
double fp32_avx2_loop(uint64_t iters, float* sink);
double fp32_scalar_loop(uint64_t iters, float* sink);

// Streams `passes` times over buf (bytes a multiple of 512, 64-byte aligned), reading every
// byte; returns a sink value. Uses the widest vectors the CPU has.
uint64_t read_stream(const uint8_t* buf, size_t bytes, int passes, int isa_level);

}  // namespace systole::roofline::detail
