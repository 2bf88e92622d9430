// .npy reader and writer. The header is a Python dict literal; a small strict parser accepts
// what numpy writes (any key order, either quote style, Python 2 'L' suffixes, trailing
// commas) and rejects everything else with the reason.
#include "compiler/io/npy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "arch/error.hpp"

namespace systole::io {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
constexpr size_t kAlign = 64;           // numpy's ARRAY_ALIGN
constexpr size_t kGrowthDigits = 21;    // numpy's GROWTH_AXIS_MAX_DIGITS (in-place append room)

bool host_little_endian() {
  const uint16_t one = 1;
  unsigned char b;
  std::memcpy(&b, &one, 1);
  return b == 1;
}

void swap_elements(std::vector<uint8_t>& bytes, size_t size) {
  if (size < 2) return;
  for (size_t i = 0; i + size <= bytes.size(); i += size) std::reverse(bytes.begin() + long(i), bytes.begin() + long(i + size));
}

const char* descr_code(ir::DType t) {
  switch (t) {
    case ir::DType::f32: return "f4";
    case ir::DType::i8: return "i1";
    case ir::DType::u8: return "u1";
    case ir::DType::i32: return "i4";
    case ir::DType::i64: return "i8";
  }
  return "?";
}

// The numpy type behind a descr code, for "not supported" messages.
std::string numpy_name(const std::string& code) {
  static const std::pair<const char*, const char*> names[] = {
      {"f2", "float16"}, {"f8", "float64"}, {"f16", "longdouble"}, {"i2", "int16"}, {"u2", "uint16"},
      {"u4", "uint32"},  {"u8", "uint64"},  {"b1", "bool"},        {"c8", "complex64"}, {"c16", "complex128"},
      {"O", "object"},
  };
  for (const auto& [c, n] : names)
    if (code == c) return fmt::format(" ({})", n);
  return "";
}

struct Header {
  std::string descr;
  bool fortran = false;
  ir::Shape shape;
};

class HeaderParser {
 public:
  HeaderParser(const std::string& s, const std::string& what) : s_(s), what_(what) {}

  Header parse() {
    Header h;
    bool has_descr = false, has_fortran = false, has_shape = false;
    skip();
    expect('{');
    while (skip(), peek() != '}') {
      const std::string key = string_literal("a dictionary key");
      skip();
      expect(':');
      skip();
      if (key == "descr") {
        if (peek() == '[') fail("structured dtypes (a list 'descr') are not supported");
        h.descr = string_literal("the 'descr' value");
        has_descr = true;
      } else if (key == "fortran_order") {
        h.fortran = boolean();
        has_fortran = true;
      } else if (key == "shape") {
        h.shape = tuple();
        has_shape = true;
      } else {
        fail(fmt::format("unexpected key '{}' (expected 'descr', 'fortran_order', 'shape')", key));
      }
      skip();
      if (peek() == ',') ++i_;
      else if (peek() != '}') fail("expected ',' or '}' after a value");
    }
    ++i_;
    skip();
    if (i_ != s_.size()) fail("unexpected text after the closing '}'");
    if (!has_descr) fail("missing key 'descr'");
    if (!has_fortran) fail("missing key 'fortran_order'");
    if (!has_shape) fail("missing key 'shape'");
    return h;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw Error(fmt::format("{}: malformed .npy header: {}", what_, why));
  }
  char peek() const {
    if (i_ >= s_.size()) fail("the header dictionary is not closed");
    return s_[i_];
  }
  void skip() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  void expect(char c) {
    if (peek() != c) fail(fmt::format("expected '{}' at offset {}", c, i_));
    ++i_;
  }
  std::string string_literal(const char* what) {
    const char q = peek();
    if (q != '\'' && q != '"') fail(fmt::format("expected a quoted string for {}", what));
    const size_t end = s_.find(q, i_ + 1);
    if (end == std::string::npos) fail("unterminated string");
    std::string v = s_.substr(i_ + 1, end - i_ - 1);
    if (v.find('\\') != std::string::npos) fail("escape sequences in strings are not supported");
    i_ = end + 1;
    return v;
  }
  bool boolean() {
    for (const char* word : {"True", "False"}) {
      const size_t n = std::strlen(word);
      if (s_.compare(i_, n, word) == 0) {
        i_ += n;
        return word[0] == 'T';
      }
    }
    fail("'fortran_order' must be True or False");
  }
  ir::Shape tuple() {
    ir::Shape dims;
    if (peek() != '(') fail("'shape' must be a tuple, e.g. (1, 3, 224, 224)");
    ++i_;
    while (skip(), peek() != ')') {
      if (!std::isdigit(static_cast<unsigned char>(peek()))) fail("'shape' must hold non-negative integers");
      int64_t d = 0;
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
        if (d > (std::numeric_limits<int64_t>::max() - 9) / 10) fail("a 'shape' dimension is too large");
        d = d * 10 + (s_[i_++] - '0');
      }
      if (i_ < s_.size() && s_[i_] == 'L') ++i_;  // Python 2 long
      dims.push_back(d);
      skip();
      if (peek() == ',') ++i_;
      else if (peek() != ')') fail("expected ',' or ')' in 'shape'");
    }
    ++i_;
    return dims;
  }

