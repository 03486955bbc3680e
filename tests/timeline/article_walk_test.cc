// The seed article's walk (timeline/article_walk.h): what the demo prints and the picture draws
// come from one run, and its polling loop ends at its bound with a result, not a crash.
#include "timeline/article_walk.h"

#include <gtest/gtest.h>

namespace shardsim::timeline {
namespace {

TEST(ArticleWalk, ReachesTheNewRecordAfterManyEmptyPagesOnTheObservedProfile) {
  const ArticleWalk walk = RunArticleWalk();
  ASSERT_EQ(walk.puts.size(), 2u);
  EXPECT_EQ(walk.puts[0].data, "a");
  EXPECT_EQ(walk.puts[1].data, "b");
  EXPECT_EQ(walk.silent_pages.size(), 3u);
  ASSERT_TRUE(walk.reached.has_value());
  EXPECT_EQ(walk.reached_data, "3");
  EXPECT_GT(walk.calls, 100) << "one call per bucket of the silence";
  EXPECT_LT(walk.calls, kMaxArticleWalkCalls);
  EXPECT_EQ(walk.reached->at, walk.new_record_put + sim::Duration::Millis(250) * walk.calls);
}

TEST(ArticleWalk, StopsAtItsBoundAndReportsThatTheRecordWasNotReached) {
  const ArticleWalk walk = RunArticleWalk(/*max_calls=*/5);
  EXPECT_EQ(walk.calls, 5);
  EXPECT_FALSE(walk.reached.has_value());
  EXPECT_TRUE(walk.reached_data.empty());
  EXPECT_FALSE(walk.records.empty()) << "the trace of the calls made is kept";
}

}  // namespace
}  // namespace shardsim::timeline
