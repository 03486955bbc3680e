#include "model/sequence_number.h"

#include <compare>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace shardsim::model {
namespace {

using ::testing::HasSubstr;

// The two records of the seed article (shardId-000000000000, partition keys "1" and "2").
constexpr char kArticleFirst[] = "49639543389862895699365693304023657829928072185817071618";
constexpr char kArticleSecond[] = "49639543389862895699365693304024866755747687983222882306";

int64_t UtcSeconds(int year, int month, int day, int hour, int minute, int second) {
  return absl::ToUnixSeconds(absl::FromCivil(
      absl::CivilSecond(year, month, day, hour, minute, second), absl::UTCTimeZone()));
}

SequenceNumberFields ArticleFirstFields() {
  return {.shard_creation_seconds = UtcSeconds(2023, 4, 5, 7, 6, 12),
          .shard_index = 0,
          .counter = 8398,
          .put_seconds = UtcSeconds(2023, 4, 5, 7, 8, 9),
          .version = 2};
}

SequenceNumberFields ArticleSecondFields() {
  return {.shard_creation_seconds = UtcSeconds(2023, 4, 5, 7, 6, 12),
          .shard_index = 0,
          .counter = 8399,
          .put_seconds = UtcSeconds(2023, 4, 5, 7, 8, 26),
          .version = 2};
}

// The error message of parsing `text`, which must fail with InvalidArgument.
std::string ParseError(std::string_view text) {
  const absl::StatusOr<SequenceNumber> parsed = SequenceNumber::Parse(text);
  EXPECT_FALSE(parsed.ok()) << text << " parsed as " << *parsed;
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(parsed.status().message());
}

TEST(SequenceNumber, ArticleFirstRecordDecodesToShardZeroCounter8398) {
  const absl::StatusOr<SequenceNumberFields> fields = DecodeSequenceNumber(kArticleFirst);
  ASSERT_TRUE(fields.ok()) << fields.status();
  EXPECT_EQ(*fields, ArticleFirstFields());
}

TEST(SequenceNumber, ArticleSecondRecordDecodesToShardZeroCounter8399) {
  const absl::StatusOr<SequenceNumberFields> fields = DecodeSequenceNumber(kArticleSecond);
  ASSERT_TRUE(fields.ok()) << fields.status();
  EXPECT_EQ(*fields, ArticleSecondFields());
}

TEST(SequenceNumber, ArticleRecordsEncodeBackToTheSameDigits) {
  EXPECT_EQ(EncodeSequenceNumber(ArticleFirstFields()), kArticleFirst);
  EXPECT_EQ(EncodeSequenceNumber(ArticleSecondFields()), kArticleSecond);
}

TEST(SequenceNumber, ArticleRecordsParseAndPrintBackTheSameDigits) {
  const absl::StatusOr<SequenceNumber> first = SequenceNumber::Parse(kArticleFirst);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->ToString(), kArticleFirst);
  EXPECT_EQ(first->shard_index(), 0u);
  EXPECT_EQ(first->counter(), 8398u);
}

TEST(SequenceNumber, PrintingIntoAStringReplacesWhatItHeld) {
  std::string text = "some longer text that was there before the number was printed into it";
  SequenceNumber::FromFields(ArticleSecondFields()).ToStringInto(text);
  EXPECT_EQ(text, kArticleSecond);
  SequenceNumber::FromFields(ArticleFirstFields()).ToStringInto(text);
  EXPECT_EQ(text, kArticleFirst);
}

TEST(SequenceNumber, TextJustPrintedParsesBackAndOtherTextsStillParse) {
  const SequenceNumber first = SequenceNumber::FromFields(ArticleFirstFields());
  const SequenceNumber second = SequenceNumber::FromFields(ArticleSecondFields());
  const std::string printed = second.ToString();  // remembered as the last printed
  EXPECT_EQ(SequenceNumber::Parse(printed).value(), second);
  EXPECT_EQ(SequenceNumber::Parse(kArticleFirst).value(), first);
  EXPECT_EQ(SequenceNumber::Parse(printed).value(), second);
  std::string bad = printed;
  bad.back() = 'x';  // one character off the remembered text is parsed, and refused
  EXPECT_FALSE(SequenceNumber::Parse(bad).ok());
}

TEST(SequenceNumber, ArticleSecondRecordIsGreaterThanTheFirst) {
  const SequenceNumber first = SequenceNumber::FromFields(ArticleFirstFields());
  const SequenceNumber second = SequenceNumber::FromFields(ArticleSecondFields());
  EXPECT_LT(first, second);
  EXPECT_NE(first, second);
  EXPECT_EQ(first, SequenceNumber::FromFields(ArticleFirstFields()));
}

