// A small well-formedness checker for the SVG and HTML the roofline reports write (no XML
// library in the kit): balanced tags, quoted attributes, known entities; HTML void elements
// (meta, br, ...) may stay unclosed. Returns "" when well formed, else what is wrong.
#pragma once
#include <cctype>
#include <set>
#include <string>
#include <vector>

namespace systole::roofline::testing {

inline std::string check_markup(const std::string& s, bool html) {
  static const std::set<std::string> kVoid = {"meta", "br", "hr", "img", "input", "link", "col", "wbr"};
  std::vector<std::string> stack;
  size_t i = 0;
  auto fail = [&](const std::string& why) { return why + " at byte " + std::to_string(i); };
  while (i < s.size()) {
    if (s[i] == '&') {
      const size_t e = s.find(';', i);
      if (e == std::string::npos || e - i > 10) return fail("bare &");
      const std::string ent = s.substr(i + 1, e - i - 1);
      static const std::set<std::string> kXml = {"amp", "lt", "gt", "quot", "apos"};
      if (!kXml.count(ent) && !(html && std::isalpha(static_cast<unsigned char>(ent[0]))) && ent[0] != '#') return fail("unknown entity " + ent);
      i = e + 1;
      continue;
    }
    if (s[i] != '<') {
      ++i;
      continue;
    }
    if (s.compare(i, 4, "<!--") == 0) {
      const size_t e = s.find("-->", i);
      if (e == std::string::npos) return fail("unterminated comment");
      i = e + 3;
      continue;
    }
    if (s.compare(i, 2, "<!") == 0 || s.compare(i, 2, "<?") == 0) {
      const size_t e = s.find('>', i);
      if (e == std::string::npos) return fail("unterminated declaration");
      i = e + 1;
      continue;
    }
    const bool closing = s[i + 1] == '/';
    size_t j = i + (closing ? 2 : 1);
    const size_t name_start = j;
    while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '-' || s[j] == ':')) ++j;
    const std::string name = s.substr(name_start, j - name_start);
    if (name.empty()) return fail("empty tag name");
    bool self_closing = false;
    // Attributes: name="value" or name='value'.
    for (;;) {
      while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
      if (j >= s.size()) return fail("unterminated tag <" + name);
      if (s[j] == '>') break;
      if (s[j] == '/' && j + 1 < s.size() && s[j + 1] == '>') {
        self_closing = true;
        ++j;
        break;
      }
      if (closing) return fail("attribute in closing tag " + name);
      const size_t a = j;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '-' || s[j] == ':' || s[j] == '_')) ++j;
      if (j == a) return fail("bad attribute in <" + name);
      if (s[j] != '=') {
        if (html) continue;  // boolean attribute
        return fail("attribute without value in <" + name);
      }
      ++j;
      const char q = s[j];
      if (q != '"' && q != '\'') return fail("unquoted attribute in <" + name);
      const size_t e = s.find(q, j + 1);
      if (e == std::string::npos) return fail("unterminated attribute in <" + name);
      if (s.substr(j + 1, e - j - 1).find('<') != std::string::npos) return fail("< inside an attribute of <" + name);
      j = e + 1;
    }
    i = j + 1;
    if (closing) {
      if (stack.empty() || stack.back() != name) return fail("</" + name + "> does not close " + (stack.empty() ? "anything" : "<" + stack.back() + ">"));
      stack.pop_back();
    } else if (!self_closing && !(html && kVoid.count(name))) {
      stack.push_back(name);
      if (name == "style" || name == "script") {  // raw text
        const size_t e = s.find("</" + name, i);
        if (e == std::string::npos) return fail("unterminated <" + name + ">");
        i = e;
      }
    }
  }
  if (!stack.empty()) return "unclosed <" + stack.back() + ">";
  return "";
}

}  // namespace systole::roofline::testing
