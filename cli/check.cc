#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "properties/check.h"
#include "properties/failure_report.h"
#include "properties/scenario_json.h"
#include "sim/hash.h"

namespace shardsim::cli {

namespace {

using nlohmann::json;

constexpr int kResultVersion = 1;

struct ShardSpec {
  uint64_t index = 0;
  uint64_t count = 1;
};

// --shard-index/--shard-count, else GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS (ctest, GoogleTest),
// else JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) with SHARDSIM_SHARD_COUNT.
ShardSpec ResolveShard(const CheckFlags& flags) {
  ShardSpec spec;
  std::optional<uint64_t> index, count;
  if (flags.shard_index) index = ParseUnsigned("--shard-index", *flags.shard_index);
  if (flags.shard_count) count = ParseUnsigned("--shard-count", *flags.shard_count, 1);
  if (!index && !count) {
    index = UnsignedFromEnv("GTEST_SHARD_INDEX");
    count = UnsignedFromEnv("GTEST_TOTAL_SHARDS");
    if (!index && !count) {
      index = UnsignedFromEnv("JOB_COMPLETION_INDEX");
      if (index) count = UnsignedFromEnv("SHARDSIM_SHARD_COUNT");
      if (index && !count) {
        throw InputError("JOB_COMPLETION_INDEX is set: give the number of shards with "
                         "--shard-count or SHARDSIM_SHARD_COUNT");
      }
    }
  }
  if (index.has_value() != count.has_value()) {
    throw InputError("give both the shard index and the shard count, or neither");
  }
  if (count) {
    if (*count == 0) throw InputError("the shard count must be at least 1");
    if (*index >= *count) {
      throw InputError(absl::StrCat("shard index ", *index, " must be below the shard count ",
                                    *count));
    }
    spec = ShardSpec{*index, *count};
  }
  return spec;
}

std::string Hex(uint64_t v) { return absl::StrFormat("%016x", v); }

uint64_t CasesHash(const std::vector<std::pair<uint64_t, uint64_t>>& hashes) {
  uint64_t h = 0;
  for (const auto& [k, hash] : hashes) h = sim::HashBytes(absl::StrCat(k, ":", Hex(hash)), h);
  return h;
}

std::string ExpectedText(const consumer::StrategyInfo& s) {
  return s.expected.violates.value_or("pass");
}

class Progress {
 public:
  Progress(bool enabled, std::string label, uint64_t total)
      : enabled_(enabled), label_(std::move(label)), total_(total),
        start_(std::chrono::steady_clock::now()) {}
  void Update(uint64_t done, uint64_t failures) {
    if (!enabled_) return;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
    const double left = rate > 0 ? static_cast<double>(total_ - std::min(done, total_)) / rate : 0;
    const int width = 24;
    const int filled = total_ ? static_cast<int>(width * std::min(done, total_) / total_) : width;
    std::fprintf(stderr, "\r%s [%s%s] %llu/%llu cases  %.0f/s  %llu failed  %.0fs left ",
                 label_.c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total_), rate,
                 static_cast<unsigned long long>(failures), left);
    std::fflush(stderr);
  }
  void Finish() {
    if (enabled_) std::fprintf(stderr, "\n");
  }

 private:
  bool enabled_;
  std::string label_;
  uint64_t total_;
  std::chrono::steady_clock::time_point start_;
};

json FailureJson(const properties::Counterexample& c, const std::string& saved) {
  json f;
  f["property"] = Str(properties::PropertyName(c.report.violation->property));
  f["message"] = c.report.violation->message;
  f["at"] = c.report.violation->at.ToString();
  f["witness"] = c.report.violation->witness;
  f["origin"] = c.origin;
  f["case"] = c.case_index ? json(*c.case_index) : json(nullptr);
  f["shrink_steps"] = c.shrink_steps;
  f["shrink_runs"] = c.shrink_runs;
  f["minimal_records"] = c.minimal.puts.size();
  f["minimal_shards"] = c.minimal.shard_count;
  f["saved_scenario"] = saved;
  f["minimal_scenario"] = json::parse(properties::ScenarioToJson(c.minimal));
  return f;
}

json ResultJson(const consumer::StrategyInfo& strategy, const properties::CheckResult& r,
                const properties::CheckOptions& options, const std::string& profile,
                const std::string& saved) {
  json j;
  j["strategy"] = strategy.name;
  j["expected"] = ExpectedText(strategy);
  j["seed"] = options.seed;
  j["cases"] = options.cases;
  j["profile"] = profile;
  j["shard_index"] = options.shard_index;
  j["shard_count"] = options.shard_count;
  j["cases_run"] = r.cases_run;
  j["corpus_run"] = r.corpus_run;
  const bool failed = r.failure.has_value();
  j["verdict"] = failed ? "fail" : "pass";
  j["matches_expected"] =
      failed ? (strategy.expected.violates &&
                Str(properties::PropertyName(r.failure->report.violation->property)) == *strategy.expected.violates)
             : !strategy.expected.violates.has_value();
  j["failure"] = failed ? FailureJson(*r.failure, saved) : json(nullptr);
  j["cases_hash"] = Hex(CasesHash(r.case_hashes));
  j["case_hashes"] = json::array();
  for (const auto& [k, h] : r.case_hashes) j["case_hashes"].push_back({k, Hex(h)});
  return j;
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw InputError(absl::StrCat("cannot write ", path));
}

std::string SavedName(const consumer::StrategyInfo& s, const properties::CheckOptions& o,
                      const properties::Counterexample& c) {
  return absl::StrCat(s.name, "-seed", o.seed,
                      c.case_index ? absl::StrCat("-case", *c.case_index) : "-corpus");
}

}  // namespace

