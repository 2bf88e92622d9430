// .npy I/O: round trips of every dtype and rank, byte-exact numpy headers, the header variants
// numpy and other writers produce (versions 2.0/3.0, big-endian, Python 2 'L', quote styles),
// and malformed files: each a systole::Error naming the file and the fault, none a crash
// (every truncation and a few thousand random corruptions).
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "arch/error.hpp"
#include "compiler/io/npy.hpp"

namespace systole::io {
namespace {

using ir::DType;
using ir::Tensor;

// A .npy file with a hand-written header (version 1.0 unless told), for reader tests.
std::string npy(const std::string& dict, const std::string& data, int major = 1) {
  std::string h = dict + "\n";
  std::string out = std::string("\x93NUMPY", 6) + char(major) + char(0);
  const size_t len = h.size();
  out += char(len & 0xff);
  out += char((len >> 8) & 0xff);
  if (major > 1) out += std::string(2, '\0');
  return out + h + data;
}

std::string floats(std::vector<float> v) { return std::string(reinterpret_cast<const char*>(v.data()), v.size() * 4); }

void expect_error(const std::string& bytes, const std::string& fragment) {
  try {
    parse_npy(bytes, "bad.npy");
    ADD_FAILURE() << "no error, expected: " << fragment;
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("bad.npy"), std::string::npos) << msg;
    EXPECT_NE(msg.find(fragment), std::string::npos) << msg;
  }
}

TEST(Npy, RoundTripsEveryDtypeAndRank) {
  std::mt19937 rng(1);
  for (DType t : {DType::f32, DType::i8, DType::u8, DType::i32, DType::i64})
    for (const ir::Shape& s : std::vector<ir::Shape>{{}, {0}, {7}, {2, 3}, {1, 3, 5, 4}, {2, 0, 3}, {1, 1, 1, 1, 1, 2}}) {
      Tensor x(t, s);
      for (uint8_t& b : x.bytes) b = uint8_t(rng());
      const std::string bytes = format_npy(x);
      EXPECT_EQ(bytes.find('\n') + 1, (bytes.find('\n') + 1 + 63) / 64 * 64) << "data not 64-byte aligned";
      EXPECT_EQ(parse_npy(bytes), x) << ir::dtype_name(t) << ir::shape_str(s);
    }
  const std::string path = ::testing::TempDir() + "/systole_npy_test.npy";
  const Tensor w = Tensor::from<float>({2, 2}, {1.5f, -2.f, 3.25f, 1e-30f});
  write_npy(path, w);
  EXPECT_EQ(read_npy(path), w);
}

TEST(Npy, HeaderIsByteIdenticalToNumpySave) {
  // np.save(f, np.arange(6, dtype=np.float32).reshape(2, 3)): 128-byte header, length 118 ('v').
  const Tensor t = Tensor::from<float>({2, 3}, {0, 1, 2, 3, 4, 5});
  const std::string b = format_npy(t);
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  ASSERT_EQ(b.size(), 128u + 24u);
  EXPECT_EQ(b.substr(0, 10), std::string("\x93NUMPY\x01\x00v\x00", 10));
  EXPECT_EQ(b.substr(10, dict.size()), dict);
  EXPECT_EQ(b.substr(10 + dict.size(), 127 - 10 - dict.size()), std::string(127 - 10 - dict.size(), ' '));
  EXPECT_EQ(b[127], '\n');
  EXPECT_EQ(b.substr(128), floats({0, 1, 2, 3, 4, 5}));
  // 1-D and 0-D tuples, one-byte types without byte order.
  EXPECT_NE(format_npy(Tensor::from<int8_t>({3}, {1, 2, 3})).find("{'descr': '|i1', 'fortran_order': False, 'shape': (3,), }"),
            std::string::npos);
  EXPECT_NE(format_npy(Tensor::scalar<int64_t>(5)).find("{'descr': '<i8', 'fortran_order': False, 'shape': (), }"),
            std::string::npos);
  EXPECT_NE(format_npy(Tensor::from<uint8_t>({1}, {9})).find("'|u1'"), std::string::npos);
  EXPECT_NE(format_npy(Tensor::from<int32_t>({1}, {9})).find("'<i4'"), std::string::npos);
}

TEST(Npy, ReadsHeaderVariants) {
  const Tensor want = Tensor::from<float>({2}, {1.f, 2.f});
  EXPECT_EQ(parse_npy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", floats({1, 2}), 2)), want);
  EXPECT_EQ(parse_npy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", floats({1, 2}), 3)), want);
  EXPECT_EQ(parse_npy(npy("{\"shape\":(2L,),\"descr\":\"<f4\",\"fortran_order\":False}", floats({1, 2}))), want);
  EXPECT_EQ(parse_npy(npy("{'descr': '=f4', 'fortran_order': False, 'shape': (2,)}", floats({1, 2}))), want);
  // Fortran order is harmless for rank <= 1.
  EXPECT_EQ(parse_npy(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", floats({1, 2}))), want);
  // Big-endian data is converted to host order.
  EXPECT_EQ(parse_npy(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", std::string("\x3f\x80\x00\x00", 4))),
            Tensor::from<float>({1}, {1.f}));
  EXPECT_EQ(parse_npy(npy("{'descr': '>i8', 'fortran_order': False, 'shape': (), }", std::string("\0\0\0\0\0\0\x01\x02", 8))),
            Tensor::scalar<int64_t>(258));
  EXPECT_EQ(parse_npy(npy("{'descr': '<i1', 'fortran_order': False, 'shape': (2,), }", "\xff\x01")),
            Tensor::from<int8_t>({2}, {-1, 1}));
}

TEST(Npy, MalformedFilesNameTheFault) {
  const std::string ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  const std::string data = floats({0, 1, 2, 3, 4, 5});
  expect_error("", "not a .npy file");
  expect_error("PK\x03\x04 this is a zip", "not a .npy file");
  expect_error(std::string("\x93NUMPY", 6), "no format version");
  expect_error(std::string("\x93NUMPY\x01\x00", 8), "no header length");
  expect_error(std::string("\x93NUMPY\x04\x00", 8) + "xx", "unsupported .npy format version 4.0");
  expect_error(std::string("\x93NUMPY\x01\x01", 8) + "xx", "version 1.1");
  expect_error(std::string("\x93NUMPY\x01\x00\xff\x00{", 11), "header of 255 bytes, only 1 present");
  expect_error(npy("[1, 2]", ""), "expected '{'");
  expect_error(npy("{'descr': '<f4', 'fortran_order': False}", ""), "missing key 'shape'");
  expect_error(npy("{'shape': (2,), 'fortran_order': False}", ""), "missing key 'descr'");
  expect_error(npy("{'descr': '<f4', 'shape': (2,)}", ""), "missing key 'fortran_order'");
  expect_error(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", ""), "unexpected key 'extra'");
  expect_error(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", ""), "not closed");
  expect_error(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} junk", ""), "after the closing");
  expect_error(npy("{'descr: '<f4'}", ""), "expected ':'");
  expect_error(npy("{'descr': '<f4, 'fortran_order': False, 'shape': (2,)}", ""), "");
  expect_error(npy("{'descr': <f4, 'fortran_order': False, 'shape': (2,)}", ""), "quoted string");
  expect_error(npy("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}", ""), "True or False");
  expect_error(npy("{'descr': '<f4', 'fortran_order': False, 'shape': [2]}", ""), "must be a tuple");
  expect_error(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 3)}", ""), "non-negative integers");
  expect_error(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2 3)}", ""), "expected ',' or ')'");
  expect_error(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", ""), "too large");
  expect_error(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}", ""), "'<f8' (float64) is not supported");
  expect_error(npy("{'descr': '|b1', 'fortran_order': False, 'shape': (2,)}", ""), "(bool)");
  expect_error(npy("{'descr': '|O', 'fortran_order': False, 'shape': (2,)}", ""), "(object)");
  expect_error(npy("{'descr': 'f4', 'fortran_order': False, 'shape': (2,)}", ""), "no byte-order mark");
  expect_error(npy("{'descr': '|f4', 'fortran_order': False, 'shape': (2,)}", ""), "needs a byte order");
  expect_error(npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}", ""), "structured");
  expect_error(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", data), "Fortran-order");
  expect_error(npy(ok, data.substr(0, 20)), "truncated .npy file: shape [2,3] of float32 needs 24 data bytes, found 20");
  expect_error(npy(ok, data + "abcd"), "corrupt .npy file: shape [2,3] of float32 needs 24 data bytes, found 28");
  expect_error(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1099511627776)}", data),
               "shape [1099511627776,1099511627776] of float32 is too large");
  expect_error(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4, 0)}", ""), "too large");
  expect_error(npy("{'descr': '|i1', 'fortran_order': False, 'shape': (4294967297,)}", ""), "too large");
  EXPECT_EQ(parse_npy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 0)}", "")).numel(), 0);
}

TEST(Npy, FileErrorsNameThePath) {
  try {
    read_npy("/nonexistent/dir/x.npy");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot open '/nonexistent/dir/x.npy'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(write_npy("/nonexistent/dir/x.npy", Tensor::scalar(1.f)), Error);
  const std::string path = ::testing::TempDir() + "/systole_npy_bad.npy";
  std::ofstream(path, std::ios::binary) << "not numpy";
  try {
    read_npy(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": not a .npy file (no \\x93NUMPY magic)");
  }
  Tensor broken(DType::f32, {4});
  broken.bytes.resize(3);
  EXPECT_THROW(format_npy(broken), Error);
}

TEST(Npy, TruncationsAndCorruptionsNeverCrash) {
  const std::string good = format_npy(Tensor::from<int32_t>({2, 3}, {1, 2, 3, 4, 5, 6}));
  int errors = 0, parsed = 0;
  auto attempt = [&](const std::string& b) {
    try {
      const Tensor t = parse_npy(b, "fuzz.npy");
      EXPECT_EQ(t.bytes.size(), size_t(t.numel()) * ir::dtype_size(t.dtype));
      ++parsed;
    } catch (const Error&) {
      ++errors;
    }
  };
  for (size_t n = 0; n < good.size(); ++n) attempt(good.substr(0, n));
  EXPECT_EQ(errors, int(good.size()));  // every proper prefix is rejected
  std::mt19937 rng(7);
  for (int i = 0; i < 4000; ++i) {
    std::string b = good;
    const int flips = 1 + int(rng() % 4);
    for (int k = 0; k < flips; ++k) {
      const size_t at = rng() % (i % 2 ? 20 : b.size());  // half of them hit magic/version/length
      b[at] = char(rng());
    }
    attempt(b);
  }
  EXPECT_GT(parsed, 0);
}

}  // namespace
}  // namespace systole::io
