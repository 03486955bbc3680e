#include "sim/frame_pool.h"

#include <array>
#include <new>

namespace shardsim::sim::frame_pool {

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kPooled = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kPooled = false;
#else
constexpr bool kPooled = true;
#endif
#else
constexpr bool kPooled = true;
#endif

constexpr std::size_t kGranule = 64;
constexpr std::size_t kClasses = 64;  // up to 64 * 64 = 4 KiB
// Free frames kept per class and thread; beyond that they go back to operator delete.
constexpr std::size_t kMaxFreePerClass = 256;

struct FreeFrame {
  FreeFrame* next;
};

struct Lists {
  std::array<FreeFrame*, kClasses> head{};
  std::array<std::size_t, kClasses> count{};
  ~Lists() {
    for (std::size_t c = 0; c < kClasses; ++c) {
      while (head[c] != nullptr) {
        FreeFrame* f = head[c];
        head[c] = f->next;
        ::operator delete(f);
      }
    }
  }
};

thread_local Lists lists;

// The class of `bytes`, or kClasses when it is too large to pool.
std::size_t ClassOf(std::size_t bytes) { return (bytes + kGranule - 1) / kGranule - 1; }

}  // namespace

void* Allocate(std::size_t bytes) {
  const std::size_t c = ClassOf(bytes);
  if (!kPooled || c >= kClasses) return ::operator new(bytes);
  if (FreeFrame* f = lists.head[c]; f != nullptr) {
    lists.head[c] = f->next;
    --lists.count[c];
    return f;
  }
  return ::operator new((c + 1) * kGranule);
}

void Free(void* frame, std::size_t bytes) noexcept {
  const std::size_t c = ClassOf(bytes);
  if (!kPooled || c >= kClasses || lists.count[c] >= kMaxFreePerClass) {
    ::operator delete(frame);
    return;
  }
  auto* f = static_cast<FreeFrame*>(frame);
  f->next = lists.head[c];
  lists.head[c] = f;
  ++lists.count[c];
}

}  // namespace shardsim::sim::frame_pool
