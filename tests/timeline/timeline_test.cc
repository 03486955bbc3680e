// The timeline pictures (issue 14): deterministic bytes, the elements each kind of run must
// show, the compressed axis, and the report page. The browser test (browser_test.sh) loads
// the same pictures in headless Chromium.
#include "timeline/timeline.h"

#include <gtest/gtest.h>

#include <string>

#include "catalogue/bug_scenarios.h"
#include "catalogue/catalogue.h"
#include "consumer/strategy_registry.h"
#include "timeline/internal/axis.h"
#include "timeline/report.h"
#include "timeline/svg_writer.h"

namespace shardsim::timeline {
namespace {

using properties::Scenario;

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

Scenario BugScenario(const std::string& name) {
  for (const Scenario& s : catalogue::BugScenarios()) {
    if (s.name == name) return s;
  }
  ADD_FAILURE() << "no bug scenario " << name;
  return {};
}

ScenarioPicture Draw(const Scenario& s) {
  absl::StatusOr<ScenarioPicture> picture = RenderScenarioSvg(s);
  EXPECT_TRUE(picture.ok()) << picture.status();
  return picture.ok() ? *picture : ScenarioPicture{};
}

TEST(Timeline, TheSameRunDrawnTwiceGivesIdenticalBytes) {
  EXPECT_EQ(RenderArticleWalkSvg(), RenderArticleWalkSvg());
  const Scenario split = BugScenario("a-split-while-the-consumer-is-down");
  EXPECT_EQ(Draw(split).svg, Draw(split).svg);
}

TEST(Timeline, TheArticleWalkShowsOneLaneTheSilenceAsABreakAndTheEmptyPagesAsOneBand) {
  const std::string svg = RenderArticleWalkSvg();
  EXPECT_EQ(Count(svg, "class=\"lane\""), 1u);
  EXPECT_NE(svg.find("id=\"lane-shardId-000000000000\""), std::string::npos);
  EXPECT_GE(Count(svg, "class=\"axis-break\""), 1u);
  EXPECT_NE(svg.find("17h3"), std::string::npos) << "the break names the silence's length";
  EXPECT_EQ(Count(svg, "class=\"put\""), 3u);
  EXPECT_EQ(Count(svg, "class=\"empty-run\""), 1u);
  // The ~300 empty pages are one band, not 300 marks; the page with '3' is a mark of its own.
  EXPECT_LT(Count(svg, "class=\"read outcome-empty\""), 3u);
  EXPECT_EQ(Count(svg, "class=\"read outcome-records\""), 1u);
  EXPECT_NE(svg.find(" empty pages, one bucket each"), std::string::npos);
  EXPECT_NE(svg.find("drawn as one grey band per run"), std::string::npos);
  EXPECT_EQ(svg.find("id=\"violation\""), std::string::npos);
  EXPECT_EQ(Count(svg, "class=\"behind\""), 1u);
}

TEST(Timeline, AFailingRunHighlightsTheViolationWithItsMessage) {
  const ScenarioPicture picture = Draw(BugScenario("a-record-after-an-idle-hour"));
  EXPECT_FALSE(picture.passed);
  EXPECT_EQ(Count(picture.svg, "id=\"violation\""), 1u);
  EXPECT_NE(picture.svg.find("FAIL no_false_caught_up"), std::string::npos);
  EXPECT_GE(Count(picture.svg, "class=\"declare\""), 1u);
  EXPECT_GE(Count(picture.svg, "class=\"axis-break\""), 1u);
}

TEST(Timeline, ChildShardsGetTheirOwnLanesBelowTheirParentLinked) {
  const std::string svg = Draw(BugScenario("a-split-while-the-consumer-is-down")).svg;
  EXPECT_EQ(Count(svg, "class=\"lane\""), 3u);
  const size_t parent = svg.find("id=\"lane-shardId-000000000000\"");
  const size_t child = svg.find("id=\"lane-shardId-000000000001\"");
  ASSERT_NE(parent, std::string::npos);
  ASSERT_NE(child, std::string::npos);
  EXPECT_LT(parent, child);
  EXPECT_EQ(Count(svg, "class=\"lineage\""), 2u);
  EXPECT_NE(svg.find("split from shardId-000000000000"), std::string::npos);
  EXPECT_GE(Count(svg, "class=\"crash\""), 1u);
  EXPECT_GE(Count(svg, "class=\"restart\""), 1u);
  EXPECT_GE(Count(svg, "class=\"checkpoint\""), 1u);
}

TEST(Timeline, ThrottledCallsAreColouredAsThrottled) {
  const std::string svg = Draw(BugScenario("a-competing-reader-spends-the-read-budget")).svg;
  EXPECT_GE(Count(svg, "outcome-throttled"), 1u);
}

TEST(Timeline, EveryMarkCarriesItsCallAndAnswerOnHover) {
  const std::string svg = Draw(BugScenario("a-record-after-an-idle-hour")).svg;
  const size_t read = svg.find("class=\"read ");
  ASSERT_NE(read, std::string::npos);
  const size_t title = svg.find("<title>", read);
  ASSERT_NE(title, std::string::npos);
  EXPECT_NE(
      svg.substr(title, 200).find("consumer GetRecords shard=&quot;shardId-000000000000&quot;"),
      std::string::npos);
}

TEST(Axis, ALongIdleGapBecomesOneFixedWidthBreak) {
  constexpr int64_t kMinute = 60'000'000;
  const internal::Axis axis({0, kMinute, 2 * kMinute, 600 * kMinute, 601 * kMinute}, 100, 1100);
  int breaks = 0;
  for (const internal::Axis::Segment& s : axis.segments()) {
    if (!s.compressed) continue;
    ++breaks;
    EXPECT_EQ(s.x1 - s.x0, internal::Axis::kBreakPx);
    EXPECT_EQ(s.t0, 2 * kMinute);
    EXPECT_EQ(s.t1, 600 * kMinute);
  }
  EXPECT_EQ(breaks, 1);
  EXPECT_EQ(axis.X(sim::Instant::FromUnixMicros(0)), 100 + internal::Axis::kMarginPx);
  EXPECT_EQ(axis.X(sim::Instant::FromUnixMicros(601 * kMinute)), 1100 - internal::Axis::kMarginPx);
  int64_t previous = 0;
  for (int64_t t = 0; t <= 601 * kMinute; t += 7 * kMinute) {
    const int64_t x = axis.X(sim::Instant::FromUnixMicros(t));
    EXPECT_GE(x, previous);
    previous = x;
  }
  EXPECT_TRUE(axis.InBreak(sim::Instant::FromUnixMicros(300 * kMinute)));
  EXPECT_FALSE(axis.InBreak(sim::Instant::FromUnixMicros(kMinute)));
}

TEST(SvgWriter, EscapesTextAndAttributes) {
  SvgWriter svg;
  svg.Open("g", {{"id", "a\"<b>&"}});
  svg.Element("text", {}, "x < y & 'z'");
  svg.Close();
  EXPECT_EQ(
      svg.str(),
      "<g id=\"a&quot;&lt;b&gt;&amp;\">\n  <text>x &lt; y &amp; &apos;z&apos;</text>\n</g>\n");
}

TEST(Report, ThePageHasTheVerdictTableAndAPicturePerFailure) {
  const ScenarioPicture picture = Draw(BugScenario("a-record-after-an-idle-hour"));
  const std::string html =
      RenderReportHtml("t", {{.strategy = "ok-loop", .expected = "pass", .verdict = "pass"},
                             {.strategy = "bad-loop",
                              .expected = "no_false_caught_up",
                              .verdict = "FAIL no_false_caught_up",
                              .detail = "declared <caught up>",
                              .svg = picture.svg,
                              .svg_file = "bad-loop.svg"}});
  EXPECT_NE(html.find("<table id=\"verdicts\">"), std::string::npos);
  EXPECT_EQ(Count(html, "<section class=\"failure\""), 1u);
  EXPECT_NE(html.find("declared &lt;caught up&gt;"), std::string::npos);
  EXPECT_NE(html.find("id=\"violation\""), std::string::npos);
}

}  // namespace
}  // namespace shardsim::timeline

int main(int argc, char** argv) {
  shardsim::catalogue::RegisterCatalogue(shardsim::consumer::StrategyRegistry::Global());
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
