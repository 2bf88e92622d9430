// fuzz_seeds OUTDIR: writes the generated part of the seed corpora (make_corpus.sh adds the
// ONNX node test models and configs/*.toml):
//   OUTDIR/program/  small compiled GEMM and convolution programs for the tiny design point
//   OUTDIR/asm/      their disassembly, and one line per opcode with every field set
//   OUTDIR/onnx/     the two smallest zoo models exported to ONNX
//   OUTDIR/config/   every preset printed by to_toml
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "arch/config.hpp"
#include "arch/isa.hpp"
#include "compiler/conv.hpp"
#include "compiler/gemm.hpp"
#include "compiler/onnx/export.hpp"
#include "driver/program.hpp"
#include "zoo/zoo.hpp"

using namespace systole;

namespace {

void write(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), std::streamsize(bytes.size()));
  if (!f) throw std::runtime_error("cannot write " + path);
}

template <class Layer>
void fill_params(Layer& l, uint32_t n, std::mt19937& rng) {
  l.bias.resize(n), l.mult.resize(n), l.shift.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    l.bias[i] = int32_t(rng() % 2000) - 1000;
    l.mult[i] = int32_t((1u << 30) + rng() % (1u << 30));
    l.shift[i] = 32 + rng() % 8;
  }
}

void add_program(const std::string& dir, const std::string& name, const driver::Program& p) {
  const std::vector<uint8_t> b = driver::serialize(p);
  write(dir + "/program/" + name + ".stp", std::string(b.begin(), b.end()));
  write(dir + "/asm/" + name + ".s", isa::disassemble(p.insns));
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_seeds OUTDIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  const Config tiny = load_config("tiny");
  std::mt19937 rng(1);
  const uint32_t gemms[][3] = {{4, 4, 4}, {5, 7, 9}, {8, 12, 16}, {1, 4, 20}};
  for (const auto& g : gemms) {
    compiler::GemmLayer l;
    l.m = g[0], l.n = g[1], l.k = g[2];
    l.weights.resize(size_t(l.k) * l.n);
    for (auto& w : l.weights) w = int8_t(rng());
    fill_params(l, l.n, rng);
    add_program(dir, fmt::format("gemm_{}x{}x{}", l.m, l.n, l.k), compiler::compile_gemm(tiny, l));
  }
  struct C { uint32_t h, w, c_in, c_out, k, stride, pad, groups; };
  const C convs[] = {{5, 5, 3, 4, 3, 1, 1, 1}, {7, 6, 4, 8, 3, 2, 1, 1}, {6, 6, 8, 8, 3, 1, 1, 8}, {9, 9, 3, 4, 7, 2, 3, 1}};
  int ci = 0;
  for (const C& c : convs) {
    compiler::ConvLayer l;
    l.h = c.h, l.w = c.w, l.c_in = c.c_in, l.c_out = c.c_out, l.kh = l.kw = c.k;
    l.stride_h = l.stride_w = c.stride;
    l.pad_top = l.pad_left = l.pad_bottom = l.pad_right = c.pad;
    l.groups = c.groups;
    l.weights.resize(size_t(l.c_out) * l.kh * l.kw * (l.c_in / l.groups));
    for (auto& w : l.weights) w = int8_t(rng());
    fill_params(l, l.c_out, rng);
    add_program(dir, fmt::format("conv_{}", ci++), compiler::compile_conv(tiny, l));
  }
  // One line per opcode with every field at a non-default value the field can hold.
  std::string all;
  for (const isa::OpcodeInfo& op : isa::kOpcodes) {
    std::string line = op.name;
    for (uint32_t i = 1; i < op.num_fields; ++i) line += fmt::format(" {}=1", op.fields[i].name);
    all += line + "\n";
  }
  write(dir + "/asm/every_field.s", all);
  for (const std::string& name : {"mlp", "small_cnn"})
    onnx_io::export_model_file(zoo::make_zoo_model(name), dir + "/onnx/zoo_" + name + ".onnx");
  for (const std::string& name : preset_names()) write(dir + "/config/preset_" + name + ".toml", load_config(name).to_toml());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "fuzz_seeds: %s\n", e.what());
  return 1;
}
