// Coroutine frame memory: every Task's frame is allocated here.
//
// A property run starts a coroutine for almost every call a consumer makes (the client's call,
// the loop's helpers), and malloc/free of those frames was a tenth of a run's instructions.
// Freed frames are kept per thread in free lists by size class (multiples of 64 bytes up to
// 4 KiB; larger frames go to operator new) and reused; a thread's lists are released when it
// exits. Memory only: it changes no order and no output. Under AddressSanitizer every frame
// goes straight to operator new, so use-after-free of a frame is still caught.
#ifndef SHARDSIM_SIM_FRAME_POOL_H_
#define SHARDSIM_SIM_FRAME_POOL_H_

#include <cstddef>

namespace shardsim::sim::frame_pool {

void* Allocate(std::size_t bytes);
// REQUIRES: `bytes` is the size `frame` was allocated with.
void Free(void* frame, std::size_t bytes) noexcept;

}  // namespace shardsim::sim::frame_pool

#endif  // SHARDSIM_SIM_FRAME_POOL_H_
