// run_cpu_bench (see cpu_bench.hpp). Timing: every configuration runs once to warm up, then
// the configurations are timed in interleaved rounds so that load from other processes hits
// them alike; GOPS = 2*M*N*K / time, from the best round (median also reported).
#include "roofline/cpu_bench.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <random>
#include <vector>

#include "kernels/cpu/gemm_i8.hpp"
#include "kernels/reference.hpp"
#include "roofline/cpu_ceilings.hpp"
#ifdef SYSTOLE_HAVE_ONEDNN
#include "kernels/cpu/onednn_matmul.hpp"
#endif

namespace systole::roofline {
namespace {

struct Timed {
  std::string name;
  std::function<void()> run;
  int reps;
  std::vector<double> secs;
};

void time_interleaved(std::vector<Timed>& cfgs) {
  using Clock = std::chrono::steady_clock;
  int rounds = 0;
  for (auto& c : cfgs) c.run(), rounds = std::max(rounds, c.reps);  // warm-up
  for (int r = 0; r < rounds; ++r)
    for (auto& c : cfgs) {
      if (r >= c.reps) continue;
      const auto t0 = Clock::now();
      c.run();
      c.secs.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
}

nlohmann::json gops_json(const Timed& t, double ops) {
  std::vector<double> s = t.secs;
  std::sort(s.begin(), s.end());
  const double best = s.front(), median = s[s.size() / 2];
  return {{"gops", ops / best / 1e9}, {"gops_median", ops / median / 1e9}, {"best_seconds", best}, {"reps", s.size()}};
}

}  // namespace

nlohmann::json run_cpu_bench(const CpuBenchOptions& opt) {
  const int M = opt.m, N = opt.n, K = opt.k;
  const double ops = 2.0 * M * N * K;
  std::mt19937 rng(2024);
  std::uniform_int_distribution<int> i8(-128, 127);
  std::vector<int8_t> A(size_t(M) * K), B(size_t(K) * N), C(size_t(M) * N);
  for (auto& x : A) x = int8_t(i8(rng));
  for (auto& x : B) x = int8_t(i8(rng));
  std::vector<uint8_t> Au(A.size());  // the same values as u8 for oneDNN's u8 path
  for (size_t i = 0; i < A.size(); ++i) Au[i] = uint8_t(A[i] + 128);
  // Realistic per-channel requantization: outputs spread over the int8 range.
  std::vector<int32_t> bias(N), mult(N);
  std::vector<uint32_t> shift(N);
  for (int n = 0; n < N; ++n) bias[n] = i8(rng) * 50, mult[n] = (1 << 30) + i8(rng) * (1 << 20), shift[n] = 44;
  const int32_t a_zp = 3;
  const cpu::Requant rq{bias.data(), mult.data(), shift.data(), -2, -128, 127};

  nlohmann::json out;
  out["m"] = M, out["n"] = N, out["k"] = K, out["threads"] = opt.threads;
  const cpu::Isa best = cpu::best_isa();
  out["isa"] = cpu::isa_name(best);

  std::vector<Timed> cfgs;
  std::vector<cpu::PackedB> packed;  // weights packed once, outside the timed region (as oneDNN's reorder)
  std::vector<cpu::Isa> isas = opt.all_variants ? cpu::supported_isas() : std::vector<cpu::Isa>{best};
  packed.reserve(isas.size());
  std::vector<int32_t> C32(size_t(M) * N);
  auto args = [&](const cpu::PackedB& pb, cpu::GemmOut mode) {
    cpu::GemmArgs g;
    g.M = M, g.A = A.data(), g.lda = K, g.a_zero_point = a_zp, g.B = &pb, g.out = mode;
    g.c_i8 = C.data(), g.c_i32 = C32.data(), g.ldc = N, g.rq = rq, g.threads = opt.threads;
    return g;
  };
  for (cpu::Isa isa : isas) {
    packed.push_back(cpu::pack_b(B.data(), K, N, isa));
    const cpu::GemmArgs g = args(packed.back(), cpu::GemmOut::kRequantI8);
    const int reps = isa == best ? opt.reps : std::max(3, opt.reps / 20);  // fallbacks are slow
    cfgs.push_back({std::string("own_") + cpu::isa_name(isa), [g] { cpu::gemm_i8(g); }, reps, {}});
  }
  const cpu::GemmArgs g32 = args(packed.back(), cpu::GemmOut::kStoreI32);  // best ISA is last
  cfgs.push_back({"own_s32", [g32] { cpu::gemm_i8(g32); }, opt.reps, {}});

#ifdef SYSTOLE_HAVE_ONEDNN
  using cpu::onednn::Int8Matmul;
  cpu::onednn::MatmulConfig mc;
  mc.M = M, mc.N = N, mc.K = K, mc.threads = opt.threads;
  mc.src = cpu::onednn::Src::kU8;
  Int8Matmul dnnl_u8(mc, B.data());
  mc.src = cpu::onednn::Src::kS8WithZeroPoint;
  Int8Matmul dnnl_s8(mc, B.data());
  std::vector<int32_t> D32(size_t(M) * N);
  cfgs.push_back({"onednn_u8", [&] { dnnl_u8.run(Au.data(), D32.data()); }, opt.reps, {}});
  cfgs.push_back({"onednn_s8_zp", [&] { dnnl_s8.run(A.data(), D32.data(), a_zp); }, opt.reps, {}});
#endif

  time_interleaved(cfgs);

  std::vector<int8_t> want;
  std::vector<int32_t> acc(size_t(M) * N);
  if (opt.check) {
    ref::gemm_i8(A.data(), B.data(), acc.data(), M, N, K, a_zp);
    want.resize(acc.size());
    ref::requant_i8(acc.data(), want.data(), M, N, rq);
  }
  nlohmann::json variants = nlohmann::json::object();
  for (size_t i = 0; i < isas.size(); ++i) {
    nlohmann::json v = gops_json(cfgs[i], ops);
    if (opt.check) {
      cpu::gemm_i8(args(packed[i], cpu::GemmOut::kRequantI8));
      v["bit_exact"] = C == want;
    }
    variants[cpu::isa_name(isas[i])] = v;
  }
  nlohmann::json own = variants[cpu::isa_name(best)];
  own["variant"] = cpu::isa_name(best);
  own["work"] = "int8 GEMM, A zero point + bias + per-channel requantization to int8 (epilogue), B pre-packed";
  own["s32_gops"] = gops_json(cfgs[isas.size()], ops)["gops"];  // same kernel, int32 out, no requant
  out["own"] = own;
  out["own_variants"] = variants;

#ifdef SYSTOLE_HAVE_ONEDNN
  nlohmann::json dn = gops_json(cfgs[isas.size() + 1], ops);
  dn["version"] = cpu::onednn::version();
  dn["implementation"] = dnnl_u8.implementation();
  dn["work"] = "u8 src (no zero point), s8 weights pre-reordered, s32 dst, no requantization";
  nlohmann::json dz = gops_json(cfgs[isas.size() + 2], ops);
  dz["work"] = "s8 src with runtime zero point, s8 weights pre-reordered, s32 dst, no requantization";
  if (opt.check) {
    dnnl_s8.run(A.data(), D32.data(), a_zp);
    dz["matches_reference_acc"] = D32 == acc;
  }
  dn["s8_zero_point"] = dz;
  out["onednn"] = dn;
  // The headline ratio is conservative: our full int8-out path against oneDNN's fastest int8
  // configuration doing less (no zero point, no requantization).
  out["ratio"] = own["gops"].get<double>() / dn["gops"].get<double>();
  out["ratio_s32_same_work"] = own["s32_gops"].get<double>() / dz["gops"].get<double>();
#else
  out["onednn"] = nullptr;
  out["ratio"] = nullptr;
#endif
  out["target_ratio"] = 0.8;

  CeilingOptions co;
  co.quick = opt.quick_ceilings;
  co.remeasure = opt.remeasure_ceilings;
  co.cache_path = opt.ceilings_cache;
  const CpuCeilings c = cpu_ceilings(co);
  out["ceilings"] = to_json(c);
  out["ceilings"].erase("sweep");  // the full sweep stays in the cache file; keep this object short
  const double peak = opt.threads == 1 ? c.int8_gops_core : c.int8_gops_all;
  out["own"]["fraction_of_int8_peak"] = peak > 0 ? own["gops"].get<double>() / peak : 0.0;
  if (out["onednn"].is_object()) out["onednn"]["fraction_of_int8_peak"] = peak > 0 ? out["onednn"]["gops"].get<double>() / peak : 0.0;
  return out;
}

}  // namespace systole::roofline
