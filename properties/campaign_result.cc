#include "properties/campaign_result.h"

#include <algorithm>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "model/kinesis_model.h"
#include "properties/harness.h"
#include "properties/scenario_json.h"
#include "sim/hash.h"
#include "sim/strings.h"

namespace shardsim::properties {

namespace {

using nlohmann::json;

constexpr char kFormat[] = "shardsim-check-result";

std::string Hex(uint64_t v) { return absl::StrFormat("%016x", v); }

// A failure's `minimal_shards`: ShardsInvolved up to the violation (the run ends there), or
// over the whole scenario when `at` is not a time.
int MinimalShards(const CampaignFailure& f) {
  const absl::StatusOr<sim::Instant> at = sim::Instant::Parse(f.at);
  return ShardsInvolved(f.minimal_scenario,
                        at.ok() ? std::optional<sim::Instant>(*at) : std::nullopt);
}

// Writing -----------------------------------------------------------------------------------

json FailureToJson(const CampaignFailure& f) {
  return {{"property", f.property},
          {"message", f.message},
          {"at", f.at},
          {"witness", f.witness},
          {"origin", f.origin},
          {"case", f.case_index ? json(*f.case_index) : json(nullptr)},
          {"shrink_steps", f.shrink_steps},
          {"shrink_runs", f.shrink_runs},
          {"minimal_records", f.minimal_scenario.puts.size()},
          {"minimal_shards", MinimalShards(f)},
          {"saved_scenario", f.saved_scenario},
          {"minimal_scenario", json::parse(ScenarioToJson(f.minimal_scenario))}};
}

// The probes of a result: per probe how many cases reached it and the situations none reached
// (derived), and each case's probes as bits named by "bit_names" (read back).
json ProbesToJson(const StrategyResult& r) {
  if (!r.case_probes) return nullptr;
  const ProbeCounts counts = r.probe_counts();
  json names = json::array();
  json hits = json::object();
  for (const ProbeInfo& info : AllProbes()) {
    names.push_back(info.name);
    hits[std::string(info.name)] = counts.of(info.probe);
  }
  json unreached = json::array();
  for (Probe p : counts.Unreached(r.read_api())) unreached.push_back(InfoOf(p).name);
  json cases = json::array();
  for (const auto& [k, set] : *r.case_probes) cases.push_back({k, set.bits()});
  return {{"cases", counts.cases},
          {"hits", hits},
          {"unreached", unreached},
          {"bit_names", names},
          {"case_bits", cases}};
}

json StrategyResultToJson(const StrategyResult& r) {
  json hashes = json::array();
  for (const auto& [k, h] : r.case_hashes) hashes.push_back({k, Hex(h)});
  return {{"strategy", r.strategy},
          {"reads", r.reads},
          {"probes", ProbesToJson(r)},
          {"expected", r.expected},
          {"seed", r.seed},
          {"cases", r.cases},
          {"profile", r.profile},
          {"shard_index", r.shard_index},
          {"shard_count", r.shard_count},
          {"cases_run", r.cases_run},
          {"corpus_run", r.corpus_run},
          {"verdict", r.failure ? "fail" : "pass"},
          {"matches_expected", r.matches_expected()},
          {"failure", r.failure ? FailureToJson(*r.failure) : json(nullptr)},
          {"cases_hash", Hex(r.cases_hash())},
          {"case_hashes", hashes}};
}

// Reading -----------------------------------------------------------------------------------
// Keys are checked for presence and type, so a hand-edited or truncated file is an error
// naming the key rather than a crash. Keys derived from others (verdict, matches_expected,
// cases_hash, minimal_records, minimal_shards) are recomputed, not read.

bool IsString(const json& v) { return v.is_string(); }
bool IsUnsigned(const json& v) { return v.is_number_unsigned(); }
// A count read into an int: a non-negative integer no larger than INT_MAX (larger ones would
// be truncated silently).
bool IsCount(const json& v) {
  return v.is_number_integer() && v >= 0 && v <= std::numeric_limits<int>::max();
}
bool IsStringArray(const json& v) {
  return v.is_array() && std::all_of(v.begin(), v.end(), IsString);
}
bool IsCaseHashes(const json& v) {
  if (!v.is_array()) return false;
  return std::all_of(v.begin(), v.end(), [](const json& pair) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number_unsigned() ||
        !pair[1].is_string()) {
      return false;
    }
    const std::string& hex = pair[1].get_ref<const std::string&>();
    return !hex.empty() && hex.size() <= 16 &&
           hex.find_first_not_of("0123456789abcdef") == std::string::npos;
  });
}