TEST(SequenceNumber, SmallestAndLargestFieldsEncodeToFiftySixDigits) {
  const SequenceNumberFields smallest{};
  const SequenceNumberFields largest{.shard_creation_seconds = kSequenceNumberMaxSeconds,
                                     .shard_index = std::numeric_limits<uint32_t>::max(),
                                     .counter = std::numeric_limits<uint64_t>::max(),
                                     .put_seconds = kSequenceNumberMaxSeconds};
  // 0x2 000000000 0 0000000000000000 00 000000000 00000000 2, and the same with every field
  // all ones, computed independently with Python's int(..., 16).
  EXPECT_EQ(EncodeSequenceNumber(smallest),
            "49039857307708443467467104868809893875799651909875269634");
  EXPECT_EQ(EncodeSequenceNumber(largest),
            "73559785961562665201200657303213636610246346105283411954");
  EXPECT_EQ(DecodeSequenceNumber(EncodeSequenceNumber(largest)).value(), largest);
}

TEST(SequenceNumber, HexDigitTenCarriesTheLowNibbleOfTheShardIndex) {
  // 0x2 00000000a f 0000000000000001 00 00000000b 1234567f 2
  const SequenceNumberFields fields{
      .shard_creation_seconds = 0xa, .shard_index = 0x1234567f, .counter = 1, .put_seconds = 0xb};
  EXPECT_EQ(EncodeSequenceNumber(fields),
            "49039857311611073877209963918579853499332730563397511154");
}

TEST(SequenceNumber, EmptyTextIsRejected) { EXPECT_THAT(ParseError(""), HasSubstr("empty")); }

TEST(SequenceNumber, NonDigitIsRejectedNamingTheCharacterAndPosition) {
  EXPECT_THAT(ParseError("4963954338986289569936569330402365782992807218581707161x"),
              HasSubstr("non-digit character 'x' at position 55"));
  EXPECT_THAT(ParseError("-1"), HasSubstr("'-' at position 0"));
  EXPECT_THAT(ParseError(" 49639543389862895699365693304023657829928072185817071618"),
              HasSubstr("' ' at position 0"));
}

TEST(SequenceNumber, LeadingZeroIsRejected) {
  EXPECT_THAT(ParseError(std::string("0") + kArticleFirst), HasSubstr("leading zero"));
}

TEST(SequenceNumber, AnyLengthOtherThanFiftySixDigitsIsRejected) {
  EXPECT_THAT(ParseError(std::string(kArticleFirst) + "0"), HasSubstr("has 57 digits"));
  EXPECT_THAT(ParseError(std::string(300, '9')), HasSubstr("has 300 digits"));
  // Short numbers, like Kafka offsets.
  EXPECT_THAT(ParseError("8398"), HasSubstr("has 4 digits; a sequence number has 56"));
  EXPECT_THAT(ParseError("0"), HasSubstr("has 1 digits"));
}

TEST(SequenceNumber, ValueWiderThan186BitsIsRejected) {
  // 0x4 followed by the article's other 46 hex digits: 187 bits.
  EXPECT_THAT(ParseError("98679400697571339166832798172833551705727724095692341250"),
              HasSubstr("does not fit in 186 bits"));
  EXPECT_THAT(ParseError(std::string(56, '9')), HasSubstr("does not fit in 186 bits"));
}

TEST(SequenceNumber, LeadingHexDigitOtherThanTwoIsRejected) {
  // 0x3 followed by the article's other 46 hex digits.
  EXPECT_THAT(ParseError("74159472043717117433099245738428604767827898140754706434"),
              HasSubstr("starts with hex digit 3 (of 47); a sequence number starts with 2"));
  // 0x1 followed by the article's other 46 hex digits, still 56 decimal digits.
  EXPECT_THAT(ParseError("25119614736008673965632140869618710892028246230879436802"),
              HasSubstr("starts with hex digit 1"));
  // The smallest 56-digit number, 10^55, is below 16^46: hex digit 0 of 47 is 0.
  EXPECT_THAT(ParseError("1" + std::string(55, '0')), HasSubstr("starts with hex digit 0"));
}

TEST(SequenceNumber, UnknownVersionIsRejected) {
  // The article's first record with its last hex digit 3, then 1.
  EXPECT_THAT(ParseError("49639543389862895699365693304023657829928072185817071619"),
              HasSubstr("has version 3"));
  EXPECT_THAT(ParseError("49639543389862895699365693304023657829928072185817071617"),
              HasSubstr("has version 1"));
}

TEST(SequenceNumber, NonzeroHexDigits27And28AreRejected) {
  // The article's first record with 01 in hex digits 27-28.
  EXPECT_THAT(ParseError("49639543389862895699365693304023662552294555055462285314"),
              HasSubstr("has 01 in hex digits 27-28"));
}

