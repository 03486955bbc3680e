#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "model/kinesis_model.h"
#include "properties/check.h"
#include "timeline/report.h"
#include "timeline/timeline.h"

namespace shardsim::cli {

namespace {

using nlohmann::json;
using sim::Duration;
using sim::Instant;

Instant At(const char* rfc3339) {
  const absl::StatusOr<Instant> t = Instant::Parse(rfc3339);
  SHARDSIM_CHECK(t.ok(), "a scripted time is RFC 3339");
  return *t;
}

// The seed article's experiment (waitingforcode.com, "Kinesis sequence number is not an Apache
// Kafka offset"), replayed in virtual time on the observed bucket profile.
json ReplayArticle(std::string& text) {
  model::KinesisModel kinesis(2023);
  model::StreamOptions options;
  options.counter_start = 8398;  // the article's shard had issued this many counter values
  Instant now = At("2023-04-05T07:06:12Z");
  const std::string stream = "test-offsets";
  const std::string shard = "shardId-000000000000";
  SHARDSIM_CHECK(kinesis.CreateStream(now, {.StreamName = stream, .ShardCount = 1}, options).ok(),
                 "create stream");
  absl::StrAppend(&text, "1. The seed article's experiment, in virtual time\n", "   ",
                  now.ToString(), "  create-stream ", stream, " (1 shard, buckets ",
                  options.buckets.ToString(), ")\n");
  json out;
  for (const auto& [time, data, key] : {std::tuple{"2023-04-05T07:08:10.670Z", "a", "1"},
                                        std::tuple{"2023-04-05T07:08:27.176Z", "b", "2"}}) {
    now = At(time);
    const auto put = kinesis.PutRecord(now, {stream, key, data, std::nullopt});
    SHARDSIM_CHECK(put.ok(), "put");
    absl::StrAppend(&text, "   ", now.ToString(), "  put-record '", data, "' -> ",
                    put->SequenceNumber, "\n");
    out["puts"].push_back({{"data", data}, {"sequence_number", put->SequenceNumber}});
  }
  const std::string last_seq = out["puts"][1]["sequence_number"];
  now = now + Duration::Hours(17) + Duration::Minutes(33);
  const auto it = kinesis.GetShardIterator(
      now,
      {stream, shard, model::ShardIteratorType::AFTER_SEQUENCE_NUMBER, last_seq, std::nullopt});
  SHARDSIM_CHECK(it.ok(), "iterator");
  absl::StrAppend(&text, "   ... 17 h 33 min of silence ...\n");
  std::string iterator = it->ShardIterator;
  json pages = json::array();
  for (int i = 0; i < 3; ++i) {
    now = now + Duration::Seconds(1);
    const auto page = kinesis.GetRecords(now, {iterator, std::nullopt, std::nullopt});
    SHARDSIM_CHECK(page.ok(), "page");
    absl::StrAppend(&text, "   ", now.ToString(), "  get-records ",
                    i == 0 ? "AFTER 'b'        " : "NextShardIterator", " -> Records: [], ",
                    "MillisBehindLatest: ", page->MillisBehindLatest, "\n");
    pages.push_back(page->MillisBehindLatest);
    iterator = *page->NextShardIterator;
  }
  out["millis_behind_latest"] = pages;
  now = now + Duration::Seconds(5);
  SHARDSIM_CHECK(kinesis.PutRecord(now, {stream, "3", "3", std::nullopt}).ok(), "put 3");
  absl::StrAppend(&text, "   ", now.ToString(), "  put-record '3'\n");
  int calls = 0;
  for (;;) {
    now = now + Duration::Millis(250);
    const auto page = kinesis.GetRecords(now, {iterator, std::nullopt, std::nullopt});
    SHARDSIM_CHECK(page.ok(), "page");
    ++calls;
    if (!page->Records.empty()) {
      absl::StrAppend(&text, "   ", now.ToString(), "  get-records #", calls, " -> '",
                      page->Records[0].Data, "' at last (MillisBehindLatest ",
                      page->MillisBehindLatest, ")\n");
      break;
    }
    iterator = *page->NextShardIterator;
  }
  absl::StrAppend(&text, "   It took ", calls, " more calls, every one of them an empty page, ",
                  "about one per bucket of shard time. A loop that stops on an empty page\n",
                  "   stops at the first of them, and never sees '3'.\n\n");
  out["calls_to_reach_new_record"] = calls;
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

}  // namespace

int RunDemo(const DemoFlags& flags) {
  const uint64_t cases = flags.cases;
  const int jobs = flags.jobs > 0
                       ? flags.jobs
                       : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string text;
  json out;
  out["article"] = ReplayArticle(text);

  absl::StrAppend(&text, "2. Every catalogue loop, ", cases,
                  " generated scenarios each, against an emulator-like stream (dense: one call\n"
                  "   reaches any record, as in kinesalite, LocalStack, moto) and against the "
                  "bucketed stream Kinesis is:\n\n");
  absl::StrAppend(&text, absl::StrFormat("   %-40s %-32s %-32s %s\n", "strategy",
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
        absl::StrFormat("   %-40s %-32s %-32s %s\n", s->name, cell(dense), cell(kinesis),
                        hides       ? "<- passes on an emulator only"
                        : unreached ? "(its bug went unnoticed here: try check --cases 10000)"
                                    : ""));
    table.push_back({{"strategy", s->name},
                     {"expected", s->expected.violates.value_or("pass")},
                     {"emulator", dense.failed ? dense.property : "pass"},
                     {"kinesis", kinesis.failed ? kinesis.property : "pass"},
                     {"passes_emulator_fails_kinesis", hides}});
    rows.push_back({.strategy = s->name,
                    .expected = s->expected.violates.value_or("pass"),
                    .verdict = cell(kinesis),
                    .as_expected = s->expected.violates.has_value() == kinesis.failed,
                    .detail = absl::StrCat("emulator: ", cell(dense),
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
          std::pair{page, timeline::RenderReportHtml("shardsim demo: the seed article, and every "
                                                     "catalogue loop on Kinesis",
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
