// The trained digits CNN (models/digits) through `systole accuracy`'s library path on the
// hls backend, default design point: float accuracy exactly as trained (357/360), int8 on the
// accelerator >= 97 % with every one of the 360 samples bit-exact against the integer
// reference, and the batch size not changing a single int8 prediction.
#include <gtest/gtest.h>

#include <string>

#include "arch/error.hpp"
#include "compiler/io/npy.hpp"
#include "compiler/net/accuracy.hpp"

namespace systole::test {
namespace {

const std::string kDir = std::string(SYSTOLE_SOURCE_DIR) + "/models/digits/";

struct Digits {
  ir::Tensor x = io::read_npy(kDir + "test_x.npy"), y = io::read_npy(kDir + "test_y.npy"), calib = io::read_npy(kDir + "calib_x.npy");
};

TEST(DigitsAccuracy, FloatAndInt8OnHlsDefault) {
  const Digits d;
  net::AccuracyOptions opt;  // hls, default, convolutions on the accelerator
  const net::AccuracyReport r = net::evaluate_accuracy(kDir + "digits_cnn.onnx", d.x, d.y, &d.calib, opt);
  EXPECT_EQ(r.samples, 360);
  EXPECT_EQ(r.classes, 10);
  EXPECT_EQ(r.float_correct, 357);
  EXPECT_GE(r.int8_accuracy(), 0.97) << r.int8_correct << "/360";
  EXPECT_EQ(r.bit_exact_samples, 360) << r.first_mismatch;
  EXPECT_EQ(r.accel_ops, 4u);  // conv1..3 and the FC layer; MaxPool and Flatten on the CPU
  EXPECT_GT(r.accel_cycles, 0u);
  EXPECT_GE(r.runs, 2);        // compiled once, run batch after batch
  EXPECT_GE(r.agreement(), 0.97);
  std::printf("digits: float %d/360, int8 on hls/default %d/360 (%.2f %%), top-1 agreement %d/360, bit-exact %d/360\n",
              r.float_correct, r.int8_correct, 100 * r.int8_accuracy(), r.top1_agree, r.bit_exact_samples);
}

TEST(DigitsAccuracy, BatchSizeDoesNotChangePredictions) {
  const Digits d;
  net::AccuracyOptions a, b;
  a.batch = 360;
  b.batch = 7;  // 52 runs, the last padded
  b.config = "tiny";
  const net::AccuracyReport ra = net::evaluate_accuracy(kDir + "digits_cnn.onnx", d.x, d.y, &d.calib, a);
  const net::AccuracyReport rb = net::evaluate_accuracy(kDir + "digits_cnn.onnx", d.x, d.y, &d.calib, b);
  EXPECT_EQ(ra.runs, 1);
  EXPECT_EQ(rb.runs, 52);
  EXPECT_EQ(ra.int8_pred, rb.int8_pred);
  EXPECT_EQ(ra.float_pred, rb.float_pred);
  EXPECT_TRUE(ra.all_bit_exact()) << ra.first_mismatch;
  EXPECT_TRUE(rb.all_bit_exact()) << rb.first_mismatch;
}

TEST(DigitsAccuracy, ErrorsNameTheProblem) {
  const Digits d;
  try {
    net::evaluate_accuracy(kDir + "digits_cnn.onnx", d.x, d.calib, nullptr);  // 64 labels for 360 samples
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("360 integer class indices"), std::string::npos) << e.what();
  }
  try {
    net::evaluate_accuracy(kDir + "digits_cnn.onnx", d.y, d.y, nullptr);  // labels as data
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("the data is int64 [360]"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace systole::test
