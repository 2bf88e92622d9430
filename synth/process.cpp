// fork/exec with the child's output redirected to a log file (see process.hpp).
#include "synth/process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "arch/error.hpp"

namespace systole::synth {

std::string find_tool(const std::string& tool) {
  if (tool.find('/') != std::string::npos) return access(tool.c_str(), X_OK) == 0 ? tool : "";
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string p = (dir.empty() ? "." : dir) + "/" + tool;
    if (access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

std::string require_tool(const std::string& tool, const std::string& package) {
  std::string p = find_tool(tool);
  if (p.empty())
    throw Error(fmt::format("{} not found on PATH: install the Debian package '{}' (scripts/setup.sh installs it)", tool,
                            package));
  return p;
}

int run_logged(const std::vector<std::string>& argv, const std::string& log_path) {
  const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) throw Error(fmt::format("cannot open log file {}: {}", log_path, std::strerror(errno)));
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    close(fd);
    throw Error(fmt::format("cannot start {}: {}", argv.at(0), std::strerror(errno)));
  }
  if (pid == 0) {
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
    const int in = open("/dev/null", O_RDONLY);
    if (in >= 0) dup2(in, 0);
    execvp(args[0], args.data());
    dprintf(2, "cannot execute %s: %s\n", args[0], std::strerror(errno));
    _exit(127);
  }
  close(fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw Error(fmt::format("waiting for {}: {}", argv.at(0), std::strerror(errno)));
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

std::string first_error_line(const std::string& log_path) {
  std::ifstream in(log_path);
  std::string line, last;
  while (std::getline(in, line)) {
    if (line.rfind("ERROR", 0) == 0 || line.find(": ERROR:") != std::string::npos) return line;
    if (!line.empty()) last = line;
  }
  return last;
}

}  // namespace systole::synth
