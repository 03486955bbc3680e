// The timeline pictures (issue 14): deterministic bytes, the elements each kind of run must
// show, the compressed axis, and the report page. The browser test (browser_test.sh) loads
// the same pictures in headless Chromium.
#include "timeline/timeline.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

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

// The numbers in the attribute `attribute` of the first element with class `cls` at or after
// `from` (a path's coordinates in order; "v12" gives 12).
std::vector<double> NumbersOf(const std::string& svg, const std::string& cls,
                              const std::string& attribute, size_t from = 0) {
  const size_t element = svg.find("class=\"" + cls + "\"", from);
  if (element == std::string::npos) return {};
  const size_t open = svg.find(" " + attribute + "=\"", element);
  if (open == std::string::npos || open > svg.find('>', element)) return {};
  const size_t begin = open + attribute.size() + 3;
  const std::string text = svg.substr(begin, svg.find('"', begin) - begin);
  std::vector<double> numbers;
  for (size_t i = 0; i < text.size();) {
    if (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '-') {
      size_t used = 0;
      numbers.push_back(std::stod(text.substr(i), &used));
      i += used;
    } else {
      ++i;
    }
  }
  return numbers;
}

// The x of every put mark (its path starts 5 px left of it).
std::vector<double> PutXs(const std::string& svg) {
  std::vector<double> xs;
  for (size_t at = svg.find("class=\"put\""); at != std::string::npos;
       at = svg.find("class=\"put\"", at + 1)) {
    xs.push_back(NumbersOf(svg, "put", "d", at).at(0) + 5);
  }
  return xs;
}

TEST(Timeline, TheArticleWalkIsDrawnThroughTheSilenceCallAfterCallNotBesideABreak) {
  const std::string svg = RenderArticleWalkSvg();
  EXPECT_EQ(Count(svg, "class=\"lane\""), 1u);
  EXPECT_NE(svg.find("id=\"lane-shardId-000000000000\""), std::string::npos);
  EXPECT_EQ(Count(svg, "class=\"axis-break\""), 0u) << "the walk crossed the silence";
  EXPECT_EQ(Count(svg, "class=\"idle-stretch\""), 1u);
  EXPECT_NE(svg.find("17h33m with nothing put"), std::string::npos);
  EXPECT_EQ(Count(svg, "class=\"put\""), 3u);
  EXPECT_EQ(Count(svg, "class=\"empty-run\""), 1u);
  EXPECT_EQ(Count(svg, "class=\"walk\""), 1u);
  // The ~300 empty pages are one band with a tick each; the page with '3' is a mark of its own.
  EXPECT_LT(Count(svg, "class=\"read outcome-empty\""), 3u);
  EXPECT_EQ(Count(svg, "class=\"read outcome-records\""), 1u);
  EXPECT_NE(svg.find("299 empty pages, one bucket each: 17h3"), std::string::npos);
  EXPECT_NE(svg.find("each drawn at the bucket it read"), std::string::npos);
  EXPECT_NE(svg.find("a tick per call"), std::string::npos);
  EXPECT_EQ(svg.find("id=\"violation\""), std::string::npos);
  EXPECT_EQ(Count(svg, "class=\"behind\""), 1u);
}

TEST(Timeline, TheArticleWalksCallsStandOneABucketAcrossTheSilenceFromItsStartToItsEnd) {
  const std::string svg = RenderArticleWalkSvg();
  const std::vector<double> puts = PutXs(svg);
  ASSERT_EQ(puts.size(), 3u);
  const std::vector<double> ticks = NumbersOf(svg, "calls", "d");  // x, y, height per call
  ASSERT_EQ(ticks.size() % 3, 0u);
  std::vector<double> xs;
  for (size_t i = 0; i < ticks.size(); i += 3) xs.push_back(ticks[i]);
  EXPECT_GE(xs.size(), 250u) << "about a tick per call of the 299";
  for (size_t i = 1; i < xs.size(); ++i) EXPECT_GT(xs[i], xs[i - 1]) << "call " << i;
  // The silence is from 'b' (puts[1]) to '3' (puts[2]); the calls stand across all of it.
  EXPECT_LE(xs.front(), puts[1] + 5);
  EXPECT_GE(xs.back(), puts[2] - 10);
  EXPECT_LE(xs.back(), puts[2]);
  EXPECT_GE(puts[2] - puts[1], 800) << "the silence takes most of the width";
  // No gap between neighbouring calls is much wider than a bucket's share of the silence.
  for (size_t i = 1; i < xs.size(); ++i) EXPECT_LE(xs[i] - xs[i - 1], 8) << "call " << i;
  EXPECT_NE(svg.find(">call 1<"), std::string::npos);
  EXPECT_GE(Count(svg, "class=\"call-number\""), 5u);
}

