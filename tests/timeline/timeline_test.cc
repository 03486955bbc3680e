// The timeline pictures (issue 14): deterministic bytes, the elements each kind of run must
// show, the compressed axis, and the report page. The browser test (browser_test.sh) loads
// the same pictures in headless Chromium.
#include "timeline/timeline.h"

#include <gtest/gtest.h>

#include <string>

#include "catalogue/bug_scenarios.h"
#include "catalogue/catalogue.h"
#include "consumer/strategy_registry.h"
#include "model/client.h"
#include "sim/simulation.h"
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

// A fan-out reader of one shard: subscriptions renewed AFTER the last continuation, except
// that the second one starts at LATEST (so a record is skipped).
sim::Task<void> FanOutReader(model::KinesisClient& kinesis, std::string arn) {
  std::optional<std::string> continuation;
  for (int subscription = 0; subscription < 4; ++subscription) {
    model::StartingPosition start{.Type = model::ShardIteratorType::TRIM_HORIZON};
    if (subscription == 1) start = {.Type = model::ShardIteratorType::LATEST};
    if (subscription > 1 && continuation) {
      start = {.Type = model::ShardIteratorType::AFTER_SEQUENCE_NUMBER,
               .SequenceNumber = continuation};
    }
    auto events = co_await kinesis.SubscribeToShard(
        {.ConsumerARN = arn, .ShardId = "shardId-000000000000", .StartingPosition = start});
    if (!events.ok()) co_return;
    model::EventStream stream = std::move(events).value();
    for (int i = 0; i < 400; ++i) {
      auto event = co_await stream.Next();
      if (!event.ok() || !event->has_value()) break;
      continuation = (*event)->ContinuationSequenceNumber;
    }
    co_await kinesis.simulation().Sleep(sim::Duration::Seconds(5));
  }
}

TimelineInput FanOutRun() {
  sim::Simulation simulation;
  model::KinesisModel model(3);
  model::KinesisClient producer(simulation, model, "producer");
  model::KinesisClient consumer(simulation, model, "consumer-0");
  model::StreamOptions options;
  options.buckets = model::BucketProfile::Fixed(sim::Duration::Seconds(30));
  EXPECT_TRUE(producer.CreateStreamNow({.StreamName = "s", .ShardCount = 1}, options).ok());
  const std::string arn =
      consumer.RegisterStreamConsumerNow({.StreamARN = model::StreamArn("s"), .ConsumerName = "c"})
          ->Consumer.ConsumerARN;
  EXPECT_TRUE(producer.PutRecordNow({"s", "k", "a", std::nullopt}).ok());
  simulation.RunFor(sim::Duration::Hours(1));  // an hour of empty buckets to walk
  simulation.Spawn("consumer-0", FanOutReader(consumer, arn));
  simulation.RunFor(sim::Duration::Minutes(5) + sim::Duration::Seconds(2));
  EXPECT_TRUE(producer.PutRecordNow({"s", "k", "b", std::nullopt}).ok());
  simulation.RunFor(sim::Duration::Minutes(20));
  TimelineInput input{"fan-out", "a reader renewing its subscription",
                      ShardLanesOf(model, "s", simulation.now()), simulation.trace().records()};
  return input;
}

TEST(Timeline, SubscriptionsAreBarsTheirEventsSquaresAndEmptyEventsOneBand) {
  const std::string svg = RenderTimelineSvg(FanOutRun());
  EXPECT_EQ(Count(svg, "class=\"subscription\""), 4u);
  EXPECT_GE(Count(svg, "class=\"event outcome-records\""), 1u);
  EXPECT_NE(svg.find("empty events, one bucket each"), std::string::npos);
  EXPECT_NE(svg.find("4 subscriptions with"), std::string::npos);
  EXPECT_EQ(Count(svg, "Z: expired"), 4u);  // each ran out its five minutes, then was renewed
  EXPECT_EQ(svg, RenderTimelineSvg(FanOutRun()));
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
