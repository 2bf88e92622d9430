// `systole accuracy MODEL --data X.npy --labels Y.npy`: top-1 accuracy of a model on a
// labelled data set, float (IR executor) and int8 (the compiled network on an accelerator
// backend, compiled once and run batch after batch), every sample checked bit for bit
// against the integer reference, plus float-vs-int8 top-1 agreement
// (compiler/net/accuracy.hpp). Exit status 3 when a sample is not bit-exact.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/options.hpp"
#include "compiler/io/npy.hpp"
#include "compiler/net/accuracy.hpp"

namespace systole::cli {
namespace {

struct AccuracyCli {
  std::string model, data, labels, calib;
  bool json = false;
  net::AccuracyOptions opt;
};

nlohmann::json report_json(const net::AccuracyReport& r) {
  return {{"model", r.model},
          {"config", r.config},
          {"backend", r.backend},
          {"samples", r.samples},
          {"classes", r.classes},
          {"batch", r.batch},
          {"runs", r.runs},
          {"calibration_samples", r.calib_samples},
          {"calibration_from_data", r.calib_from_data},
          {"float_correct", r.float_correct},
          {"float_accuracy", r.float_accuracy()},
          {"int8_correct", r.int8_correct},
          {"int8_accuracy", r.int8_accuracy()},
          {"top1_agreement", r.agreement()},
          {"top1_agree", r.top1_agree},
          {"bit_exact_samples", r.bit_exact_samples},
          {"bit_exact", r.all_bit_exact()},
          {"first_mismatch", r.first_mismatch},
          {"accel_ops", r.accel_ops},
          {"cpu_ops", r.cpu_ops},
          {"cycles", r.accel_cycles},
          {"utilization", r.utilization},
          {"seconds",
           {{"load", r.load_seconds},
            {"quantize", r.quantize_seconds},
            {"compile", r.compile_seconds},
            {"device", r.device_seconds},
            {"reference", r.reference_seconds},
            {"float", r.float_seconds},
            {"total", r.total_seconds}}}};
}

void print_report(const net::AccuracyReport& r) {
  fmt::print("systole accuracy: {} on {} via {}, {} samples, {} classes\n", r.model, r.config, r.backend, r.samples, r.classes);
  fmt::print("  network     compiled once for batches of {} ({} runs): {} ops on the accelerator, {} on the CPU\n", r.batch,
             r.runs, r.accel_ops, r.cpu_ops);
  if (!r.prequantized)
    fmt::print("  calibration {} samples{}\n", r.calib_samples, r.calib_from_data ? " of the evaluation data (no --calib given)" : "");
  fmt::print("  float       {}/{} = {:.2f} %\n", r.float_correct, r.samples, 100 * r.float_accuracy());
  fmt::print("  int8 accel  {}/{} = {:.2f} %\n", r.int8_correct, r.samples, 100 * r.int8_accuracy());
  fmt::print("  agreement   top-1 float vs int8 {}/{} = {:.2f} %\n", r.top1_agree, r.samples, 100 * r.agreement());
  if (r.all_bit_exact()) fmt::print("  bit-exact   {}/{} samples equal the integer reference\n", r.bit_exact_samples, r.samples);
  else fmt::print("  MISMATCH    {}/{} samples bit-exact; first: {}\n", r.bit_exact_samples, r.samples, r.first_mismatch);
  fmt::print("  accelerator {} cycles, utilization {:.3f}\n", r.accel_cycles, r.utilization);
  fmt::print("  time        quantize {:.2f} s, compile {:.2f} s, device {:.2f} s, reference {:.2f} s, float {:.2f} s, total {:.2f} s\n",
             r.quantize_seconds, r.compile_seconds, r.device_seconds, r.reference_seconds, r.float_seconds, r.total_seconds);
}

}  // namespace

void add_accuracy_command(CLI::App& app) {
  auto o = std::make_shared<AccuracyCli>();
  auto* cmd = app.add_subcommand("accuracy", "Float and int8-on-accelerator accuracy of a model on a labelled data set");
  cmd->add_option("model", o->model, ".onnx file (or zoo model name)")->required();
  cmd->add_option("--data", o->data, ".npy samples [N, ...] in the model input's layout")->required();
  cmd->add_option("--labels", o->labels, ".npy integer labels [N]")->required();
  cmd->add_option("--calib", o->calib, ".npy calibration samples (default: the first --calib-samples data samples)");
  cmd->add_option("--calib-samples", o->opt.calib_samples, "data samples to calibrate on without --calib")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  add_target_options(cmd, o->opt.backend, o->opt.config);
  cmd->add_option("--batch", o->opt.batch, "samples per run of the compiled network (the model's symbolic batch)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  add_place_option(cmd, o->opt.place);
  add_calibration_options(cmd, o->opt.quant.calib);
  cmd->add_flag("--json", o->json, "print one JSON object instead of the summary");
  cmd->callback([o] {
    net::AccuracyOptions opt = o->opt;
    if (!o->json && isatty(fileno(stderr)))
      opt.progress = [](size_t done, size_t total) {
        fmt::print(stderr, "\r  {}/{} samples", done, total);
        if (done == total) fmt::print(stderr, "\r{:40}\r", "");
        std::fflush(stderr);
      };
    const ir::Tensor data = io::read_npy(o->data), labels = io::read_npy(o->labels);
    ir::Tensor calib;
    if (!o->calib.empty()) calib = io::read_npy(o->calib);
    const net::AccuracyReport r = net::evaluate_accuracy(o->model, data, labels, o->calib.empty() ? nullptr : &calib, opt);
    if (o->json) fmt::print("{}\n", report_json(r).dump());
    else print_report(r);
    if (!r.all_bit_exact()) throw CLI::RuntimeError(3);
  });
}

}  // namespace systole::cli
