// Fuzz target: campaign result JSON and merging (properties/campaign_result.h). The input is
// one or more result documents separated by a line "--"; each parses to a result or an
// InvalidArgument, and a parsed result writes to JSON that parses back equal. The parsed
// results, as shards, merge to a campaign or an InvalidArgument; a merged campaign is
// unsharded (shard 0 of 1), its case hashes are in case order and none lies above its
// failure, cases_run counts them, it survives a JSON round trip, and merging it again
// changes nothing.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "fuzz/fuzz_check.h"
#include "properties/campaign_result.h"

namespace {

using shardsim::properties::CampaignResult;
using shardsim::properties::CampaignResultFromJson;
using shardsim::properties::CampaignResultToJson;
using shardsim::properties::MergeCampaignResults;
using shardsim::properties::NamedCampaignResult;
using shardsim::properties::StrategyResult;

constexpr size_t kMaxDocuments = 8;

std::vector<std::string_view> SplitDocuments(std::string_view text) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < kMaxDocuments) {
    const size_t at = text.find("\n--\n");
    if (at == std::string_view::npos) break;
    out.push_back(text.substr(0, at));
    text.remove_prefix(at + 4);
  }
  out.push_back(text);
  return out;
}

void CheckRoundTrip(const CampaignResult& result) {
  const std::string json = CampaignResultToJson(result);
  const absl::StatusOr<CampaignResult> back = CampaignResultFromJson(json);
  FUZZ_CHECK(back.ok(), back.status().ToString() + "\n" + json);
  FUZZ_CHECK(*back == result, "the written result parses to a different one:\n" + json);
  FUZZ_CHECK(CampaignResultToJson(*back) == json, "writing it again gives other bytes");
}

void CheckMerged(const CampaignResult& merged) {
  for (const StrategyResult& r : merged.results) {
    FUZZ_CHECK(r.shard_index == 0 && r.shard_count == 1, "a merged result is still a shard");
    FUZZ_CHECK(std::is_sorted(r.case_hashes.begin(), r.case_hashes.end()),
               "merged case hashes out of case order");
    FUZZ_CHECK(r.cases_run == r.case_hashes.size(), "cases_run does not count the case hashes");
    if (r.failure) {
      const auto& failing = r.failure->case_index;
      for (const auto& [k, hash] : r.case_hashes) {
        FUZZ_CHECK(failing && k <= *failing, absl::StrCat("case ", k, " kept above the failure"));
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<NamedCampaignResult> shards;
  for (std::string_view document : SplitDocuments(text)) {
    absl::StatusOr<CampaignResult> parsed = CampaignResultFromJson(document);
    if (!parsed.ok()) {
      FUZZ_CHECK(absl::IsInvalidArgument(parsed.status()), parsed.status().ToString());
      continue;
    }
    CheckRoundTrip(*parsed);
    shards.push_back({absl::StrCat("shard-", shards.size(), ".json"), *std::move(parsed)});
  }
  if (shards.empty()) return 0;
  const absl::StatusOr<CampaignResult> merged = MergeCampaignResults(shards);
  if (!merged.ok()) {
    FUZZ_CHECK(absl::IsInvalidArgument(merged.status()), merged.status().ToString());
    return 0;
  }
  CheckMerged(*merged);
  CheckRoundTrip(*merged);
  const absl::StatusOr<CampaignResult> again = MergeCampaignResults({{"merged", *merged}});
  FUZZ_CHECK(again.ok(), again.status().ToString());
  FUZZ_CHECK(*again == *merged, "merging a merged campaign changes it");
  return 0;
}
