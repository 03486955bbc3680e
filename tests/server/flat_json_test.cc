// ParseBody's fast path for flat JSON objects against nlohmann::json::parse, its reference:
// whatever the fast path accepts it must read exactly as nlohmann does (values and number
// types), and whatever it declines nlohmann still decides.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "server/protocol.h"

namespace shardsim::server {
namespace {

// Equal as nlohmann compares, and with the same type at every value (nlohmann's == calls 1 and
// 1u equal; the decoder distinguishes unsigned from signed).
bool SameDocument(const Json& a, const Json& b) {
  if (a.type() != b.type() || a != b) return false;
  if (!a.is_object()) return true;
  for (auto it = a.begin(); it != a.end(); ++it) {
    if (!b.contains(it.key()) || !SameDocument(it.value(), b.at(it.key()))) return false;
  }
  return true;
}

TEST(FlatJsonTest, AGetRecordsBodyReadsAsNlohmannReadsIt) {
  const std::string body = R"({"ShardIterator":"AAAAAAAAAAH0+/=","Limit":1})";
  const std::optional<Json> flat = ParseFlatJsonObject(body);
  ASSERT_TRUE(flat.has_value());
  EXPECT_TRUE(SameDocument(*flat, Json::parse(body)));
  EXPECT_TRUE((*flat)["Limit"].is_number_unsigned());
}

TEST(FlatJsonTest, SpacesSignsWordsAndTheEmptyObjectAreRead) {
  for (const std::string& body : {std::string("{}"), std::string(" \t\r\n{ } \n"),
                                  std::string(R"({ "a" : -5 , "b":true,"c":false ,"d":null})"),
                                  std::string(R"({"n":999999999999999999,"z":0,"s":""})")}) {
    const std::optional<Json> flat = ParseFlatJsonObject(body);
    ASSERT_TRUE(flat.has_value()) << body;
    EXPECT_TRUE(SameDocument(*flat, Json::parse(body))) << body;
  }
}

TEST(FlatJsonTest, AnythingBeyondFlatPrintableAsciiIsLeftToNlohmann) {
  for (const std::string& body : {std::string(R"({"a":"x\ny"})"),
                                  std::string(R"({"a":"\u0041"})"),
                                  std::string("{\"a\":\"\xc3\xa9\"}"),
                                  std::string("{\"a\":\"tab\there\"}"),
                                  std::string(R"({"a":1.5})"),
                                  std::string(R"({"a":1e3})"),
                                  std::string(R"({"a":-0})"),
                                  std::string(R"({"a":01})"),
                                  std::string(R"({"a":1234567890123456789})"),
                                  std::string(R"({"a":[1]})"),
                                  std::string(R"({"a":{}})"),
                                  std::string(R"({"a":1,"a":2})"),
                                  std::string(R"({"a":1,})"),
                                  std::string(R"({"a" 1})"),
                                  std::string(R"({"a":1} x)"),
                                  std::string(R"({"a":tru})"),
                                  std::string(R"({"a":1x})"),
                                  std::string("[1]"),
                                  std::string(R"({"a":"unterminated)"),
                                  std::string("")}) {
    EXPECT_FALSE(ParseFlatJsonObject(body).has_value()) << body;
  }
}

TEST(FlatJsonTest, ParseBodyGivesTheSameErrorsAsBeforeForTextTheFastPathDeclines) {
  const Decoded<Json> bad = ParseBody(R"({"a":1,})", Encoding::kJson);
  ASSERT_TRUE(std::holds_alternative<ApiError>(bad));
  EXPECT_EQ(std::get<ApiError>(bad).type, "SerializationException");
  EXPECT_EQ(std::get<ApiError>(bad).message, "the body is not valid JSON");
}

// Text from the tokens flat JSON is made of (and a few it is not), so both readers meet the
// edges: every text the fast path accepts, nlohmann reads to the same document.
RC_GTEST_PROP(FlatJsonProperty, WhatTheFastPathReadsNlohmannReadsTheSame, ()) {
  static const std::vector<std::string> kTokens = {
      "{",     "}",         "\"",         ":",     ",",    " ", "\n", "\"a\"",
      "\"b\"", "\"Limit\"", "\"x y/+=\"", "0",     "7",    "-", "12", "999999999999999999",
      "1.5",   "e",         "true",       "false", "null", "[", "]",  "\\",
      "\\n",   "\x01",      "\xc3\xa9"};
  const std::vector<size_t> picks =
      *rc::gen::container<std::vector<size_t>>(rc::gen::inRange<size_t>(0, kTokens.size()));
  std::string text;
  for (size_t i : picks) text += kTokens[i];
  const std::optional<Json> flat = ParseFlatJsonObject(text);
  if (!flat) return;
  const Json reference = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  RC_ASSERT(!reference.is_discarded());
  RC_ASSERT(SameDocument(*flat, reference));
}

// Most generated texts are not JSON at all; these are, so the property meets accepted texts too.
RC_GTEST_PROP(FlatJsonProperty, GeneratedFlatObjectsAreReadAsNlohmannReadsThem, ()) {
  const auto keys = *rc::gen::container<std::vector<std::string>>(
      rc::gen::container<std::string>(rc::gen::inRange<char>('a', 'e')));
  std::string text = "{";
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) text += *rc::gen::element<std::string>(",", " ,", ", ");
    text += "\"" + keys[i] + "\":";
    const int kind = *rc::gen::inRange(0, 4);
    if (kind == 0) text += std::to_string(*rc::gen::arbitrary<int32_t>());
    if (kind == 1)
      text += "\"" + *rc::gen::container<std::string>(rc::gen::inRange<char>(' ', '~')) + "\"";
    if (kind == 2) text += *rc::gen::element<std::string>("true", "false", "null");
    if (kind == 3) text += std::to_string(*rc::gen::inRange<int64_t>(0, 999'999'999'999'999'999));
  }
  text += "}";
  const Json reference = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  const std::optional<Json> flat = ParseFlatJsonObject(text);
  if (reference.is_discarded()) {
    RC_ASSERT(!flat.has_value());
    return;
  }
  if (!flat) return;  // declined (a key twice, a backslash or quote in a string)
  RC_ASSERT(SameDocument(*flat, reference));
}

}  // namespace
}  // namespace shardsim::server