  const std::string& s_;
  const std::string& what_;
  size_t i_ = 0;
};

uint32_t read_le(const std::string& b, size_t at, size_t n) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= uint32_t(static_cast<unsigned char>(b[at + i])) << (8 * i);
  return v;
}

ir::DType dtype_of_descr(const std::string& descr, const std::string& what, bool* swap) {
  if (descr.size() < 2) throw Error(fmt::format("{}: unsupported dtype '{}'", what, descr));
  const char order = descr[0];
  const std::string code = descr.substr(1);
  if (order != '<' && order != '>' && order != '|' && order != '=')
    throw Error(fmt::format("{}: dtype '{}' has no byte-order mark ('<', '>', '|' or '=')", what, descr));
  for (ir::DType t : {ir::DType::f32, ir::DType::i8, ir::DType::u8, ir::DType::i32, ir::DType::i64}) {
    if (code != descr_code(t)) continue;
    const bool multi = ir::dtype_size(t) > 1;
    if (multi && order == '|') throw Error(fmt::format("{}: dtype '{}' needs a byte order ('<' or '>')", what, descr));
    const bool little = order == '<' || (order == '=' && host_little_endian());
    *swap = multi && order != '|' && little != host_little_endian();
    return t;
  }
  throw Error(fmt::format("{}: dtype '{}'{} is not supported (float32 '<f4', int8 '|i1', uint8 '|u1', int32 '<i4', "
                          "int64 '<i8' are)",
                          what, descr, numpy_name(code)));
}

}  // namespace

ir::Tensor parse_npy(const std::string& b, const std::string& what) {
  if (b.size() < kMagicLen || b.compare(0, kMagicLen, kMagic, kMagicLen) != 0)
    throw Error(fmt::format("{}: not a .npy file (no \\x93NUMPY magic)", what));
  if (b.size() < kMagicLen + 2) throw Error(fmt::format("{}: truncated .npy file (no format version)", what));
  const int major = static_cast<unsigned char>(b[6]), minor = static_cast<unsigned char>(b[7]);
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    throw Error(fmt::format("{}: unsupported .npy format version {}.{} (1.0, 2.0, 3.0 are)", what, major, minor));
  const size_t len_size = major == 1 ? 2 : 4;
  const size_t prefix = kMagicLen + 2 + len_size;
  if (b.size() < prefix) throw Error(fmt::format("{}: truncated .npy file (no header length)", what));
  const size_t header_len = read_le(b, kMagicLen + 2, len_size);
  if (header_len > b.size() - prefix)
    throw Error(fmt::format("{}: truncated .npy file: header of {} bytes, only {} present", what, header_len,
                            b.size() - prefix));
  const std::string text = b.substr(prefix, header_len);
  const Header h = HeaderParser(text, what).parse();

  bool swap = false;
  const ir::DType t = dtype_of_descr(h.descr, what, &swap);
  const size_t esize = ir::dtype_size(t);
  if (h.fortran && h.shape.size() > 1)
    throw Error(fmt::format("{}: Fortran-order arrays are not supported (save np.ascontiguousarray(a))", what));
  // Size check in overflow-safe steps before any allocation. The IR's tensors stop at 4 GiB
  // (counting non-zero dims, as ir::Tensor does).
  const size_t avail = b.size() - prefix - header_len;
  const uint64_t limit = (uint64_t(1) << 32) / esize;
  uint64_t n = 1;
  for (int64_t d : h.shape) {
    if (d == 0) continue;
    if (n > limit / uint64_t(d))
      throw Error(fmt::format("{}: shape {} of {} is too large (tensors are limited to 4 GiB)", what,
                              ir::shape_str(h.shape), ir::dtype_name(t)));
    n *= uint64_t(d);
  }
  if (std::find(h.shape.begin(), h.shape.end(), 0) != h.shape.end()) n = 0;
  const uint64_t need = n * esize;
  if (need != avail)
    throw Error(fmt::format("{}: {} .npy file: shape {} of {} needs {} data bytes, found {}", what,
                            need > avail ? "truncated" : "corrupt", ir::shape_str(h.shape), ir::dtype_name(t), need,
                            avail));
  ir::Tensor out(t, h.shape);
  if (need) std::memcpy(out.bytes.data(), b.data() + prefix + header_len, need);
  if (swap) swap_elements(out.bytes, esize);
  return out;
}