int RunCheck(const CheckFlags& flags) {
  if (flags.strategy.has_value() == flags.all) {
    throw InputError("check needs exactly one of --strategy NAME and --all");
  }
  properties::CheckOptions options;
  options.cases = ParseUnsigned("--cases", flags.cases, 1);
  options.seed = ParseUnsigned("--seed", flags.seed);
  options.jobs = static_cast<int>(ParseUnsigned("--jobs", flags.jobs, 1, 256));
  const ShardSpec shard = ResolveShard(flags);
  options.shard_index = shard.index;
  options.shard_count = shard.count;
  std::string profile_text = "generated";
  if (flags.profile) {
    options.generator.profile = ParseProfile(*flags.profile);
    profile_text = options.generator.profile->ToString();
  }
  if (flags.long_gaps) {
    options.generator.long_gaps = true;
    profile_text += "+long-gaps";
  }
  if (flags.corpus) {
    auto corpus = properties::ReadScenarioCorpus(*flags.corpus);
    if (!corpus.ok()) throw InputError(Str(corpus.status().message()));
    options.corpus = *std::move(corpus);
  }
  std::vector<const consumer::StrategyInfo*> strategies;
  if (flags.strategy) {
    strategies.push_back(&FindStrategy(*flags.strategy));
  } else {
    strategies = consumer::StrategyRegistry::Global().All();
  }

  const bool show_progress = !flags.quiet && ::isatty(STDERR_FILENO) == 1;
  json results = json::array();
  bool all_as_expected = true;
  bool any_failed = false;
  std::string text;
  for (const consumer::StrategyInfo* strategy : strategies) {
    const uint64_t mine = (options.cases - options.shard_index + options.shard_count - 1) /
                          options.shard_count;
    Progress progress(show_progress, strategy->name, mine);
    options.on_progress = [&progress](uint64_t done, uint64_t failures) {
      progress.Update(done, failures);
    };
    const absl::StatusOr<properties::CheckResult> result = properties::CheckStrategy(*strategy, options);
    progress.Finish();
    if (!result.ok()) throw InputError(Str(result.status().message()));
    std::string saved;
    if (result->failure) {
      const properties::Counterexample& c = *result->failure;
      const absl::StatusOr<std::string> path =
          properties::SaveFailingScenario(c.minimal, SavedName(*strategy, options, c));
      saved = path.ok() ? *path : "";
      any_failed = true;
    }
    json r = ResultJson(*strategy, *result, options, profile_text, saved);
    all_as_expected = all_as_expected && r["matches_expected"].get<bool>();
    if (!flags.json) {
      if (!result->failure) {
        absl::StrAppend(&text, "PASS ", strategy->name, ": ", result->cases_run, " cases",
                        result->corpus_run ? absl::StrCat(" and ", result->corpus_run, " corpus scenarios") : "",
                        " (seed ", options.seed, ", shard ", options.shard_index, "/",
                        options.shard_count, ", expected ", ExpectedText(*strategy), ")\n");
      } else {
        const properties::Counterexample& c = *result->failure;
        std::string report = properties::FormatFailureReport(properties::FailureReportParts{
            &c.minimal, &c.report, absl::StrCat(c.origin, " of seed ", options.seed), saved, "",
            c.shrink_steps});
        if (c.case_index) {
          absl::StrAppend(&report, "  shardsim replay --strategy ", strategy->name, " --seed ",
                          options.seed, " --case ", *c.case_index,
                          flags.profile ? absl::StrCat(" --profile ", *flags.profile) : "",
                          "   (the case before shrinking)\n");
        }
        absl::StrAppend(&text, "FAIL ", strategy->name, " (expected ", ExpectedText(*strategy),
                        ")\n", report, "\n");
      }
    }
    results.push_back(std::move(r));
  }
  json out{{"format", "shardsim-check-result"}, {"version", kResultVersion},
           {"results", results}, {"all_as_expected", all_as_expected}};
  if (flags.output) WriteFile(*flags.output, out.dump(2) + "\n");
  if (flags.json) {
    PrintJson(out);
  } else {
    Print(text);
    if (flags.all) {
      Print(all_as_expected ? "every strategy met its expected verdict\n"
                            : "some strategies did not meet their expected verdict\n");
    }
  }
  if (flags.all) return all_as_expected ? kExitOk : kExitPropertyFailed;
  return any_failed ? kExitPropertyFailed : kExitOk;
}