// Checks that `object` has `key` and that `ok` holds for it; `where` starts the message.
absl::Status Need(const json& object, const char* key, const char* what, bool (*ok)(const json&),
                  const std::string& where) {
  if (!object.contains(key)) {
    return absl::InvalidArgumentError(absl::StrCat(where, "lacks \"", key, "\""));
  }
  if (!ok(object.at(key))) {
    return absl::InvalidArgumentError(absl::StrCat(where, "\"", key, "\" must be ", what));
  }
  return absl::OkStatus();
}

absl::StatusOr<CampaignFailure> FailureFromJson(const json& f, const std::string& where) {
  for (const char* key : {"property", "message", "at", "origin", "saved_scenario"}) {
    if (absl::Status s = Need(f, key, "a string", IsString, where); !s.ok()) return s;
  }
  for (const char* key : {"shrink_steps", "shrink_runs"}) {
    if (absl::Status s = Need(f, key, "an integer from 0 to 2147483647", IsCount, where); !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = Need(f, "witness", "an array of strings", IsStringArray, where); !s.ok()) {
    return s;
  }
  if (absl::Status s = Need(
          f, "case", "null or a non-negative integer",
          [](const json& v) { return v.is_null() || v.is_number_unsigned(); }, where);
      !s.ok()) {
    return s;
  }
  if (!f.contains("minimal_scenario")) {
    return absl::InvalidArgumentError(absl::StrCat(where, "lacks \"minimal_scenario\""));
  }
  absl::StatusOr<Scenario> minimal = ScenarioFromJson(f.at("minimal_scenario").dump());
  if (!minimal.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, "\"minimal_scenario\": ", sim::ToString(minimal.status().message())));
  }
  CampaignFailure out;
  out.property = f.at("property").get<std::string>();
  out.message = f.at("message").get<std::string>();
  out.at = f.at("at").get<std::string>();
  out.witness = f.at("witness").get<std::vector<std::string>>();
  out.origin = f.at("origin").get<std::string>();
  if (!f.at("case").is_null()) out.case_index = f.at("case").get<uint64_t>();
  out.shrink_steps = f.at("shrink_steps").get<int>();
  out.shrink_runs = f.at("shrink_runs").get<int>();
  out.saved_scenario = f.at("saved_scenario").get<std::string>();
  out.minimal_scenario = *std::move(minimal);
  return out;
}

