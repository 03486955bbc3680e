#include "server/protocol.h"

#include <algorithm>
#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "server/cbor.h"
#include "server/flat_json.h"
#include "sim/strings.h"

namespace shardsim::server {

namespace {

constexpr int kMaxNesting = 64;

constexpr std::array<std::pair<Operation, std::string_view>, 28> kOperations = {{
    {Operation::kCreateStream, "CreateStream"},
    {Operation::kDeleteStream, "DeleteStream"},
    {Operation::kDescribeStream, "DescribeStream"},
    {Operation::kDescribeStreamSummary, "DescribeStreamSummary"},
    {Operation::kListStreams, "ListStreams"},
    {Operation::kListShards, "ListShards"},
    {Operation::kGetShardIterator, "GetShardIterator"},
    {Operation::kGetRecords, "GetRecords"},
    {Operation::kPutRecord, "PutRecord"},
    {Operation::kPutRecords, "PutRecords"},
    {Operation::kSplitShard, "SplitShard"},
    {Operation::kMergeShards, "MergeShards"},
    {Operation::kUpdateShardCount, "UpdateShardCount"},
    {Operation::kIncreaseStreamRetentionPeriod, "IncreaseStreamRetentionPeriod"},
    {Operation::kDecreaseStreamRetentionPeriod, "DecreaseStreamRetentionPeriod"},
    {Operation::kRegisterStreamConsumer, "RegisterStreamConsumer"},
    {Operation::kDescribeStreamConsumer, "DescribeStreamConsumer"},
    {Operation::kListStreamConsumers, "ListStreamConsumers"},
    {Operation::kDeregisterStreamConsumer, "DeregisterStreamConsumer"},
    {Operation::kSubscribeToShard, "SubscribeToShard"},
    {Operation::kAddTagsToStream, "AddTagsToStream"},
    {Operation::kRemoveTagsFromStream, "RemoveTagsFromStream"},
    {Operation::kListTagsForStream, "ListTagsForStream"},
    {Operation::kEnableEnhancedMonitoring, "EnableEnhancedMonitoring"},
    {Operation::kDisableEnhancedMonitoring, "DisableEnhancedMonitoring"},
    {Operation::kStartStreamEncryption, "StartStreamEncryption"},
    {Operation::kStopStreamEncryption, "StopStreamEncryption"},
    {Operation::kDescribeLimits, "DescribeLimits"},
}};

// kOperations is in enum order, so OperationName indexes it.
constexpr bool InEnumOrder() {
  for (size_t i = 0; i < kOperations.size(); ++i) {
    if (kOperations[i].first != static_cast<Operation>(i)) return false;
  }
  return true;
}
static_assert(InEnumOrder() && kOperations.back().first == Operation::kDescribeLimits,
              "kOperations lists every Operation once, in enum order");

// The rest of the 2013-12-02 API (botocore's service-2.json).
constexpr std::array<std::string_view, 11> kUnimplemented = {
    "DeleteResourcePolicy",
    "GetResourcePolicy",
    "ListTagsForResource",
    "PutResourcePolicy",
    "TagResource",
    "UntagResource",
    "UpdateStreamMode",
    "DescribeAccountSettings",
    "UpdateAccountSettings",
    "UpdateMaxRecordSize",
    "UpdateStreamWarmThroughput",
};

// Nesting depth of a JSON text, counted outside strings; false past kMaxNesting.
bool JsonNestingWithinLimit(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxNesting) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

}  // namespace

std::string_view ContentType(Encoding encoding) {
  return encoding == Encoding::kCbor ? "application/x-amz-cbor-1.1" : "application/x-amz-json-1.1";
}

std::optional<Encoding> EncodingForContentType(std::string_view content_type) {
  const absl::string_view type =
      absl::StripAsciiWhitespace(sim::ToAbsl(content_type.substr(0, content_type.find(';'))));
  if (absl::EqualsIgnoreCase(type, "application/x-amz-json-1.1") ||
      absl::EqualsIgnoreCase(type, "application/x-amz-json-1.0") ||
      absl::EqualsIgnoreCase(type, "application/json")) {
    return Encoding::kJson;
  }
  if (absl::EqualsIgnoreCase(type, "application/x-amz-cbor-1.1") ||
      absl::EqualsIgnoreCase(type, "application/cbor")) {
    return Encoding::kCbor;
  }
  return std::nullopt;
}

std::optional<Operation> OperationFromName(std::string_view name) {
  for (const auto& [op, op_name] : kOperations) {
    if (op_name == name) return op;
  }
  return std::nullopt;
}

std::string_view OperationName(Operation op) { return kOperations[static_cast<size_t>(op)].second; }

bool IsUnimplementedKinesisOperation(std::string_view name) {
  return std::find(kUnimplemented.begin(), kUnimplemented.end(), name) != kUnimplemented.end();
}

std::string StreamArn(std::string_view region, std::string_view stream) {
  return sim::Cat("arn:aws:kinesis:", region, ":", kAccount, ":stream/", stream);
}

Decoded<Json> ParseBody(std::string_view body, Encoding encoding) {
  if (body.empty()) return Json::object();
  Json doc;
  if (encoding == Encoding::kJson) {
    if (std::optional<Json> flat = ParseFlatJsonObject(body)) return *std::move(flat);
    if (!JsonNestingWithinLimit(body)) {
      return SerializationError(sim::Cat("the body nests deeper than ", kMaxNesting, " levels"));
    }
    doc = Json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return SerializationError("the body is not valid JSON");
  } else {
    const std::optional<std::string> untagged = StripCborTags(body, kMaxNesting);
    if (!untagged) return SerializationError("the body is not valid CBOR (or nests too deep)");
    doc = Json::from_cbor(*untagged, /*strict=*/true, /*allow_exceptions=*/false,
                          Json::cbor_tag_handler_t::ignore);
    if (doc.is_discarded()) return SerializationError("the body is not valid CBOR");
  }
  if (!doc.is_object()) {
    return SerializationError(sim::Cat("the body must be a structure, got ", JsonTypeName(doc)));
  }
  if (encoding == Encoding::kCbor) {
    if (auto e = NormalizeCbor(doc, "")) return *e;
  }
  return doc;
}

}  // namespace shardsim::server
