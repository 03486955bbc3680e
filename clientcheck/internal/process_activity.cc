#include "clientcheck/internal/process_activity.h"

#include <dirent.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shardsim::clientcheck::internal {

namespace {

// The whole of a small /proc file; nullopt when it cannot be read (the task is gone).
std::optional<std::string> ReadProcFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "re");
  if (f == nullptr) return std::nullopt;
  std::string out;
  char buffer[512];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) out.append(buffer, n);
  std::fclose(f);
  return out;
}

// The numbers in `text`, separated by spaces or newlines.
std::vector<uint64_t> Numbers(std::string_view text) {
  std::vector<uint64_t> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n')) ++i;
    uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), value);
    if (ec != std::errc() || end == text.data() + i) break;
    out.push_back(value);
    i = static_cast<size_t>(end - text.data());
  }
  return out;
}

// The ids in a /proc directory (a process's tasks), ascending; nullopt when it is gone.
std::optional<std::vector<int>> Ids(const std::string& directory) {
  DIR* d = ::opendir(directory.c_str());
  if (d == nullptr) return std::nullopt;
  std::vector<int> out;
  while (const dirent* entry = ::readdir(d)) {
    int id = 0;
    const std::string_view name(entry->d_name);
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), id);
    if (ec == std::errc() && end == name.data() + name.size()) out.push_back(id);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

// Adds one thread to `out` and its child processes to `children`; false when it is gone.
bool LookAtThread(const std::string& task_dir, int tid, server::ClientActivity& out,
                  std::vector<uint64_t>& children) {
  const std::string dir = task_dir + "/" + std::to_string(tid);
  const std::optional<std::string> stat = ReadProcFile(dir + "/stat");
  const std::optional<std::string> schedstat = ReadProcFile(dir + "/schedstat");
  const std::optional<std::string> child_list = ReadProcFile(dir + "/children");
  if (!stat || !schedstat || !child_list) return false;
  // "tid (comm) S ...": the state follows the last ')' (comm may hold anything).
  const size_t close = stat->rfind(')');
  if (close == std::string::npos || close + 2 >= stat->size()) return false;
  const char state = (*stat)[close + 2];
  if (state == 'Z' || state == 'X') return true;  // exited, not yet reaped
  if (state == 'R' || state == 'D') out.busy = true;
  // "cpu_ns wait_ns timeslices"
  const std::vector<uint64_t> sched = Numbers(*schedstat);
  if (sched.size() < 3) return false;
  out.cpu_ns += sched[0];
  out.runs += sched[2];
  out.tasks.push_back(tid);
  for (uint64_t child : Numbers(*child_list)) children.push_back(child);
  return true;
}

}  // namespace

server::ClientActivity LookAtProcessTree(pid_t root) {
  server::ClientActivity out;
  out.busy = false;
  if (root <= 0) {
    out.busy = true;
    return out;
  }
  std::vector<uint64_t> pending{static_cast<uint64_t>(root)};
  int processes = 0;
  while (!pending.empty()) {
    if (++processes > kMaxProcesses) {
      out.busy = true;
      break;
    }
    const std::string task_dir = "/proc/" + std::to_string(pending.back()) + "/task";
    pending.pop_back();
    const std::optional<std::vector<int>> tids = Ids(task_dir);
    if (!tids.has_value()) {
      out.busy = true;  // gone while we looked
      continue;
    }
    for (int tid : *tids) {
      if (!LookAtThread(task_dir, tid, out, pending)) out.busy = true;
    }
  }
  std::sort(out.tasks.begin(), out.tasks.end());
  return out;
}

}  // namespace shardsim::clientcheck::internal
