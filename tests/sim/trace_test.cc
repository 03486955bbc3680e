#include "sim/trace.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

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

// The hash input of a list of records: their encodings, one after another.
std::string HashInput(const std::vector<TraceRecord>& records) {
  std::string out;
  for (const TraceRecord& r : records) out += r.HashBytes();
  return out;
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
  EXPECT_EQ(hashed.hash(), HashBytes(HashInput(kept.records())));
}

TEST(Trace, AnUncommittedTraceLineIsDroppedAndFreesTheTrace) {
  Trace t(Trace::Mode::kHashOnly);
  { t.Begin(kDefaultEpoch, "a", "dropped").Add("n", 1); }
  t.Append(Sample());
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.hash(), HashBytes(Sample().HashBytes()));
}

TEST(Trace, StringsAreEscapedInBothForms) {
  TraceRecord r{kDefaultEpoch, "a", "k", {{"s", std::string("q\"b\\n\nt\t\x01")}}};
  EXPECT_EQ(r.ToText(), "2023-01-01T00:00:00.000000Z a k s=\"q\\\"b\\\\n\\nt\\t\\x01\"");
  EXPECT_NE(r.ToJson().find("\"s\":\"q\\\"b\\\\n\\nt\\t\\u0001\""), std::string::npos);
}

TEST(Trace, HashIsXxh3OfTheRecordEncodingsAndIgnoresTheMode) {
  Trace keep(Trace::Mode::kKeepRecords);
  Trace hash_only(Trace::Mode::kHashOnly);
  keep.Append(Sample());
  hash_only.Append(Sample());
  EXPECT_EQ(keep.hash(), hash_only.hash());
  keep.Append(Sample());
  hash_only.Append(Sample());
  EXPECT_EQ(keep.hash(), hash_only.hash());
  EXPECT_EQ(keep.hash(), HashBytes(HashInput(keep.records())));
  EXPECT_EQ(hash_only.size(), 2u);
  EXPECT_TRUE(hash_only.records().empty());
}

TEST(Trace, AnEmptyTraceHashesNoBytes) { EXPECT_EQ(Trace().hash(), HashBytes("")); }

TEST(Trace, ManyRecordsHashAsTheirEncodingsAcrossChunkBoundaries) {
  Trace keep(Trace::Mode::kKeepRecords);
  Trace hash_only(Trace::Mode::kHashOnly);
  for (int i = 0; i < 500; ++i) {  // about 60 KB of encodings: many 4 KB chunks
    TraceRecord r = Sample();
    r.fields[1].value = i;
    keep.Append(r);
    hash_only.Append(r);
    if (i % 97 == 0) ASSERT_EQ(hash_only.hash(), HashBytes(HashInput(keep.records()))) << i;
  }
  EXPECT_EQ(hash_only.hash(), keep.hash());
  EXPECT_EQ(keep.hash(), HashBytes(HashInput(keep.records())));
}

TEST(Trace, TheHashEncodingOfARecordIsTheWrittenDownOne) {
  const TraceRecord r{Instant::FromUnixMicros(0x0102030405060708),
                      "ab",
                      "k",
                      {{"i", int64_t{-2}},
                       {"u", uint64_t{300}},
                       {"b", true},
                       {"s", std::string(130, 'x')},
                       {"t", Instant::FromUnixMicros(-1)},
                       {"d", Duration::Micros(5)}}};
  const std::string expected = std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8) +
                               "\x02"
                               "ab"
                               "\x01"
                               "k" +
                               std::string("\x01\x01i\xfe\xff\xff\xff\xff\xff\xff\xff", 11) +
                               std::string("\x02\x01u\x2c\x01\x00\x00\x00\x00\x00\x00", 11) +
                               std::string(
                                   "\x03\x01"
                                   "b\x01",
                                   4) +
                               std::string("\x04\x01s\x82\x01", 5) + std::string(130, 'x') +
                               std::string("\x05\x01t\xff\xff\xff\xff\xff\xff\xff\xff", 11) +
                               std::string(
                                   "\x06\x01"
                                   "d\x05\x00\x00\x00\x00\x00\x00\x00",
                                   11) +
                               std::string("\x00", 1);
  EXPECT_EQ(r.HashBytes(), expected);
}

// Every way of changing Sample() that changes its text line also changes the hash.
TEST(Trace, AChangeInAnyPartOfARecordChangesTheHash) {
  std::vector<TraceRecord> variants;
  auto vary = [&](auto change) {
    TraceRecord r = Sample();
    change(r);
    variants.push_back(r);
  };
  vary([](TraceRecord&) {});
  vary([](TraceRecord& r) { r.time = r.time + Duration::Micros(1); });
  vary([](TraceRecord& r) { r.actor = "consumer-1"; });
  vary([](TraceRecord& r) { r.kind = "get_record"; });
  vary([](TraceRecord& r) {
    r.actor += "g";
    r.kind = "et_records";
  });  // bytes moved across
  for (size_t i = 0; i < Sample().fields.size(); ++i) {
    vary([i](TraceRecord& r) { r.fields[i].key += "x"; });
    vary([i](TraceRecord& r) { r.fields.erase(r.fields.begin() + static_cast<ptrdiff_t>(i)); });
    vary([i](TraceRecord& r) {
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, bool>)
              r.fields[i].value = !v;
            else if constexpr (std::is_same_v<T, std::string>)
              r.fields[i].value = v + "0";
            else if constexpr (std::is_same_v<T, Instant>)
              r.fields[i].value = v + Duration::Micros(1);
            else if constexpr (std::is_same_v<T, Duration>)
              r.fields[i].value = v + Duration::Micros(1);
            else
              r.fields[i].value = static_cast<T>(v - 1);
          },
          r.fields[i].value.value());
    });
  }
  vary([](TraceRecord& r) { std::swap(r.fields[0], r.fields[1]); });
  vary([](TraceRecord& r) { r.fields.push_back({"extra", 0}); });
  vary([](TraceRecord& r) {
    r.fields[0].key = "sha";
    r.fields[0].value = "rd";
  });  // key/value split
  std::set<std::string> texts;
  std::set<uint64_t> hashes;
  for (const TraceRecord& r : variants) {
    ASSERT_TRUE(texts.insert(r.ToText()).second) << "two variants share a text: " << r.ToText();
    Trace t(Trace::Mode::kHashOnly);
    t.Append(r);
    EXPECT_TRUE(hashes.insert(t.hash()).second) << "hash repeated for " << r.ToText();
  }
  EXPECT_EQ(hashes.size(), variants.size());
}

// Records split differently across the trace give different hashes: the end byte delimits them.
TEST(Trace, WhereOneRecordEndsAndTheNextBeginsIsPartOfTheHash) {
  Trace one, two;
  one.Append(TraceRecord{kDefaultEpoch, "a", "k", {{"n", 1}, {"m", 2}}});
  two.Append(TraceRecord{kDefaultEpoch, "a", "k", {{"n", 1}}});
  EXPECT_NE(one.hash(), two.hash());
  two.Append(TraceRecord{kDefaultEpoch, "a", "k", {{"m", 2}}});
  EXPECT_NE(one.hash(), two.hash());
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
