// The one exception type of the kit: every user-facing failure (bad config, bad program,
// bad model, device fault) is a systole::Error whose message names what is wrong.
#pragma once
#include <stdexcept>
#include <string>

namespace systole {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace systole
