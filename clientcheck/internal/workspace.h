// The temporary workspace of one case of a real client: a file for the client's output and an
// empty directory for its own durable state (its checkpoints, kept across its crashes and
// reruns); both are removed with the workspace. Internal to clientcheck.
#ifndef SHARDSIM_CLIENTCHECK_INTERNAL_WORKSPACE_H_
#define SHARDSIM_CLIENTCHECK_INTERNAL_WORKSPACE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace shardsim::clientcheck::internal {

class Workspace {
 public:
  // Unavailable when a file or directory cannot be made under /tmp.
  static absl::StatusOr<std::unique_ptr<Workspace>> Create();
  ~Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  const std::string& output_path() const { return output_path_; }
  const std::string& state_dir() const { return state_dir_; }
  // The last lines of the client's output, each cut to a readable length and to printable
  // ASCII (a client's output may be anything; a report must stay text).
  std::string OutputTail() const;

 private:
  Workspace() = default;
  std::string output_path_;
  std::string state_dir_;
};

}  // namespace shardsim::clientcheck::internal

#endif  // SHARDSIM_CLIENTCHECK_INTERNAL_WORKSPACE_H_
