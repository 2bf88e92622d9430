// `systole config [NAME|FILE]`: validate a design point and print it with derived sizes.
#include <fmt/format.h>

#include "arch/config.hpp"
#include "cli/commands.hpp"

namespace systole::cli {

void add_config_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("config", "Validate a design point (preset name or TOML file) and print it");
  auto name = std::make_shared<std::string>("default");
  cmd->add_option("config", *name, "preset (tiny, default, large) or path to a TOML file");
  cmd->callback([name] {
    const Config c = load_config(*name);
    fmt::print("{}", c.to_toml());
    fmt::print("\n# derived: {} scratchpad rows of {} B, {} accumulator rows of {} B, peak {} MAC/cycle\n", c.spad_rows(),
               c.spad_row_bytes(), c.acc_rows(), c.acc_row_bytes(), c.dim * c.dim);
  });
}

}  // namespace systole::cli
