// `systole conformance`: the ONNX backend node tests (libonnx-testdata) of every op the
// network pipeline claims, run through it (import -> quantize / map -> compile -> run on the
// backend) and checked against the stored outputs (compiler/net/conformance.hpp). One line
// per case, then `conformance: N passed, N failed, N skipped` and one line per skip reason.
// Exit status 1 when any case failed.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/options.hpp"
#include "compiler/net/conformance.hpp"

namespace systole::cli {
namespace {

struct ConformanceCli {
  net::ConformanceOptions opt;
  bool json = false;
};

nlohmann::json case_json(const net::CaseResult& c) {
  nlohmann::json j = {{"name", c.name},     {"suite", c.suite},         {"status", net::case_status_name(c.status)},
                      {"kind", c.kind},     {"detail", c.detail},       {"accel_ops", c.accel_ops},
                      {"cpu_ops", c.cpu_ops}, {"cycles", c.accel_cycles}, {"seconds", c.seconds}};
  if (c.status == net::CaseStatus::Skipped) j["reason"] = c.reason;
  if (c.status != net::CaseStatus::Skipped) j["bit_exact"] = c.bit_exact;
  if (c.kind == "float" && c.tolerance > 0) j["max_abs_error"] = c.max_abs_error, j["tolerance"] = c.tolerance;
  return j;
}

}  // namespace

void add_conformance_command(CLI::App& app) {
  auto o = std::make_shared<ConformanceCli>();
  auto* cmd = app.add_subcommand("conformance", "Run the ONNX backend node tests through the pipeline on a backend");
  add_target_options(cmd, o->opt.backend, o->opt.config);
  cmd->add_option("--filter", o->opt.filter, "run only the tests whose name contains this");
  cmd->add_option("--data", o->opt.data_dir, "libonnx-testdata root (default: $SYSTOLE_ONNX_TESTDATA or the installed one)");
  add_place_option(cmd, o->opt.place);
  cmd->add_flag("--json", o->json, "print one JSON object instead of the lines");
  cmd->callback([o] {
    const bool text = !o->json;
    const net::ConformanceReport rep = net::run_conformance(o->opt, [&](const net::CaseResult& c) {
      if (!text) return;
      const std::string what = c.status == net::CaseStatus::Skipped ? c.reason : c.detail;
      fmt::print("{} {:<54} {:<9} {}\n", net::case_status_name(c.status), c.name, c.kind.empty() ? "-" : c.kind, what);
      std::fflush(stdout);
    });
    if (o->json) {
      nlohmann::json cases = nlohmann::json::array(), reasons = nlohmann::json::object();
      for (const net::CaseResult& c : rep.cases) cases.push_back(case_json(c));
      for (const auto& [why, n] : rep.skip_reasons) reasons[why] = n;
      const nlohmann::json j = {{"backend", o->opt.backend},
                                {"config", o->opt.config},
                                {"passed", rep.passed},
                                {"failed", rep.failed},
                                {"skipped", rep.skipped},
                                {"float_tolerance", fmt::format("|int8 - float| <= {} * output scale", net::kFloatTolSteps)},
                                {"skip_reasons", reasons},
                                {"cases", cases}};
      fmt::print("{}\n", j.dump());
    } else {
      fmt::print("{}\n", rep.summary_line());
      for (const auto& [why, n] : rep.skip_reasons) fmt::print("  skipped {:3}: {}\n", n, why);
    }
    if (rep.failed > 0) throw CLI::RuntimeError(1);
  });
}

}  // namespace systole::cli
