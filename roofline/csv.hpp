// RFC 4180 CSV fields: quoting for the writers (roofline report, dse points) and splitting
// of one line for the readers (dse merge, tests).
#pragma once
#include <string>
#include <vector>

namespace systole::roofline {

// The field as written: quoted (with "" for ") when it holds a comma, quote or newline; a
// newline inside a quoted field becomes a space so that every record stays one line.
inline std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c == '\n' ? ' ' : c);
  return q + "\"";
}

// The fields of one CSV line (quoted fields unquoted).
inline std::vector<std::string> csv_split(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') cur += '"', ++i;
      else if (c == '"') quoted = false;
      else cur += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(cur), cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

}  // namespace systole::roofline
