// Data-set accuracy of a model through the network pipeline (`systole accuracy`): top-1
// accuracy of the float model (the IR executor) and of the compiled int8 network on a driver
// backend, on labelled samples (.npy data + labels). The model is compiled ONCE for a batch of
// `batch` samples (its symbolic batch dimension bound to it; models with a fixed batch use
// theirs), and the runtime runs it over the data batch after batch, the last one padded by
// repeating its last sample. Every sample's device output is checked bit for bit against the
// integer reference of the same quantized graph, and the float and int8 predictions are
// compared (top-1 agreement). Float models are calibrated on the calibration samples (or, when
// none are given, on the first `calib_samples` evaluation samples), cycled into batches.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "compiler/ir/tensor.hpp"
#include "compiler/net/placement.hpp"
#include "compiler/quant/quantize.hpp"

namespace systole::net {

struct AccuracyOptions {
  std::string backend = "hls";
  std::string config = "default";          // preset (tiny, default, large) or TOML file
  PlacePolicy place = PlacePolicy::Accel;  // every convolution that fits runs on the accelerator
  int batch = 60;                          // samples per run of the compiled network
  int calib_samples = 64;                  // without calibration data: the first N data samples
  quant::QuantizeOptions quant;
  std::function<void(size_t done, size_t total)> progress;  // samples done after each batch
};

struct AccuracyReport {
  std::string model, config, backend;
  bool prequantized = false;
  int samples = 0, classes = 0, batch = 0, runs = 0;
  int calib_samples = 0;
  bool calib_from_data = false;  // calibrated on evaluation samples (no calibration set given)
  int float_correct = 0, int8_correct = 0, top1_agree = 0;
  int bit_exact_samples = 0;     // samples whose device outputs equal the integer reference
  std::string first_mismatch;    // "" when every sample is bit-exact
  std::vector<int64_t> labels, float_pred, int8_pred;
  size_t accel_ops = 0, cpu_ops = 0;
  uint64_t accel_cycles = 0, accel_macs = 0;  // over all runs (padding included)
  double utilization = 0;
  double load_seconds = 0, quantize_seconds = 0, compile_seconds = 0, device_seconds = 0, reference_seconds = 0,
         float_seconds = 0, total_seconds = 0;

  double float_accuracy() const { return samples ? double(float_correct) / samples : 0; }
  double int8_accuracy() const { return samples ? double(int8_correct) / samples : 0; }
  double agreement() const { return samples ? double(top1_agree) / samples : 0; }
  bool all_bit_exact() const { return bit_exact_samples == samples; }
};

// `model`: an .onnx file or a zoo name. `data`: [N, ...] in the model input's layout (float32
// for float inputs); `labels`: N integer class indices; `calib`: [M, ...] like data, or
// nullptr. Throws systole::Error naming the file or tensor and what is wrong.
AccuracyReport evaluate_accuracy(const std::string& model, const ir::Tensor& data, const ir::Tensor& labels,
                                 const ir::Tensor* calib, const AccuracyOptions& opt = {});

}  // namespace systole::net
