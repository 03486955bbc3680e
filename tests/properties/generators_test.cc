// What the generator promises about the cases it makes (properties/generators.h, README "Long
// gaps"): measured over the first thousand cases of a seed, as `check` numbers them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "consumer/strategy_registry.h"
#include "properties/check.h"

namespace shardsim::properties {
namespace {

const consumer::StrategyInfo& Strategy(const char* name) {
  return *consumer::StrategyRegistry::Global().Find(name);
}

Duration LongestProducerGap(const Scenario& s) {
  Duration longest = Duration::Zero();
  for (size_t i = 1; i < s.puts.size(); ++i) {
    longest = std::max(longest, s.puts[i].at - s.puts[i - 1].at);
  }
  return longest;
}

Duration LastPut(const Scenario& s) { return s.puts.empty() ? Duration::Zero() : s.puts.back().at; }

// How many of cases 0..n-1 of seed 1 satisfy `pred`.
template <typename Pred>
int CountCases(const GeneratorOptions& options, int n, Pred pred) {
  int count = 0;
  for (int k = 0; k < n; ++k) {
    count += pred(GenerateCase(Strategy("kcl-worker"), 1, static_cast<uint64_t>(k), options));
  }
  return count;
}

TEST(Generator, CasesOfAFixedOneSecondProfileReachIdleGapsOfHours) {
  GeneratorOptions options;
  options.profile = model::BucketProfile::Fixed(Duration::Seconds(1));
  const int hour_gaps = CountCases(
      options, 1000, [](const Scenario& s) { return LongestProducerGap(s) >= Duration::Hours(1); });
  const int past_200s = CountCases(
      options, 1000, [](const Scenario& s) { return LastPut(s) > Duration::Seconds(200); });
  std::printf("fixed:1s: %d of 1000 cases with a gap of an hour or more, %d span past 200 s\n",
              hour_gaps, past_200s);
  EXPECT_GE(hour_gaps, 50);
  EXPECT_GE(past_200s, 300);
  // A slow page's later record (steering) may come up to 15 minutes after the last.
  EXPECT_EQ(CountCases(options, 1000,
                       [](const Scenario& s) {
                         return s.crashes.empty() &&
                                LastPut(s) > Duration::Hours(2) + Duration::Minutes(15);
                       }),
            0)
      << "no case puts for longer than max_span, crashes aside";
}

TEST(Generator, LongGapsLetAQuarterOfTheCasesSpanMoreThanADayAndATenthMoreThanAWeek) {
  GeneratorOptions options;
  options.long_gaps = true;
  const int past_a_day =
      CountCases(options, 1000, [](const Scenario& s) { return LastPut(s) > Duration::Days(1); });
  const int past_a_week =
      CountCases(options, 1000, [](const Scenario& s) { return LastPut(s) > Duration::Days(7); });
  // Crashes move the later puts on by their downtime (the producer pauses with the consumer); a
  // put lands anywhere in its last bucket (up to an hour wide), a slow page's record 15 min on.
  const int past_14_days = CountCases(options, 1000, [](const Scenario& s) {
    Duration downtimes = Duration::Zero();
    for (const CrashSpec& c : s.crashes) downtimes = downtimes + c.restart_after;
    return LastPut(s) > Duration::Days(14) + Duration::Hours(1) + Duration::Minutes(15) + downtimes;
  });
  std::printf("--long-gaps: %d of 1000 cases span more than a day, %d more than a week\n",
              past_a_day, past_a_week);
  // As the README says: about a quarter of the cases span more than a day, one in ten more than
  // a week (the other half of the cases has no long gaps, and the first ones few records).
  EXPECT_GE(past_a_day, 200);
  EXPECT_GE(past_a_week, 80);
  EXPECT_EQ(past_14_days, 0) << "puts within 14 days, crash downtimes aside";
}

}  // namespace
}  // namespace shardsim::properties