// merge -------------------------------------------------------------------------------------

namespace {

json ReadResultFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(absl::StrCat(path, ": cannot open the file"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  json j = json::parse(buffer.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw InputError(absl::StrCat(path, ": not valid JSON"));
  if (!j.is_object() || j.value("format", "") != "shardsim-check-result") {
    throw InputError(absl::StrCat(path, ": not a shardsim check result (format "
                                  "\"shardsim-check-result\")"));
  }
  if (!j.contains("version") || !j["version"].is_number_integer() || j["version"] != kResultVersion) {
    throw InputError(absl::StrCat(path, ": unsupported result version (this shardsim reads ",
                                  kResultVersion, ")"));
  }
  if (!j.contains("results") || !j["results"].is_array()) {
    throw InputError(absl::StrCat(path, ": missing \"results\" array"));
  }
  return j;
}

template <typename T>
T Field(const json& r, const char* key, const std::string& path) {
  if (!r.contains(key)) throw InputError(absl::StrCat(path, ": a result lacks \"", key, "\""));
  try {
    return r.at(key).get<T>();
  } catch (const json::exception&) {
    throw InputError(absl::StrCat(path, ": \"", key, "\" has the wrong type"));
  }
}

// A result entry as merge reads it: every key it uses is there with the right type, so a
// hand-edited or truncated file is an input error rather than a crash.
void ValidateResult(const json& r, const std::string& path) {
  if (!r.is_object()) throw InputError(absl::StrCat(path, ": a result is not a JSON object"));
  auto need = [&](const json& obj, const char* key, const char* what, auto&& ok,
                  const std::string& where) {
    if (!obj.contains(key)) {
      throw InputError(absl::StrCat(path, ": ", where, "lacks \"", key, "\""));
    }
    if (!ok(obj.at(key))) {
      throw InputError(absl::StrCat(path, ": ", where, "\"", key, "\" must be ", what));
    }
  };
  const auto is_string = [](const json& v) { return v.is_string(); };
  const auto is_unsigned = [](const json& v) { return v.is_number_unsigned(); };
  for (const char* key : {"strategy", "expected", "profile"}) {
    need(r, key, "a string", is_string, "a result ");
  }
  for (const char* key :
       {"seed", "cases", "shard_index", "shard_count", "cases_run", "corpus_run"}) {
    need(r, key, "a non-negative integer", is_unsigned, "a result ");
  }
  const std::string where = absl::StrCat("result of ", r.at("strategy").get<std::string>(), " ");
  const uint64_t index = r.at("shard_index").get<uint64_t>();
  const uint64_t count = r.at("shard_count").get<uint64_t>();
  if (index >= count) {
    throw InputError(absl::StrCat(path, ": ", where, "has shard index ", index,
                                  ", not below its shard count ", count));
  }
  need(r, "failure", "null or an object",
       [](const json& v) { return v.is_null() || v.is_object(); }, where);
  const json& f = r.at("failure");
  if (f.is_object()) {
    const std::string in_failure = absl::StrCat(where, "failure ");
    for (const char* key : {"property", "origin", "saved_scenario"}) {
      need(f, key, "a string", is_string, in_failure);
    }
    need(f, "case", "null or a non-negative integer",
         [](const json& v) { return v.is_null() || v.is_number_unsigned(); }, in_failure);
  }
  need(r, "case_hashes", "an array of [case, hex hash] pairs", [](const json& v) {
    if (!v.is_array()) return false;
    for (const json& pair : v) {
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number_unsigned() ||
          !pair[1].is_string()) {
        return false;
      }
      const std::string& hex = pair[1].get_ref<const std::string&>();
      if (hex.empty() || hex.size() > 16 ||
          hex.find_first_not_of("0123456789abcdef") != std::string::npos) {
        return false;
      }
    }
    return true;
  }, where);
}

}  // namespace

int RunMerge(const MergeFlags& flags) {
  if (flags.files.empty()) throw InputError("merge needs at least one result file");
  // strategy -> (shard index -> result), with the file each came from.
  std::map<std::string, std::map<uint64_t, std::pair<json, std::string>>> by_strategy;
  for (const std::string& path : flags.files) {
    const json file = ReadResultFile(path);
    for (const json& r : file["results"]) {
      ValidateResult(r, path);
      const std::string strategy = Field<std::string>(r, "strategy", path);
      const uint64_t index = Field<uint64_t>(r, "shard_index", path);
      if (!by_strategy[strategy].emplace(index, std::make_pair(r, path)).second) {
        throw InputError(absl::StrCat(path, ": shard ", index, " of ", strategy,
                                      " appears twice"));
      }
    }
  }
  json merged = json::array();
  bool all_as_expected = true;
  bool any_failed = false;
  for (auto& [strategy, shards] : by_strategy) {
    const auto& [first, first_path] = shards.begin()->second;
    const uint64_t count = Field<uint64_t>(first, "shard_count", first_path);
    for (const auto& [index, entry] : shards) {
      const auto& [r, path] = entry;
      for (const char* key : {"seed", "cases", "profile", "shard_count"}) {
        if (r.at(key) != first.at(key)) {
          throw InputError(absl::StrCat(path, ": \"", key, "\" of ", strategy,
                                        " differs from ", first_path));
        }
      }
    }
    if (shards.size() != count) {
      throw InputError(absl::StrCat(strategy, ": ", shards.size(), " of ", count,
                                    " shards given"));
    }
    // The campaign's failure is the one with the lowest case index; cases above it are
    // dropped, as an unsharded run stops there too.
    std::optional<uint64_t> failing_case;
    json failure = nullptr;
    uint64_t corpus_run = 0;
    std::vector<std::pair<uint64_t, uint64_t>> hashes;
    for (const auto& [index, entry] : shards) {
      const auto& [r, path] = entry;
      corpus_run = std::max(corpus_run, Field<uint64_t>(r, "corpus_run", path));
      const json& f = r.at("failure");
      if (!f.is_null()) {
        const std::optional<uint64_t> k =
            f.at("case").is_null() ? std::optional<uint64_t>(0) : f.at("case").get<uint64_t>();
        if (!failing_case || *k < *failing_case || f.at("case").is_null()) {
          failing_case = k;
          failure = f;
        }
      }
      for (const json& pair : r.at("case_hashes")) {
        uint64_t h = 0;
        std::istringstream(pair.at(1).get<std::string>()) >> std::hex >> h;
        hashes.emplace_back(pair.at(0).get<uint64_t>(), h);
      }
    }
    std::sort(hashes.begin(), hashes.end());
    if (failing_case) {
      std::erase_if(hashes, [&](const auto& p) { return p.first > *failing_case; });
      if (failure.at("case").is_null()) hashes.clear();
    }
    json m = first;
    m["shard_index"] = 0;
    m["shard_count"] = 1;
    m["cases_run"] = hashes.size();
    m["corpus_run"] = corpus_run;
    m["failure"] = failure;
    m["verdict"] = failure.is_null() ? "pass" : "fail";
    const std::string expected = m.at("expected").get<std::string>();
    m["matches_expected"] = failure.is_null() ? expected == "pass"
                                              : failure.at("property") == expected;
    m["cases_hash"] = Hex(CasesHash(hashes));
    m["case_hashes"] = json::array();
    for (const auto& [k, h] : hashes) m["case_hashes"].push_back({k, Hex(h)});
    all_as_expected = all_as_expected && m["matches_expected"].get<bool>();
    any_failed = any_failed || !failure.is_null();
    merged.push_back(std::move(m));
  }
  json out{{"format", "shardsim-check-result"}, {"version", kResultVersion},
           {"results", merged}, {"all_as_expected", all_as_expected}};
  if (flags.json) {
    PrintJson(out);
  } else {
    std::string text;
    for (const json& r : merged) {
      absl::StrAppend(&text, r["verdict"] == "pass" ? "PASS " : "FAIL ",
                      r["strategy"].get<std::string>(), ": ", r["cases_run"].get<uint64_t>(),
                      " cases, cases hash ", r["cases_hash"].get<std::string>());
      if (!r["failure"].is_null()) {
        absl::StrAppend(&text, ", ", r["failure"]["property"].get<std::string>(), " at ",
                        r["failure"]["origin"].get<std::string>(), "; replay with shardsim replay --scenario ",
                        r["failure"]["saved_scenario"].get<std::string>());
      }
      absl::StrAppend(&text, "\n");
    }
    Print(text);
  }
  return any_failed ? kExitPropertyFailed : kExitOk;
}

}  // namespace shardsim::cli
