// shardsim check --client: a real client's command, checked like a strategy (the same
// progress bar, JSON result, exit statuses, corpus and replay line), see
// clientcheck/client_check.h.
#include <unistd.h>

#include <fstream>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "cli/campaign_text.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/progress.h"
#include "clientcheck/client_check.h"
#include "properties/campaign_result.h"
#include "properties/harness.h"
#include "properties/scenario_files.h"
#include "server/clock.h"

namespace shardsim::cli {

namespace {

std::chrono::milliseconds WallFlag(const std::string& flag, const std::string& text) {
  absl::StatusOr<sim::Duration> d = server::ParseDurationText(text);
  if (!d.ok()) throw InputError(absl::StrCat(flag, ": ", sim::ToString(d.status().message())));
  if (*d <= sim::Duration::Zero()) throw InputError(absl::StrCat(flag, " must be positive"));
  return std::chrono::milliseconds(std::max<int64_t>(1, d->millis()));
}

// The command as one shell word, so the replay line works when pasted.
std::string ShellQuote(const std::string& text) {
  return absl::StrCat("'", absl::StrReplaceAll(text, {{"'", "'\\''"}}), "'");
}

// "3 records on 2 shards, 1 reshard (4 shards involved), 1 competing reader, span 17h33m": a
// counterexample's size; the shards involved are those of its run up to the failure at `at`.
std::string SizeOf(const properties::Scenario& s, sim::Instant at) {
  sim::Duration span = sim::Duration::Zero();
  for (const auto& p : s.puts) span = std::max(span, p.at);
  for (const auto& r : s.reshards) span = std::max(span, r.at);
  std::string out = absl::StrCat(s.puts.size(), s.puts.size() == 1 ? " record" : " records", " on ",
                                 s.shard_count, s.shard_count == 1 ? " shard" : " shards");
  if (!s.reshards.empty()) {
    absl::StrAppend(&out, ", ", s.reshards.size(),
                    s.reshards.size() == 1 ? " reshard" : " reshards", " (",
                    properties::ShardsInvolved(s, at), " shards involved)");
  }
  if (!s.competing_readers.empty()) {
    absl::StrAppend(&out, ", ", s.competing_readers.size(), " competing reader",
                    s.competing_readers.size() == 1 ? "" : "s");
  }
  absl::StrAppend(&out, ", puts spanning ", span.ToString(), ", buckets ",
                  s.stream.buckets.ToString());
  return out;
}

}  // namespace

int RunCheckClient(const CheckFlags& flags) {
  if (flags.strategy || flags.all)
    throw InputError("--client checks a command: no --strategy or --all");
  if (flags.client->empty()) throw InputError("--client needs a command");
  if (flags.profile || flags.long_gaps || flags.shard_index || flags.shard_count ||
      flags.report_dir) {
    throw InputError(
        "--client takes no --profile, --long-gaps, --shard-index, --shard-count or --report");
  }
  clientcheck::ClientCheckOptions options;
  options.client.command = *flags.client;
  options.client.client_name = flags.client_name;
  if (flags.client_timeout) {
    throw InputError(
        "--client-timeout was removed: a run ends at its scenario's end in virtual time or at "
        "its call budget (--call-budget N), never at a wall-time bound; --client-idle guards "
        "against a hang");
  }
  if (flags.call_budget && *flags.call_budget == 0)
    throw InputError("--call-budget must be at least 1");
  options.client.call_budget = flags.call_budget;
  options.client.idle_bound = WallFlag("--client-idle", flags.client_idle);
  options.client.start_bound = WallFlag("--client-start", flags.client_start);
  if (flags.shrink_time) {
    throw InputError(
        "--shrink-time was removed: shrinking is bounded by runs (--shrink-runs N), "
        "so that the minimal scenario does not depend on the machine's speed");
  }
  if (flags.shrink_runs < 0) throw InputError("--shrink-runs must not be negative");
  options.max_shrink_runs = flags.shrink_runs;
  options.seed = flags.seed;
  options.cases = flags.scenario ? 0 : flags.cases;
  options.jobs = flags.jobs;
  if (flags.rerun_every) {
    absl::StatusOr<sim::Duration> d = server::ParseDurationText(*flags.rerun_every);
    if (!d.ok() || *d <= sim::Duration::Zero()) {
      throw InputError(
          absl::StrCat("--rerun-every: '", *flags.rerun_every, "' is not a positive duration"));
    }
    options.rerun_every = *d;
  }
  if (flags.step) {
    absl::StatusOr<sim::Duration> d = server::ParseDurationText(*flags.step);
    if (!d.ok() || *d <= sim::Duration::Zero()) {
      throw InputError(absl::StrCat("--step: '", *flags.step, "' is not a positive duration"));
    }
    options.client.step = *d;
  }
  if (flags.corpus) {
    auto corpus = properties::ReadScenarioCorpus(*flags.corpus);
    if (!corpus.ok()) throw InputError(sim::ToString(corpus.status().message()));
    options.corpus = *std::move(corpus);
  }
  if (flags.scenario) {
    absl::StatusOr<properties::Scenario> s = properties::ReadScenarioFile(*flags.scenario);
    if (!s.ok())
      throw InputError(absl::StrCat("--scenario: ", sim::ToString(s.status().message())));
    options.corpus.emplace_back(*flags.scenario, *std::move(s));
  }
  // A saved scenario alone: its one run writes the log (no second run needed).
  const bool log_in_run = flags.client_log && flags.scenario && options.corpus.size() == 1;
  if (log_in_run) options.client.log_path = *flags.client_log;
  const bool show_progress = !flags.quiet && ::isatty(STDERR_FILENO) == 1;
  Progress progress(show_progress, "client", options.cases);
  options.on_progress = [&progress](uint64_t done, uint64_t failures) {
    progress.Update(done, failures);
  };

  absl::StatusOr<clientcheck::ClientCheckResult> result = clientcheck::CheckClient(options);
  progress.Finish();
  if (!result.ok()) throw InputError(sim::ToString(result.status().message()));

  const consumer::StrategyInfo strategy = clientcheck::ClientStrategy(options.rerun_every);
  const std::string label = absl::StrCat("client `", *flags.client, "`");
  std::string text;
  std::string saved;
  std::optional<properties::Scenario> logged;
  if (result->check.failure) {
    const properties::Counterexample& c = *result->check.failure;
    logged = c.minimal;
    const absl::StatusOr<std::string> path = properties::SaveScenarioInDirectory(
        c.minimal, flags.failure_dir,
        c.case_index ? absl::StrCat("client-seed", options.seed, "-case", *c.case_index)
                     : std::string("client-scenario"));
    saved = path.ok() ? *path : "";
    const properties::Violation& v = *c.report.violation;
    absl::StrAppend(
        &text, "FAIL ", label, ": ", sim::ToString(properties::PropertyName(v.property)), " (",
        c.origin,
        c.case_index ? absl::StrCat(" of seed ", options.seed, ", shrunk in ", c.shrink_steps,
                                    " steps and ", c.shrink_runs, " runs")
                     : ", a saved scenario, not shrunk",
        result->shrink_stopped_at_bound ? "; shrinking stopped at its bound" : "", ")\n");
    absl::StrAppend(&text, "  at ", v.at.ToString(), ": ",
                    absl::StrJoin(properties::ViolationSentences(v.message, v.witness), "\n    "),
                    "\n");
    absl::StrAppend(&text, "  counterexample: ", SizeOf(c.minimal, v.at), "\n");
    if (result->failure_run) {
      const clientcheck::ClientRun& run = *result->failure_run;
      absl::StrAppend(&text, "  the client made ", run.calls,
                      " calls (its budget: ", run.call_budget, "; ", run.jumps,
                      " idle calls jumped the clock ", run.jumped.ToString(), ") in ", run.runs,
                      run.runs == 1 ? " run" : " runs", " (", run.ended, "; ", run.crashes,
                      run.crashes == 1 ? " crash" : " crashes", " played, ", run.stats.restarts,
                      run.stats.restarts == 1 ? " restart" : " restarts", " judged), ",
                      run.stats.records_processed, " of ", run.stats.records_put,
                      " records delivered, ", run.stats.empty_pages, " empty pages\n");
    }
    if (!saved.empty()) absl::StrAppend(&text, "  minimal scenario: ", saved, "\n");
    absl::StrAppend(
        &text, "  replay: ", ProgramName(), " check --client ", ShellQuote(*flags.client),
        saved.empty() ? "" : absl::StrCat(" --scenario ", ShellQuote(saved)),
        options.rerun_every ? absl::StrCat(" --rerun-every ", *flags.rerun_every) : "",
        flags.step ? absl::StrCat(" --step ", *flags.step) : "",
        flags.client_name != "shardsim-client" ? absl::StrCat(" --client-name ", flags.client_name)
                                               : "",
        "\n");
  } else {
    const std::vector<double>& walls = result->case_wall_seconds;
    const double total = std::accumulate(walls.begin(), walls.end(), 0.0);
    absl::StrAppend(&text, "PASS ", label, ": ", result->check.cases_run, " cases",
                    result->check.corpus_run
                        ? absl::StrCat(" and ", result->check.corpus_run, " saved scenarios")
                        : "",
                    " (seed ", options.seed, ")",
                    walls.empty() ? "" : absl::StrFormat(", %.2f s per case", total / walls.size()),
                    "; ", result->crashes_played,
                    result->crashes_played == 1 ? " crash" : " crashes", " played, ",
                    result->restarts, result->restarts == 1 ? " restart" : " restarts", " judged, ",
                    result->redeliveries, result->redeliveries == 1 ? " record" : " records",
                    " delivered again\n");
  }
  if (log_in_run) {
    absl::StrAppend(&text, "server log: ", *flags.client_log, "\n");
  } else if (flags.client_log) {
    // The reported run once more, with its server log (the same client and scenario give the
    // same log bytes).
    const properties::Scenario scenario =
        logged ? *logged
               : clientcheck::ForClient(
                     options.corpus.empty()
                         ? properties::GenerateCase(strategy, options.seed, 0, options.generator)
                         : options.corpus.back().second,
                     strategy);
    clientcheck::ClientOptions with_log = options.client;
    with_log.log_path = *flags.client_log;
    absl::StatusOr<clientcheck::ClientRun> again = clientcheck::RunClientCase(scenario, with_log);
    if (!again.ok()) throw InputError(sim::ToString(again.status().message()));
    absl::StrAppend(&text, "server log: ", *flags.client_log, "\n");
  }
  properties::CheckOptions check_options;
  check_options.seed = options.seed;
  check_options.cases = std::max<uint64_t>(1, options.cases);
  check_options.generator = options.generator;
  properties::CampaignResult campaign;
  campaign.results.push_back(
      properties::StrategyResultOf(strategy, result->check, check_options, "client", saved));
  campaign.results.back().strategy = label;
  if (result->subscription_events > 0) campaign.results.back().reads = "enhanced_fan_out";
  if (!flags.json) absl::StrAppend(&text, ProbeText(campaign.results.back(), false));
  const std::string json = properties::CampaignResultToJson(campaign);
  if (flags.output) {
    std::ofstream out(*flags.output, std::ios::binary | std::ios::trunc);
    out << json;
    if (!out) throw InputError(absl::StrCat("cannot write ", *flags.output));
  }
  Print(flags.json ? json : text);
  return result->check.failure ? kExitPropertyFailed : kExitOk;
}

}  // namespace shardsim::cli