// The keys every result entry has, checked before any is read.
absl::Status CheckResultKeys(const json& r) {
  if (!r.is_object()) return absl::InvalidArgumentError("a result is not a JSON object");
  for (const char* key : {"strategy", "expected", "profile"}) {
    if (absl::Status s = Need(r, key, "a string", IsString, "a result "); !s.ok()) return s;
  }
  for (const char* key :
       {"seed", "cases", "shard_index", "shard_count", "cases_run", "corpus_run"}) {
    if (absl::Status s = Need(r, key, "a non-negative integer", IsUnsigned, "a result "); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

std::vector<std::pair<uint64_t, uint64_t>> CaseHashesFromJson(const json& pairs) {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  for (const json& pair : pairs) {
    uint64_t hash = 0;
    (void)absl::SimpleHexAtoi(pair[1].get<std::string>(), &hash);  // checked: 1-16 hex digits
    out.emplace_back(pair[0].get<uint64_t>(), hash);
  }
  return out;
}

// The "probes" of a result (see ProbesToJson): each case's bits, renumbered from the file's
// "bit_names" to this build's probes. InvalidArgument naming a malformed key or an unknown probe.
absl::StatusOr<std::vector<std::pair<uint64_t, ProbeSet>>> CaseProbesFromJson(
    const json& probes, const std::string& where) {
  if (absl::Status s = Need(probes, "bit_names", "an array of strings", IsStringArray, where);
      !s.ok()) {
    return s;
  }
  const json& names = probes.at("bit_names");
  if (names.size() > 32) {
    return absl::InvalidArgumentError(absl::StrCat(where, "\"bit_names\" names more than 32"));
  }
  std::vector<Probe> bit_to_probe;
  for (const json& name : names) {
    const std::optional<Probe> probe = ParseProbe(name.get<std::string>());
    if (!probe) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "names an unknown probe \"", name.get<std::string>(), "\""));
    }
    bit_to_probe.push_back(*probe);
  }
  const auto is_case_bits = [](const json& v) {
    return v.is_array() && std::all_of(v.begin(), v.end(), [](const json& pair) {
             return pair.is_array() && pair.size() == 2 && pair[0].is_number_unsigned() &&
                    pair[1].is_number_unsigned() && pair[1] <= 0xffffffffULL;
           });
  };
  if (absl::Status s =
          Need(probes, "case_bits", "an array of [case, bits] pairs", is_case_bits, where);
      !s.ok()) {
    return s;
  }
  std::vector<std::pair<uint64_t, ProbeSet>> out;
  for (const json& pair : probes.at("case_bits")) {
    const uint64_t bits = pair[1].get<uint64_t>();
    if (bits >> bit_to_probe.size() != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "\"case_bits\" sets a bit \"bit_names\" does not name"));
    }
    ProbeSet set;
    for (size_t b = 0; b < bit_to_probe.size(); ++b) {
      if ((bits >> b) & 1) set.Mark(bit_to_probe[b]);
    }
    out.emplace_back(pair[0].get<uint64_t>(), set);
  }
  return out;
}

absl::StatusOr<StrategyResult> StrategyResultFromJson(const json& r) {
  if (absl::Status s = CheckResultKeys(r); !s.ok()) return s;
  StrategyResult out;
  out.strategy = r.at("strategy").get<std::string>();
  out.expected = r.at("expected").get<std::string>();
  out.profile = r.at("profile").get<std::string>();
  out.seed = r.at("seed").get<uint64_t>();
  out.cases = r.at("cases").get<uint64_t>();
  out.shard_index = r.at("shard_index").get<uint64_t>();
  out.shard_count = r.at("shard_count").get<uint64_t>();
  out.cases_run = r.at("cases_run").get<uint64_t>();
  out.corpus_run = r.at("corpus_run").get<uint64_t>();
  const std::string where = absl::StrCat("result of ", out.strategy, " ");
  if (out.shard_index >= out.shard_count) {
    return absl::InvalidArgumentError(absl::StrCat(where, "has shard index ", out.shard_index,
                                                   ", not below its shard count ",
                                                   out.shard_count));
  }
  if (absl::Status s = Need(
          r, "failure", "null or an object",
          [](const json& v) { return v.is_null() || v.is_object(); }, where);
      !s.ok()) {
    return s;
  }
  if (r.at("failure").is_object()) {
    absl::StatusOr<CampaignFailure> failure =
        FailureFromJson(r.at("failure"), absl::StrCat(where, "failure "));
    if (!failure.ok()) return failure.status();
    out.failure = *std::move(failure);
  }
  if (absl::Status s =
          Need(r, "case_hashes", "an array of [case, hex hash] pairs", IsCaseHashes, where);
      !s.ok()) {
    return s;
  }
  out.case_hashes = CaseHashesFromJson(r.at("case_hashes"));
  if (r.contains("reads")) {
    const json& reads = r.at("reads");
    if (!reads.is_string() || (reads != "polling" && reads != "enhanced_fan_out")) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "\"reads\" must be \"polling\" or \"enhanced_fan_out\""));
    }
    out.reads = reads.get<std::string>();
  }
  if (r.contains("probes") && !r.at("probes").is_null()) {
    if (!r.at("probes").is_object()) {
      return absl::InvalidArgumentError(absl::StrCat(where, "\"probes\" must be an object"));
    }
    auto probes = CaseProbesFromJson(r.at("probes"), absl::StrCat(where, "probes "));
    if (!probes.ok()) return probes.status();
    out.case_probes = *std::move(probes);
  }
  return out;
}

