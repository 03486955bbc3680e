#include "sim/trace.h"

#include <gtest/gtest.h>

#include "sim/hash.h"

namespace shardsim::sim {
namespace {

TraceRecord Sample() {
  return TraceRecord{kDefaultEpoch + Duration::Millis(1'500),
                     "consumer-0",
                     "get_records",
                     {{"shard", "shardId-000000000000"},
                      {"records", 2},
                      {"behind", Duration::Millis(63'180'000)},
                      {"caught_up", false},
                      {"counter", uint64_t{18'446'744'073'709'551'615ULL}},
                      {"at", kDefaultEpoch}}};
}

TEST(Trace, TextLineHasTimeActorKindAndFieldsInGivenOrder) {
  EXPECT_EQ(Sample().ToText(),
            "2023-01-01T00:00:01.500000Z consumer-0 get_records shard=\"shardId-000000000000\" "
            "records=2 behind=63180000000us caught_up=false counter=18446744073709551615 "
            "at=2023-01-01T00:00:00.000000Z");
}

TEST(Trace, JsonLineHasTheSameContentAsTheTextLine) {
  EXPECT_EQ(Sample().ToJson(),
            "{\"t\":\"2023-01-01T00:00:01.500000Z\",\"t_us\":1672531201500000,"
            "\"actor\":\"consumer-0\",\"kind\":\"get_records\",\"fields\":{"
            "\"shard\":\"shardId-000000000000\",\"records\":2,\"behind\":63180000000,"
            "\"caught_up\":false,\"counter\":18446744073709551615,"
            "\"at\":\"2023-01-01T00:00:00.000000Z\"}}");
}

// The same line written through a TraceLine, a field initializer list and a TraceRecord.
void WriteSample(Trace& t) {
  const TraceRecord r = Sample();
  t.Begin(r.time, r.actor, r.kind)
      .Add("shard", "shardId-000000000000")
      .Add("records", 2)
      .Add("behind", Duration::Millis(63'180'000))
      .Add("caught_up", false)
      .Add("counter", uint64_t{18'446'744'073'709'551'615ULL})
      .Add("at", kDefaultEpoch)
      .Commit();
  t.Append(r.time, r.actor, r.kind,
           {{"s", std::string("q\"b\\n\nt\t\x01 and a long tail past eight bytes\x7f")},
            {"n", int64_t{-42}}});
  t.Append(r);
}

TEST(Trace, TraceLinesHashAsTheRecordsTheyDescribeWhetherKeptOrNot) {
  Trace kept(Trace::Mode::kKeepRecords);
  Trace hashed(Trace::Mode::kHashOnly);
  WriteSample(kept);
  WriteSample(hashed);
  ASSERT_EQ(kept.records().size(), 3u);
  EXPECT_EQ(kept.records()[0], Sample());
  EXPECT_EQ(kept.records()[2], Sample());
  EXPECT_EQ(hashed.size(), 3u);
  EXPECT_EQ(hashed.hash(), kept.hash());
  EXPECT_EQ(hashed.hash(), HashBytes(kept.ToText()));
}

TEST(Trace, AnUncommittedTraceLineIsDroppedAndFreesTheTrace) {
  Trace t(Trace::Mode::kHashOnly);
  { t.Begin(kDefaultEpoch, "a", "dropped").Add("n", 1); }
  t.Append(Sample());
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.hash(), HashBytes(Sample().ToText() + "\n"));
}

TEST(Trace, StringsAreEscapedInBothForms) {
  TraceRecord r{kDefaultEpoch, "a", "k", {{"s", std::string("q\"b\\n\nt\t\x01")}}};
  EXPECT_EQ(r.ToText(), "2023-01-01T00:00:00.000000Z a k s=\"q\\\"b\\\\n\\nt\\t\\x01\"");
  EXPECT_NE(r.ToJson().find("\"s\":\"q\\\"b\\\\n\\nt\\t\\u0001\""), std::string::npos);
}

TEST(Trace, HashIsXxh3OfTheTextTraceAndIgnoresTheMode) {
  Trace keep(Trace::Mode::kKeepRecords);
  Trace hash_only(Trace::Mode::kHashOnly);
  keep.Append(Sample());
  hash_only.Append(Sample());
  EXPECT_EQ(keep.hash(), hash_only.hash());
  keep.Append(Sample());
  hash_only.Append(Sample());
  EXPECT_EQ(keep.hash(), hash_only.hash());
  EXPECT_EQ(keep.hash(), HashBytes(keep.ToText()));
  EXPECT_EQ(hash_only.size(), 2u);
  EXPECT_TRUE(hash_only.records().empty());
}

TEST(Trace, AnyChangeToARecordChangesTheHash) {
  Trace a, b;
  a.Append(Sample());
  TraceRecord changed = Sample();
  changed.fields[1].value = 3;
  b.Append(changed);
  EXPECT_NE(a.hash(), b.hash());
}

TEST(Trace, ObserversSeeEveryRecordInOrder) {
  Trace t(Trace::Mode::kHashOnly);
  std::vector<std::string> seen;
  t.AddObserver([&](const TraceRecord& r) { seen.push_back(r.kind); });
  t.Append(TraceRecord{kDefaultEpoch, "x", "one", {}});
  t.Append(TraceRecord{kDefaultEpoch, "x", "two", {}});
  EXPECT_EQ(seen, (std::vector<std::string>{"one", "two"}));
}

TEST(Trace, FindReturnsAFieldByKey) {
  const TraceRecord r = Sample();
  ASSERT_NE(r.Find("records"), nullptr);
  EXPECT_EQ(*r.Find("records"), TraceValue(2));
  EXPECT_EQ(r.Find("missing"), nullptr);
}

TEST(Trace, HashPrintsAsSixteenHexDigits) {
  EXPECT_EQ(FormatTraceHash(0xabcULL), "0000000000000abc");
}

}  // namespace
}  // namespace shardsim::sim