TEST(SequenceNumber, HexDigitTenDisagreeingWithTheShardIndexIsRejected) {
  // The article's first record (shard index 0) with hex digit 10 set to 1.
  EXPECT_THAT(ParseError("49639543389885196444564223927165193548200720547323052034"),
              HasSubstr("has 1 in hex digit 10, but its shard index 0 (hex 00000000, digits "
                        "38-45) ends in 0"));
}

TEST(SequenceNumber, LongBadInputIsCutShortInTheMessage) {
  const std::string message = ParseError(std::string(1000, 'a'));
  EXPECT_THAT(message, HasSubstr("(1000 characters)"));
  EXPECT_LT(message.size(), 250u);
}

TEST(SequenceNumber, DecodeReportsTheSameErrorsAsParse) {
  const absl::StatusOr<SequenceNumberFields> fields = DecodeSequenceNumber("12x");
  ASSERT_FALSE(fields.ok());
  EXPECT_EQ(fields.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(fields.status().message(), HasSubstr("non-digit"));
}

TEST(SequenceNumberFields, TimesOutside36BitsOfSecondsAreInvalid) {
  SequenceNumberFields fields = ArticleFirstFields();
  fields.shard_creation_seconds = -1;
  EXPECT_THAT(ValidateSequenceNumberFields(fields).message(),
              HasSubstr("shard_creation_seconds is -1 s"));
  fields = ArticleFirstFields();
  fields.put_seconds = kSequenceNumberMaxSeconds + 1;
  EXPECT_THAT(ValidateSequenceNumberFields(fields).message(),
              HasSubstr("put_seconds is 68719476736 s"));
  EXPECT_EQ(ValidateSequenceNumberFields(fields).code(), absl::StatusCode::kInvalidArgument);
}

TEST(SequenceNumberFields, VersionOtherThanTwoIsInvalid) {
  SequenceNumberFields fields = ArticleFirstFields();
  fields.version = 1;
  EXPECT_THAT(ValidateSequenceNumberFields(fields).message(), HasSubstr("version 1"));
}

TEST(SequenceNumberFields, ArticleFieldsAreValid) {
  EXPECT_TRUE(ValidateSequenceNumberFields(ArticleFirstFields()).ok());
}

TEST(SequenceNumberDeathTest, EncodingInvalidFieldsStopsTheProgram) {
  SequenceNumberFields fields = ArticleFirstFields();
  fields.put_seconds = -5;
  EXPECT_DEATH(EncodeSequenceNumber(fields), "invariant violated.*put_seconds is -5 s");
}

// --- Properties -----------------------------------------------------------------------------

template <typename T>
rc::Gen<T> OneOf(std::initializer_list<T> values) {
  return rc::gen::elementOf(std::vector<T>(values));
}

// Seconds anywhere in the 36-bit range, with the ends and the article's times mixed in.
rc::Gen<int64_t> AnySeconds() {
  return rc::gen::oneOf(rc::gen::inRange<int64_t>(0, kSequenceNumberMaxSeconds + 1),
                        OneOf<int64_t>({0, kSequenceNumberMaxSeconds, 1'680'678'372}));
}

rc::Gen<uint64_t> AnyCounter() {
  return rc::gen::oneOf(rc::gen::arbitrary<uint64_t>(),
                        OneOf<uint64_t>({0, std::numeric_limits<uint64_t>::max()}));
}

rc::Gen<uint32_t> AnyShardIndex() {
  return rc::gen::oneOf(rc::gen::arbitrary<uint32_t>(),
                        OneOf<uint32_t>({0, 15, 16, std::numeric_limits<uint32_t>::max()}));
}

rc::Gen<SequenceNumberFields> AnyFields() {
  return rc::gen::build<SequenceNumberFields>(
      rc::gen::set(&SequenceNumberFields::shard_creation_seconds, AnySeconds()),
      rc::gen::set(&SequenceNumberFields::shard_index, AnyShardIndex()),
      rc::gen::set(&SequenceNumberFields::counter, AnyCounter()),
      rc::gen::set(&SequenceNumberFields::put_seconds, AnySeconds()));
}

// Fields drawn often from tiny sets, so that two draws tie on some fields and differ on
// others: the ordering properties then exercise every level of the comparison.
rc::Gen<SequenceNumberFields> FieldsWithTies() {
  return rc::gen::build<SequenceNumberFields>(
      rc::gen::set(&SequenceNumberFields::shard_creation_seconds,
                   rc::gen::oneOf(OneOf<int64_t>({1'680'678'372, 1'680'678'373}), AnySeconds())),
      rc::gen::set(&SequenceNumberFields::shard_index,
                   rc::gen::oneOf(OneOf<uint32_t>({0, 1, 16, 17}), AnyShardIndex())),
      rc::gen::set(&SequenceNumberFields::counter,
                   rc::gen::oneOf(OneOf<uint64_t>({8398, 8399}), AnyCounter())),
      rc::gen::set(&SequenceNumberFields::put_seconds,
                   rc::gen::oneOf(OneOf<int64_t>({1'680'678'489, 1'680'678'506}), AnySeconds())));
}

// Numeric order of two canonical decimal strings: shorter is smaller, then digit by digit.
std::strong_ordering CompareDecimal(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() <=> b.size();
  return a <=> b;
}

auto LayoutOrderKey(const SequenceNumberFields& f) {
  return std::make_tuple(f.shard_creation_seconds, f.shard_index & 0xF, f.counter, f.put_seconds,
                         f.shard_index);
}

// Which field of the order key decides between `a` and `b`, to show that every level is hit.
const char* FirstDifference(const SequenceNumberFields& a, const SequenceNumberFields& b) {
  if (a.shard_creation_seconds != b.shard_creation_seconds) return "creation decides";
  if ((a.shard_index & 0xF) != (b.shard_index & 0xF)) return "index low nibble decides";
  if (a.counter != b.counter) return "counter decides";
  if (a.put_seconds != b.put_seconds) return "put time decides";
  if (a.shard_index != b.shard_index) return "index decides";
  return "equal";
}

RC_GTEST_PROP(SequenceNumberProperty, DecodingAnEncodingGivesBackTheFields, ()) {
  const SequenceNumberFields fields = *AnyFields();
  const std::string text = EncodeSequenceNumber(fields);
  RC_ASSERT(text.size() == static_cast<size_t>(kSequenceNumberDigits));
  const absl::StatusOr<SequenceNumberFields> decoded = DecodeSequenceNumber(text);
  RC_ASSERT(decoded.ok());
  RC_ASSERT(*decoded == fields);
}

RC_GTEST_PROP(SequenceNumberProperty, NumericOrderOfTheDigitsIsTheOrderOfTheLayoutFields, ()) {
  const SequenceNumberFields a = *FieldsWithTies();
  SequenceNumberFields b = *FieldsWithTies();
  // b copies the first `shared` fields of a's order key, so every level of it gets to decide.
  const int shared = *rc::gen::inRange(0, 6);
  if (shared > 0) b.shard_creation_seconds = a.shard_creation_seconds;
  if (shared > 1) b.shard_index = (b.shard_index & ~0xFu) | (a.shard_index & 0xFu);
  if (shared > 2) b.counter = a.counter;
  if (shared > 3) b.put_seconds = a.put_seconds;
  if (shared > 4) b.shard_index = a.shard_index;
  const std::strong_ordering by_digits =
      CompareDecimal(EncodeSequenceNumber(a), EncodeSequenceNumber(b));
  RC_TAG(FirstDifference(a, b));
  RC_ASSERT(by_digits == (LayoutOrderKey(a) <=> LayoutOrderKey(b)));
  RC_ASSERT(by_digits == (SequenceNumber::FromFields(a) <=> SequenceNumber::FromFields(b)));
}

RC_GTEST_PROP(SequenceNumberProperty, WithinOneShardSequenceNumbersOrderAsTheirCounters, ()) {
  const SequenceNumberFields a = *AnyFields();
  SequenceNumberFields b = a;
  b.counter =
      *rc::gen::oneOf(AnyCounter(), rc::gen::just(a.counter + 1), rc::gen::just(a.counter - 1));
  b.put_seconds = *AnySeconds();  // the put time must not matter
  RC_PRE(a.counter != b.counter);
  const std::strong_ordering by_counter = a.counter <=> b.counter;
  RC_ASSERT((SequenceNumber::FromFields(a) <=> SequenceNumber::FromFields(b)) == by_counter);
  RC_ASSERT(CompareDecimal(EncodeSequenceNumber(a), EncodeSequenceNumber(b)) == by_counter);
}

RC_GTEST_PROP(SequenceNumberProperty, AcceptedTextPrintsBackUnchanged, ()) {
  // A valid encoding with one digit replaced: sometimes still valid (a counter or put-time
  // digit), often not. Whatever Parse accepts must be canonical and round-trip exactly.
  std::string text = EncodeSequenceNumber(*AnyFields());
  const auto position = *rc::gen::inRange<size_t>(0, text.size());
  text[position] = *rc::gen::inRange('0', static_cast<char>('9' + 1));
  const absl::StatusOr<SequenceNumber> parsed = SequenceNumber::Parse(text);
  RC_TAG(parsed.ok() ? "accepted" : "rejected");
  if (parsed.ok()) {
    RC_ASSERT(parsed->ToString() == text);
    RC_ASSERT(EncodeSequenceNumber(parsed->fields()) == text);
  } else {
    RC_ASSERT(parsed.status().code() == absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace shardsim::model
