#include "model/shard_id_map.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace shardsim::model {
namespace {

TEST(ShardIdNumberTest, ReadsTheNumberOfACanonicalShardId) {
  EXPECT_EQ(ShardIdNumber("shardId-000000000000"), 0u);
  EXPECT_EQ(ShardIdNumber("shardId-000000000007"), 7u);
  EXPECT_EQ(ShardIdNumber("shardId-004294967295"), UINT32_MAX);
}

TEST(ShardIdNumberTest, RefusesEveryOtherText) {
  EXPECT_EQ(ShardIdNumber(""), std::nullopt);
  EXPECT_EQ(ShardIdNumber("shardId-"), std::nullopt);
  EXPECT_EQ(ShardIdNumber("shardId-00000000007"), std::nullopt);    // 11 digits
  EXPECT_EQ(ShardIdNumber("shardId-0000000000007"), std::nullopt);  // 13 digits
  EXPECT_EQ(ShardIdNumber("shardid-000000000007"), std::nullopt);   // case
  EXPECT_EQ(ShardIdNumber("shardId-00000000000x"), std::nullopt);
  EXPECT_EQ(ShardIdNumber("shardId-0000000000/7"), std::nullopt);  // '/' is '0' - 1
  EXPECT_EQ(ShardIdNumber("shardId-00000000000:"), std::nullopt);  // ':' is '9' + 1
  EXPECT_EQ(ShardIdNumber("shardId-004294967296"), std::nullopt);  // above 32 bits
  EXPECT_EQ(ShardIdNumber("shardId-999999999999"), std::nullopt);
}

// SmallShardIdNumber is ShardIdNumber below 100,000 and nothing above, for texts near and far
// from canonical ids: every character of an id in turn replaced by each byte value.
TEST(SmallShardIdNumberTest, AgreesWithShardIdNumberBelowOneHundredThousandAndRefusesTheRest) {
  const auto expected = [](std::string_view id) -> std::optional<uint32_t> {
    const std::optional<uint32_t> n = ShardIdNumber(id);
    if (!n.has_value() || *n >= 100'000) return std::nullopt;
    return n;
  };
  std::vector<std::string> texts = {"", "shardId-", "shardId-0000000000007", "s1"};
  for (const std::string id :
       {"shardId-000000000000", "shardId-000000000007", "shardId-000000099999",
        "shardId-000000100000", "shardId-000000065536", "shardId-004294967295"}) {
    texts.push_back(id);
    for (size_t i = 0; i < id.size(); ++i) {
      for (int c = 0; c < 256; ++c) {
        std::string changed = id;
        changed[i] = static_cast<char>(c);
        texts.push_back(changed);
      }
    }
  }
  for (const std::string& text : texts) {
    EXPECT_EQ(SmallShardIdNumber(text), expected(text)) << text;
  }
  EXPECT_EQ(SmallShardIdNumber("shardId-000000099999"), 99'999u);
  EXPECT_EQ(SmallShardIdNumber("shardId-000000100000"), std::nullopt);
}

TEST(ShardIdMapTest, IteratesInIdOrderWhateverTheOrderOfInsertion) {
  ShardIdMap<int> map;
  map["shardId-000000000010"] = 10;
  map["s1"] = -1;
  map["shardId-000000000002"] = 2;
  map["shardId-999999999999"] = 99;  // canonical in form, too large to index
  std::vector<std::string> ids;
  for (const auto& [id, value] : map) ids.push_back(id);
  EXPECT_EQ(ids, (std::vector<std::string>{"s1", "shardId-000000000002", "shardId-000000000010",
                                           "shardId-999999999999"}));
  EXPECT_EQ(*map.Find("shardId-999999999999"), 99);
  EXPECT_EQ(*map.Find("s1"), -1);
  EXPECT_EQ(map.Find("shardId-000000000003"), nullptr);
}

TEST(ShardIdMapTest, AValueStaysWhereItIsAsOthersAreAddedAndAfterAMove) {
  ShardIdMap<std::string> map;
  std::string& first = map["shardId-000000000001"];
  first = "one";
  for (int i = 2; i < 200; ++i)
    map[std::string("shardId-") + std::string(9, '0') + std::to_string(100 + i)];
  EXPECT_EQ(map.Find("shardId-000000000001"), &first);
  ShardIdMap<std::string> moved = std::move(map);
  EXPECT_EQ(moved.Find("shardId-000000000001"), &first);
  EXPECT_EQ(moved.size(), 199u);
}

TEST(ShardIdMapTest, ACopyFindsItsOwnValuesNotTheOriginals) {
  ShardIdMap<int> map;
  map["shardId-000000000004"] = 4;
  ShardIdMap<int> copy = map;
  copy["shardId-000000000004"] = 40;
  EXPECT_EQ(*map.Find("shardId-000000000004"), 4);
  EXPECT_EQ(*copy.Find("shardId-000000000004"), 40);
  ShardIdMap<int> assigned;
  assigned["shardId-000000000001"] = 1;
  assigned = copy;
  EXPECT_EQ(assigned.Find("shardId-000000000001"), nullptr);
  EXPECT_EQ(*assigned.Find("shardId-000000000004"), 40);
}

TEST(ShardIdMapTest, TheIdLastFoundIsForgottenWhenItsEntryIsErased) {
  ShardIdMap<int> map;
  map["shardId-000000000003"] = 3;
  map["s1"] = 1;
  ASSERT_NE(map.Find("s1"), nullptr);  // remembered
  EXPECT_TRUE(map.erase("s1"));
  EXPECT_EQ(map.Find("s1"), nullptr);
  EXPECT_EQ(*map.Find("shardId-000000000003"), 3);
  EXPECT_TRUE(map.erase("shardId-000000000003"));
  EXPECT_EQ(map.Find("shardId-000000000003"), nullptr);
}

TEST(ShardIdMapTest, AnErasedIdIsGoneAndCanComeBack) {
  ShardIdMap<int> map;
  map["shardId-000000000003"] = 3;
  EXPECT_TRUE(map.erase("shardId-000000000003"));
  EXPECT_FALSE(map.erase("shardId-000000000003"));
  EXPECT_EQ(map.Find("shardId-000000000003"), nullptr);
  EXPECT_TRUE(map.empty());
  EXPECT_EQ(map["shardId-000000000003"], 0);  // default-constructed anew
}

// Ids from a small set mixing canonical ids (indexed or not) and others, so that operations
// hit the same ids often.
rc::Gen<std::string> GenId() {
  return rc::gen::element<std::string>("shardId-000000000000", "shardId-000000000001",
                                       "shardId-000000000017", "shardId-000000065535",
                                       "shardId-000000065536", "shardId-004294967295",
                                       "shardId-00000000001", "s1", "", "shardId-00000000000a");
}

RC_GTEST_PROP(ShardIdMapProperty, BehavesAsTheStdMapItWraps, ()) {
  enum class Op { kSet, kFind, kErase, kCopy, kMoveAway };
  const auto ops = *rc::gen::container<std::vector<std::pair<Op, std::string>>>(rc::gen::pair(
      rc::gen::element(Op::kSet, Op::kFind, Op::kErase, Op::kCopy, Op::kMoveAway), GenId()));
  ShardIdMap<int> map;
  std::map<std::string, int, std::less<>> oracle;
  int next = 1;
  for (const auto& [op, id] : ops) {
    switch (op) {
      case Op::kSet:
        map[id] = next;
        oracle[id] = next;
        ++next;
        break;
      case Op::kFind: {
        const auto it = oracle.find(id);
        const int* found = map.Find(id);
        RC_ASSERT((found == nullptr) == (it == oracle.end()));
        if (found != nullptr) RC_ASSERT(*found == it->second);
        break;
      }
      case Op::kErase:
        RC_ASSERT(map.erase(id) == (oracle.erase(id) == 1));
        break;
      case Op::kCopy: {
        ShardIdMap<int> copy = map;
        map = std::move(copy);
        break;
      }
      case Op::kMoveAway: {  // the moved-from map is empty, and finds nothing it held
        ShardIdMap<int> other = std::move(map);
        RC_ASSERT(map.empty());
        RC_ASSERT(map.Find(id) == nullptr);
        map = std::move(other);
        break;
      }
    }
    RC_ASSERT(map.ordered() == oracle);
  }
  for (const auto& [id, value] : oracle) RC_ASSERT(*map.Find(id) == value);
}

}  // namespace
}  // namespace shardsim::model
