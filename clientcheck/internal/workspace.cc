#include "clientcheck/internal/workspace.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"

namespace shardsim::clientcheck::internal {

namespace {

constexpr size_t kTailLines = 12;
constexpr size_t kTailLineChars = 300;

}  // namespace

absl::StatusOr<std::unique_ptr<Workspace>> Workspace::Create() {
  auto workspace = std::unique_ptr<Workspace>(new Workspace);
  char output[] = "/tmp/shardsim-client-XXXXXX";
  const int fd = ::mkstemp(output);
  if (fd < 0) return absl::UnavailableError("cannot create a file for the client's output");
  ::close(fd);
  workspace->output_path_ = output;
  char state[] = "/tmp/shardsim-state-XXXXXX";
  if (::mkdtemp(state) == nullptr)
    return absl::UnavailableError("cannot create the client's state directory");
  workspace->state_dir_ = state;
  return workspace;
}

Workspace::~Workspace() {
  if (!output_path_.empty()) std::remove(output_path_.c_str());
  std::error_code ignored;
  if (!state_dir_.empty()) std::filesystem::remove_all(state_dir_, ignored);
}

std::string Workspace::OutputTail() const {
  std::ifstream in(output_path_, std::ios::binary);
  std::deque<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    for (char& c : line) {
      const unsigned char u = static_cast<unsigned char>(c);
      if ((u < ' ' && c != '\t') || u >= 0x7f) c = '?';
    }
    if (line.size() > kTailLineChars) line = line.substr(0, kTailLineChars) + "...";
    lines.push_back(line);
    if (lines.size() > kTailLines) lines.pop_front();
  }
  std::string out;
  for (const std::string& l : lines) absl::StrAppend(&out, l, "\n");
  return out;
}

}  // namespace shardsim::clientcheck::internal