absl::Status CheckHeader(const json& j) {
  // Type-checked before compared: json::value() throws on a "format" that is not a string.
  if (!j.is_object() || !j.contains("format") || !j.at("format").is_string() ||
      j.at("format") != kFormat) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a shardsim check result (format \"", kFormat, "\")"));
  }
  if (!j.contains("version") || !j["version"].is_number_integer() ||
      j["version"] != kCampaignResultVersion) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unsupported result version (this shardsim reads ", kCampaignResultVersion, ")"));
  }
  if (!j.contains("results") || !j["results"].is_array()) {
    return absl::InvalidArgumentError("missing \"results\" array");
  }
  if (j.contains("all_strategies") && !j["all_strategies"].is_boolean()) {
    return absl::InvalidArgumentError("\"all_strategies\" must be true or false");
  }
  return absl::OkStatus();
}

// Merging -----------------------------------------------------------------------------------

// One strategy's shards by shard index, each with the source it came from.
using Shards = std::map<uint64_t, std::pair<const StrategyResult*, std::string>>;

// Shards agree with the lowest one on the campaign's parameters, and none is missing.
absl::Status CheckShardsAgree(const std::string& strategy, const Shards& shards) {
  const auto& [first, first_source] = shards.begin()->second;
  for (const auto& [index, entry] : shards) {
    const auto& [r, source] = entry;
    for (const auto& [key, same] :
         {std::pair{"seed", r->seed == first->seed}, std::pair{"cases", r->cases == first->cases},
          std::pair{"profile", r->profile == first->profile},
          std::pair{"shard_count", r->shard_count == first->shard_count}}) {
      if (!same) {
        return absl::InvalidArgumentError(
            absl::StrCat(source, ": \"", key, "\" of ", strategy, " differs from ", first_source));
      }
    }
  }
  if (shards.size() != first->shard_count) {
    return absl::InvalidArgumentError(
        absl::StrCat(strategy, ": ", shards.size(), " of ", first->shard_count, " shards given"));
  }
  return absl::OkStatus();
}

// The failure an unsharded run reports: a corpus failure, else the lowest failing case.
std::optional<CampaignFailure> FirstFailure(const Shards& shards) {
  std::optional<CampaignFailure> first;
  for (const auto& [index, entry] : shards) {
    const std::optional<CampaignFailure>& f = entry.first->failure;
    if (!f) continue;
    const bool earlier =
        !first || !f->case_index || (first->case_index && *f->case_index < *first->case_index);
    if (earlier) first = f;
  }
  return first;
}

uint64_t ValueKey(uint64_t hash) { return hash; }
uint64_t ValueKey(ProbeSet probes) { return probes.bits(); }