TEST(Timeline, TheArticleWalksMillisBehindLatestFallsLinearlyToZeroAtTheRecordFound) {
  const std::string svg = RenderArticleWalkSvg();
  const std::vector<double> line = NumbersOf(svg, "behind", "d");  // x, y per call
  ASSERT_EQ(line.size(), 2u * 300) << "a point per call: 299 empty pages and the one with '3'";
  const double x0 = line[0], y0 = line[1];
  const double x1 = line[line.size() - 2], y1 = line.back();
  EXPECT_GT(y1 - y0, 40) << "from the top of the line to 0";
  for (size_t i = 2; i < line.size(); i += 2) {
    EXPECT_GT(line[i], line[i - 2]) << "point " << i / 2 << " stands right of the one before";
    EXPECT_GE(line[i + 1], line[i - 1]) << "MillisBehindLatest never rises during the walk";
    // On the straight line from the first point to the last: a bucket per call.
    const double straight = y0 + (y1 - y0) * (line[i] - x0) / (x1 - x0);
    EXPECT_NEAR(line[i + 1], straight, 1.0) << "point " << i / 2;
  }
  EXPECT_NE(svg.find("less per call, about a bucket"), std::string::npos);
  // The last point is the read that found '3': ringed, right of every empty page, at 0.
  EXPECT_EQ(Count(svg, "class=\"found\""), 1u);
  const std::vector<double> ring = NumbersOf(svg, "found", "cx");
  const std::vector<double> dot = NumbersOf(svg, "read outcome-records", "cx");
  ASSERT_EQ(ring.size(), 1u);
  ASSERT_EQ(dot.size(), 1u);
  EXPECT_EQ(ring[0], dot[0]);
  EXPECT_EQ(x1, dot[0]);
  const std::vector<double> ticks = NumbersOf(svg, "calls", "d");
  EXPECT_GT(dot[0], ticks[ticks.size() - 3]) << "the record is found after the last empty page";
  EXPECT_NE(svg.find("call 300: 1 record found"), std::string::npos);
}

// A reader at the tip of an idle shard: a page every 30 s for two hours, then a record.
sim::Task<void> TipPoller(model::KinesisClient& kinesis) {
  auto it = co_await kinesis.GetShardIterator(
      {"s", "shardId-000000000000", model::ShardIteratorType::LATEST, std::nullopt, std::nullopt});
  if (!it.ok()) co_return;
  std::string iterator = it->ShardIterator;
  for (int i = 0; i < 250; ++i) {
    auto page = co_await kinesis.GetRecords({iterator, std::nullopt, std::nullopt});
    if (!page.ok() || !page->NextShardIterator) co_return;
    iterator = *page->NextShardIterator;
    co_await kinesis.simulation().Sleep(sim::Duration::Seconds(30));
  }
}

TEST(Timeline, AReaderPollingTheTipOfAnIdleShardDoesNotWalkAndItsIdleHoursStayCompressed) {
  sim::Simulation simulation;
  model::KinesisModel model(5);
  model::KinesisClient producer(simulation, model, "producer");
  model::KinesisClient consumer(simulation, model, "consumer-0");
  model::StreamOptions options;
  options.buckets = model::BucketProfile::Fixed(sim::Duration::Seconds(60));
  ASSERT_TRUE(producer.CreateStreamNow({.StreamName = "s", .ShardCount = 1}, options).ok());
  ASSERT_TRUE(producer.PutRecordNow({"s", "k", "a", std::nullopt}).ok());
  simulation.Spawn("consumer-0", TipPoller(consumer));
  simulation.RunFor(sim::Duration::Hours(2));
  ASSERT_TRUE(producer.PutRecordNow({"s", "k", "b", std::nullopt}).ok());
  simulation.RunFor(sim::Duration::Minutes(5));
  const std::string svg =
      RenderTimelineSvg({"tip", "polling an idle shard", ShardLanesOf(model, "s", simulation.now()),
                         simulation.trace().records()});
  EXPECT_GE(Count(svg, "class=\"empty-run\""), 1u);
  EXPECT_EQ(Count(svg, "class=\"walk\""), 0u);
  EXPECT_EQ(Count(svg, "class=\"read outcome-records\""), 1u) << "'b' is read";
  EXPECT_EQ(Count(svg, "class=\"found\""), 0u) << "only a walk's end is ringed";
  EXPECT_EQ(Count(svg, "class=\"call-number\""), 0u);
  EXPECT_GE(Count(svg, "class=\"axis-break\""), 1u);
  EXPECT_EQ(Count(svg, "class=\"idle-stretch\""), 0u) << "the break says how long it was";
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
