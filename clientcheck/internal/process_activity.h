// A look at what a real client's processes are doing, from Linux's /proc: every thread of the
// process tree under a root process (its children found through each thread's `children`
// file), whether any is runnable or in uninterruptible sleep, the CPU time they have used and
// how many times they were given a CPU (each thread's `schedstat`). ScenarioPlayback answers
// ServiceHooks::ClientActivityNow with it, so an open subscription moves virtual time only
// while the client waits for it (server/service.h, "Subscriptions and the clock"). A process
// or thread that vanishes while it is read, or a tree of more than kMaxProcesses processes,
// reads as busy: the look is then retried. Internal to clientcheck.
#ifndef SHARDSIM_CLIENTCHECK_INTERNAL_PROCESS_ACTIVITY_H_
#define SHARDSIM_CLIENTCHECK_INTERNAL_PROCESS_ACTIVITY_H_

#include <sys/types.h>

#include "server/service.h"

namespace shardsim::clientcheck::internal {

inline constexpr int kMaxProcesses = 256;

// The activity of `root` and its descendants now; busy when `root` is not a running process.
server::ClientActivity LookAtProcessTree(pid_t root);

}  // namespace shardsim::clientcheck::internal

#endif  // SHARDSIM_CLIENTCHECK_INTERNAL_PROCESS_ACTIVITY_H_