StrategyResult MergeShards(const Shards& shards) {
  StrategyResult merged = *shards.begin()->second.first;
  merged.shard_index = 0;
  merged.shard_count = 1;
  merged.failure = FirstFailure(shards);
  merged.corpus_run = 0;
  merged.case_hashes.clear();
  const bool probes = std::all_of(shards.begin(), shards.end(), [](const auto& entry) {
    return entry.second.first->case_probes.has_value();
  });
  merged.case_probes.reset();
  if (probes) merged.case_probes.emplace();
  for (const auto& [index, entry] : shards) {
    merged.corpus_run = std::max(merged.corpus_run, entry.first->corpus_run);
    const auto& hashes = entry.first->case_hashes;
    merged.case_hashes.insert(merged.case_hashes.end(), hashes.begin(), hashes.end());
    if (probes) {
      const auto& sets = *entry.first->case_probes;
      merged.case_probes->insert(merged.case_probes->end(), sets.begin(), sets.end());
    }
  }
  // Cases above the failing one are dropped; a corpus failure stops before any case.
  // In case order; entries of one case (shards that disagree) by their value, so that the
  // order never depends on the order the shards were given in.
  const auto in_case_order_to_failure = [&](auto& cases) {
    std::sort(cases.begin(), cases.end(), [](const auto& a, const auto& b) {
      return std::pair(a.first, ValueKey(a.second)) < std::pair(b.first, ValueKey(b.second));
    });
    if (!merged.failure) return;
    const std::optional<uint64_t> failing = merged.failure->case_index;
    std::erase_if(cases, [&](const auto& p) { return !failing || p.first > *failing; });
  };
  in_case_order_to_failure(merged.case_hashes);
  if (merged.case_probes) in_case_order_to_failure(*merged.case_probes);
  merged.cases_run = merged.case_hashes.size();
  return merged;
}

}  // namespace

bool StrategyResult::matches_expected() const {
  return failure ? failure->property == expected : expected == "pass";
}

ProbeCounts StrategyResult::probe_counts() const {
  ProbeCounts counts;
  if (case_probes) {
    for (const auto& [k, set] : *case_probes) counts.Add(set);
  }
  return counts;
}

consumer::ReadApi StrategyResult::read_api() const {
  return reads == "enhanced_fan_out" ? consumer::ReadApi::kEnhancedFanOut
                                     : consumer::ReadApi::kPolling;
}

uint64_t StrategyResult::cases_hash() const {
  uint64_t h = 0;
  for (const auto& [k, hash] : case_hashes) h = sim::HashBytes(absl::StrCat(k, ":", Hex(hash)), h);
  return h;
}

bool CampaignResult::all_as_expected() const {
  return std::all_of(results.begin(), results.end(),
                     [](const StrategyResult& r) { return r.matches_expected(); });
}

bool CampaignResult::any_failed() const {
  return std::any_of(results.begin(), results.end(),
                     [](const StrategyResult& r) { return r.failure.has_value(); });
}

bool CampaignResult::is_a_shard() const {
  return std::any_of(results.begin(), results.end(),
                     [](const StrategyResult& r) { return r.shard_count > 1; });
}

bool CampaignResult::a_passing_strategy_failed() const {
  return std::any_of(results.begin(), results.end(), [](const StrategyResult& r) {
    return r.expected == "pass" && r.failure.has_value();
  });
}

bool CampaignResult::failed_as_a_command() const {
  if (!all_strategies) return any_failed();
  return is_a_shard() ? a_passing_strategy_failed() : !all_as_expected();
}

int ShardsInvolved(const Scenario& scenario, std::optional<sim::Instant> until) {
  model::KinesisModel model(scenario.seed);
  if (!model
           .CreateStream(scenario.start,
                         {.StreamName = scenario.stream_name, .ShardCount = scenario.shard_count},
                         scenario.stream)
           .ok()) {
    return scenario.shard_count;
  }
  std::vector<ReshardSpec> reshards = scenario.reshards;
  std::stable_sort(reshards.begin(), reshards.end(),
                   [](const ReshardSpec& a, const ReshardSpec& b) { return a.at < b.at; });
  int shards = scenario.shard_count;
  for (const ReshardSpec& r : reshards) {
    const sim::Instant now = scenario.start + r.at;
    if (until && now > *until) break;
    if (r.kind == ReshardSpec::Kind::kSplit) {
      const std::string key = r.new_starting_hash_key.empty()
                                  ? SplitMidpoint(model, now, scenario.stream_name, r.shard_id)
                                  : r.new_starting_hash_key;
      if (model.SplitShard(now, {scenario.stream_name, r.shard_id, key}).ok()) shards += 2;
    } else if (model.MergeShards(now, {scenario.stream_name, r.shard_id, r.adjacent_shard_id})
                   .ok()) {
      shards += 1;
    }
  }
  return shards;
}