std::string format_npy(const ir::Tensor& t) {
  if (t.bytes.size() != size_t(t.numel()) * ir::dtype_size(t.dtype))
    throw Error(fmt::format("cannot write .npy: tensor holds {} bytes for {} {}", t.bytes.size(), ir::dtype_name(t.dtype),
                            ir::shape_str(t.shape)));
  const char order = ir::dtype_size(t.dtype) == 1 ? '|' : '<';
  std::string shape = "(";
  for (size_t i = 0; i < t.shape.size(); ++i) shape += fmt::format("{}{}", i ? ", " : "", t.shape[i]);
  shape += t.shape.size() == 1 ? ",)" : ")";
  std::string dict = fmt::format("{{'descr': '{}{}', 'fortran_order': False, 'shape': {}, }}", order,
                                 descr_code(t.dtype), shape);
  if (!t.shape.empty()) dict += std::string(kGrowthDigits - std::to_string(t.shape[0]).size(), ' ');
  // Version 1.0 unless the padded header does not fit its 16-bit length, then 2.0.
  int major = 1;
  size_t len_size = 2;
  const size_t text = dict.size() + 1;  // + '\n'
  size_t pad = kAlign - (kMagicLen + 2 + len_size + text) % kAlign;
  if (text + pad > 0xffff) {
    major = 2;
    len_size = 4;
    pad = kAlign - (kMagicLen + 2 + len_size + text) % kAlign;
  }
  const size_t hlen = text + pad;
  std::string out(kMagic, kMagicLen);
  out += char(major);
  out += char(0);
  for (size_t i = 0; i < len_size; ++i) out += char((hlen >> (8 * i)) & 0xff);
  out += dict;
  out += std::string(pad, ' ');
  out += '\n';
  if (host_little_endian() || ir::dtype_size(t.dtype) == 1) {
    out.append(reinterpret_cast<const char*>(t.bytes.data()), t.bytes.size());
  } else {
    std::vector<uint8_t> le = t.bytes;
    swap_elements(le, ir::dtype_size(t.dtype));
    out.append(reinterpret_cast<const char*>(le.data()), le.size());
  }
  return out;
}

ir::Tensor read_npy(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(fmt::format("cannot open '{}': {}", path, std::strerror(errno)));
  std::stringstream ss;
  ss << f.rdbuf();
  if (f.bad()) throw Error(fmt::format("cannot read '{}'", path));
  return parse_npy(ss.str(), path);
}

void write_npy(const std::string& path, const ir::Tensor& t) {
  const std::string bytes = format_npy(t);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw Error(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
  f.write(bytes.data(), std::streamsize(bytes.size()));
  f.close();
  if (!f) throw Error(fmt::format("cannot write '{}': write failed", path));
}

}  // namespace systole::io
