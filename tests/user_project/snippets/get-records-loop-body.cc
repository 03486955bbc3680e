// The context of a snippet marked `<!-- snippet: get-records-loop-body -->` in README.md or
// docs/*.md: statements inside a strategy's GetRecords loop, with `ctx`, `shard_id`, the
// iterator `it` and the page `resp` in scope, in namespace shardsim. UserProjectTest.cmake
// puts the snippet where SNIPPET stands and compiles it against the installed package.
#include <optional>
#include <string>

#include "consumer/strategy.h"

namespace shardsim {

sim::Task<void> GetRecordsLoopBody(consumer::ConsumerContext& ctx, std::string shard_id,
                                   std::optional<std::string> it) {
  while (it) {
    auto resp = co_await ctx.kinesis.GetRecords({*it, 1000});
    if (!resp.ok()) co_return;
    // SNIPPET
  }
}

}  // namespace shardsim
