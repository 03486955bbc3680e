// The progress bar of `shardsim check` (strategies and real clients alike), on stderr.
#ifndef SHARDSIM_CLI_PROGRESS_H_
#define SHARDSIM_CLI_PROGRESS_H_

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace shardsim::cli {

class Progress {
 public:
  Progress(bool enabled, std::string label, uint64_t total)
      : enabled_(enabled),
        label_(std::move(label)),
        total_(total),
        start_(std::chrono::steady_clock::now()) {}
  void Update(uint64_t done, uint64_t failures) {
    if (!enabled_) return;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
    const double left = rate > 0 ? static_cast<double>(total_ - std::min(done, total_)) / rate : 0;
    const int width = 24;
    const int filled = total_ ? static_cast<int>(width * std::min(done, total_) / total_) : width;
    std::fprintf(stderr, "\r%s [%s%s] %llu/%llu cases  %.0f/s  %llu failed  %.0fs left ",
                 label_.c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total_), rate,
                 static_cast<unsigned long long>(failures), left);
    std::fflush(stderr);
  }
  void Finish() {
    if (enabled_) std::fprintf(stderr, "\n");
  }

 private:
  bool enabled_;
  std::string label_;
  uint64_t total_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace shardsim::cli

#endif  // SHARDSIM_CLI_PROGRESS_H_
