#include <algorithm>
#include <set>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "catalogue/catalogue.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "properties/check.h"
#include "timeline/article_walk.h"
#include "timeline/report.h"
#include "timeline/timeline.h"

namespace shardsim::cli {

namespace {

using nlohmann::json;

// The seed article's experiment (waitingforcode.com, "Kinesis sequence number is not an Apache
// Kafka offset"), replayed in virtual time on the observed bucket profile (article_walk.h).
json ReplayArticle(std::string& text) {
  const timeline::ArticleWalk walk = timeline::RunArticleWalk();
  absl::StrAppend(&text, "1. The seed article's experiment, in virtual time\n", "   ",
                  walk.created.ToString(), "  create-stream ", walk.stream, " (1 shard, buckets ",
                  walk.buckets.ToString(), ")\n");
  json out;
  for (const timeline::ArticleWalk::Put& put : walk.puts) {
    absl::StrAppend(&text, "   ", put.at.ToString(), "  put-record '", put.data, "' -> ",
                    put.sequence_number, "\n");
    out["puts"].push_back({{"data", put.data}, {"sequence_number", put.sequence_number}});
  }
  absl::StrAppend(&text, "   ... 17 h 33 min of silence ...\n");
  json pages = json::array();
  for (size_t i = 0; i < walk.silent_pages.size(); ++i) {
    const timeline::ArticleWalk::Page& page = walk.silent_pages[i];
    absl::StrAppend(&text, "   ", page.at.ToString(), "  get-records ",
                    i == 0 ? "AFTER 'b'        " : "NextShardIterator", " -> Records: [], ",
                    "MillisBehindLatest: ", page.millis_behind_latest, "\n");
    pages.push_back(page.millis_behind_latest);
  }
  out["millis_behind_latest"] = pages;
  absl::StrAppend(&text, "   ", walk.new_record_put.ToString(), "  put-record '3'\n");
  if (!walk.reached) {
    absl::StrAppend(&text, "   '3' was still not back after ", walk.calls,
                    " calls, every one of them an empty page (the walk's bound).\n\n");
    out["calls_to_reach_new_record"] = nullptr;
    return out;
  }
  absl::StrAppend(&text, "   ", walk.reached->at.ToString(), "  get-records #", walk.calls, " -> '",
                  walk.reached_data, "' at last (MillisBehindLatest ",
                  walk.reached->millis_behind_latest, ")\n");
  absl::StrAppend(&text, "   It took ", walk.calls,
                  " more calls, every one of them an empty page, ",
                  "about one per bucket of shard time. A loop that stops on an empty page\n",
                  "   stops at the first of them, and never sees '3'.\n\n");
  out["calls_to_reach_new_record"] = walk.calls;
  return out;
}

struct Verdict {
  bool failed = false;
  std::string property;
};

Verdict CheckOn(const consumer::StrategyInfo& strategy, const model::BucketProfile& profile,
                uint64_t cases, int jobs) {
  properties::CheckOptions options;
  options.seed = 1;
  options.cases = cases;
  options.jobs = jobs;
  options.shrink = false;
  options.generator.profile = profile;
  const absl::StatusOr<properties::CheckResult> result =
      properties::CheckStrategy(strategy, options);
  SHARDSIM_CHECK(result.ok(), "demo options are valid");
  if (!result->failure) return {};
  return {true,
          sim::ToString(properties::PropertyName(result->failure->report.violation->property))};
}

// How the verdict table names the loops it checks: "catalogue" only when the command registers
// the catalogue and nothing else (shardsim itself); a command of shardsim_add_cli registers the
// user's loops, with the catalogue's beside them only when built with CATALOGUE.
const char* LoopsChecked(const consumer::StrategyRegistry& registry) {
  std::set<std::string> catalogue;
  for (const consumer::StrategyInfo& entry : catalogue::Entries()) catalogue.insert(entry.name);
  std::set<std::string> registered;
  for (const consumer::StrategyInfo* s : registry.All()) registered.insert(s->name);
  return registered == catalogue ? "catalogue" : "registered";
}

// The demo table's "reads" column.
std::string ReadsCell(consumer::ReadApi reads) {
  return reads == consumer::ReadApi::kEnhancedFanOut ? "subscribe" : "poll";
}

}  // namespace

int RunDemo(const DemoFlags& flags) {
  const uint64_t cases = flags.cases;
  const int jobs = flags.jobs > 0
                       ? flags.jobs
                       : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string text;
  json out;
  out["article"] = ReplayArticle(text);

  const char* loops = LoopsChecked(consumer::StrategyRegistry::Global());
  absl::StrAppend(&text, "2. Every ", loops, " loop, ", cases,
                  " generated scenarios each, against an emulator-like stream (dense: one call\n"
                  "   reaches any record, as in kinesalite, LocalStack, moto) and against the "
                  "bucketed stream Kinesis is:\n\n");
  absl::StrAppend(&text, absl::StrFormat("   %-40s %-9s %-32s %-32s %s\n", "strategy", "reads",
                                         "emulator (dense)", "Kinesis (observed)", ""));
  json table = json::array();
  std::vector<timeline::ReportRow> rows;
  int hidden = 0;
  for (const consumer::StrategyInfo* s : consumer::StrategyRegistry::Global().All()) {
    const Verdict dense = CheckOn(*s, model::BucketProfile::Dense(), cases, jobs);
    const Verdict kinesis = CheckOn(*s, model::BucketProfile::Observed(), cases, jobs);
    const bool hides = !dense.failed && kinesis.failed;
    hidden += hides;
    auto cell = [](const Verdict& v) {
      return v.failed ? "FAIL " + v.property : std::string("pass");
    };
    const bool unreached = s->expected.violates.has_value() && !dense.failed && !kinesis.failed;
    absl::StrAppend(
        &text,
        absl::StrFormat("   %-40s %-9s %-32s %-32s %s\n", s->name, ReadsCell(s->reads), cell(dense),
                        cell(kinesis),
                        hides       ? "<- passes on an emulator only"
                        : unreached ? "(its bug went unnoticed here: try check --cases 10000)"
                                    : ""));
    table.push_back({{"strategy", s->name},
                     {"reads", sim::ToString(consumer::ReadApiName(s->reads))},
                     {"expected", s->expected.violates.value_or("pass")},
                     {"emulator", dense.failed ? dense.property : "pass"},
                     {"kinesis", kinesis.failed ? kinesis.property : "pass"},
                     {"passes_emulator_fails_kinesis", hides}});
    rows.push_back(
        {.strategy = s->name,
         .expected = s->expected.violates.value_or("pass"),
         .verdict = cell(kinesis),
         .as_expected = s->expected.violates.has_value() == kinesis.failed,
         .detail = absl::StrCat("reads: ", ReadsCell(s->reads), "; emulator: ", cell(dense),
                                hides ? " (passes on an emulator only)" : "")});
  }
  absl::StrAppend(&text, "\n   ", hidden,
                  " loop(s) pass against an emulator yet fail against "
                  "Kinesis.\n   Next: ",
                  ProgramName(), " list; ", ProgramName(), " check --strategy NAME; ",
                  ProgramName(), " replay --strategy NAME --seed S --case K\n");
  out["verdicts"] = table;
  out["cases_per_profile"] = cases;
  out["passes_emulator_fails_kinesis"] = hidden;
  if (flags.report_dir) {
    const std::string svg = timeline::RenderArticleWalkSvg();
    const std::string page = *flags.report_dir + "/index.html";
    for (const auto& [path, content] :
         {std::pair{*flags.report_dir + "/seed-article.svg", svg},
          std::pair{page, timeline::RenderReportHtml(
                              absl::StrCat("shardsim demo: the seed article, and every ", loops,
                                           " loop on Kinesis"),
                              rows, svg)}}) {
      const absl::Status written = timeline::WriteTextFile(path, content);
      if (!written.ok()) throw InputError(sim::ToString(written.message()));
    }
    absl::StrAppend(&text, "   report: ", page, " (the article's walk: ", *flags.report_dir,
                    "/seed-article.svg)\n");
  }
  if (flags.json) {
    PrintJson(out);
  } else {
    Print(text);
  }
  return kExitOk;
}

}  // namespace shardsim::cli