std::string ExpectedVerdictName(const consumer::StrategyInfo& strategy) {
  return strategy.expected.violates ? *strategy.expected.violates : "pass";
}

StrategyResult StrategyResultOf(const consumer::StrategyInfo& strategy, const CheckResult& check,
                                const CheckOptions& options, const std::string& profile,
                                const std::string& saved_scenario) {
  StrategyResult r;
  r.strategy = strategy.name;
  r.expected = ExpectedVerdictName(strategy);
  r.seed = options.seed;
  r.cases = options.cases;
  r.profile = profile;
  r.shard_index = options.shard_index;
  r.shard_count = options.shard_count;
  r.cases_run = check.cases_run;
  r.corpus_run = check.corpus_run;
  r.case_hashes = check.case_hashes;
  r.reads = std::string(consumer::ReadApiName(strategy.reads));
  r.case_probes = check.case_probes;
  if (check.failure) {
    const Counterexample& c = *check.failure;
    const Violation& v = *c.report.violation;
    r.failure = CampaignFailure{sim::ToString(properties::PropertyName(v.property)),
                                v.message,
                                v.at.ToString(),
                                v.witness,
                                c.origin,
                                c.case_index,
                                c.shrink_steps,
                                c.shrink_runs,
                                saved_scenario,
                                c.minimal};
  }
  return r;
}

std::string CampaignResultToJson(const CampaignResult& result) {
  json results = json::array();
  for (const StrategyResult& r : result.results) results.push_back(StrategyResultToJson(r));
  const json out{{"format", kFormat},
                 {"version", kCampaignResultVersion},
                 {"results", results},
                 {"all_strategies", result.all_strategies},
                 {"all_as_expected", result.all_as_expected()}};
  return out.dump(2) + "\n";
}

absl::StatusOr<CampaignResult> CampaignResultFromJson(std::string_view text) {
  const json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return absl::InvalidArgumentError("not valid JSON");
  if (absl::Status s = CheckHeader(j); !s.ok()) return s;
  CampaignResult out;
  for (const json& r : j.at("results")) {
    absl::StatusOr<StrategyResult> entry = StrategyResultFromJson(r);
    if (!entry.ok()) return entry.status();
    out.results.push_back(*std::move(entry));
  }
  out.all_strategies =
      j.contains("all_strategies") ? j.at("all_strategies").get<bool>() : out.results.size() > 1;
  return out;
}

absl::StatusOr<CampaignResult> MergeCampaignResults(
    const std::vector<NamedCampaignResult>& shards) {
  if (shards.empty()) return absl::InvalidArgumentError("no shard results to merge");
  std::vector<std::string> order;  // strategies in the order they first appear
  std::map<std::string, Shards> by_strategy;
  for (const NamedCampaignResult& shard : shards) {
    for (const StrategyResult& r : shard.result.results) {
      if (!by_strategy.contains(r.strategy)) order.push_back(r.strategy);
      if (!by_strategy[r.strategy].emplace(r.shard_index, std::pair{&r, shard.source}).second) {
        return absl::InvalidArgumentError(absl::StrCat(shard.source, ": shard ", r.shard_index,
                                                       " of ", r.strategy, " appears twice"));
      }
    }
  }
  CampaignResult merged;
  merged.all_strategies = shards.front().result.all_strategies;
  for (const NamedCampaignResult& shard : shards) {
    if (shard.result.all_strategies != merged.all_strategies) {
      return absl::InvalidArgumentError(
          absl::StrCat(shard.source, ": a result of ",
                       shard.result.all_strategies ? "check --all" : "one strategy", ", while ",
                       shards.front().source, " is of ",
                       merged.all_strategies ? "check --all" : "one strategy"));
    }
  }
  for (const std::string& strategy : order) {
    if (absl::Status s = CheckShardsAgree(strategy, by_strategy[strategy]); !s.ok()) return s;
    merged.results.push_back(MergeShards(by_strategy[strategy]));
  }
  return merged;
}

}  // namespace shardsim::properties
