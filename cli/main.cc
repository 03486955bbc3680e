// The shardsim command's subcommands, registered in one place (Main below): replay the seed
// article, check consumer loops, replay failures, explain sequence numbers. Exit status: 0
// every property holds, 1 a property fails, 2 usage or input error. `int main` is elsewhere
// (cli/shardsim_main.cc, or the one shardsim_add_cli generates for a user's own command).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/number_flags.h"
#include "consumer/strategy_registry.h"
#include "model/sequence_number.h"

namespace shardsim::cli {
namespace {

// Error messages are one line, whatever a library put in them.
std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

// --shard-index and --shard-count with GoogleTest's variables as defaults, and a Kubernetes
// Indexed Job's JOB_COMPLETION_INDEX / SHARDSIM_SHARD_COUNT as the next ones (options of a
// hidden group: CLI11 gives an option one environment variable).
void AddShardFlags(CLI::App* check_cmd, CheckFlags& check) {
  AddNumber<uint64_t>(check_cmd, "--shard-index", check.shard_index,
                      "this shard of a campaign (else $JOB_COMPLETION_INDEX)", 0, UINT64_MAX,
                      "GTEST_SHARD_INDEX");
  AddNumber<uint64_t>(check_cmd, "--shard-count", check.shard_count,
                      "shards of the campaign (else $SHARDSIM_SHARD_COUNT)", 1, UINT64_MAX,
                      "GTEST_TOTAL_SHARDS");
  CLI::Option_group* job = check_cmd->add_option_group("");
  AddNumberWithSource<uint64_t>(job, "--job-completion-index", check.job_completion_index,
                                "the shard index of a Kubernetes Indexed Job", 0, UINT64_MAX,
                                "JOB_COMPLETION_INDEX", " (from $JOB_COMPLETION_INDEX)");
  AddNumberWithSource<uint64_t>(job, "--job-shard-count", check.job_shard_count,
                                "the shard count of a Kubernetes Indexed Job", 1, UINT64_MAX,
                                "SHARDSIM_SHARD_COUNT", " (from $SHARDSIM_SHARD_COUNT)");
}

CLI::App* AddCheckCommand(CLI::App& app, CheckFlags& check) {
  CLI::App* check_cmd = app.add_subcommand("check", "check strategies on generated scenarios");
  check_cmd->add_option("--strategy", check.strategy, "the strategy to check");
  check_cmd->add_flag("--all", check.all, "check every strategy against its expected verdict");
  AddNumber<uint64_t>(check_cmd, "--cases", check.cases, "generated cases (default 1000)", 1,
                      UINT64_MAX);
  AddNumber<uint64_t>(check_cmd, "--seed", check.seed, "seed of the case space (default 1)", 0,
                      UINT64_MAX);
  check_cmd->add_option("--profile", check.profile,
                        "bucket profile for every case: observed, dense, fixed:W, range:MIN-MAX");
  check_cmd->add_flag(
      "--long-gaps", check.long_gaps,
      "give half the cases producer gaps of up to 14 days (slower: pollers pay per second)");
  AddNumber(check_cmd, "--jobs", check.jobs, "threads; results equal --jobs 1 (default 1)", 1, 256);
  AddShardFlags(check_cmd, check);
  check_cmd->add_option("--corpus", check.corpus,
                        "replay the saved scenarios of this folder first");
  check_cmd->add_option("--output", check.output, "also write the JSON result to this file");
  check_cmd
      ->add_option("--failure-dir", check.failure_dir,
                   "where a failing case's minimal scenario is saved (default shardsim-failures)")
      ->envname("SHARDSIM_FAILURE_DIR");
  check_cmd->add_flag("--json", check.json, "print JSON");
  check_cmd->add_option(
      "--report", check.report_dir,
      "also write an HTML page (verdicts, a picture per failure) into this folder");
  check_cmd->add_flag("--quiet", check.quiet, "no progress bar");
  check_cmd->add_option("--client", check.client,
                        "check a real client instead: this command, run per case against its own "
                        "shardsim serve (default 20 cases)");
  check_cmd->add_option("--scenario", check.scenario,
                        "with --client: run it on this saved scenario only (the replay line)");
  check_cmd->add_option("--client-name", check.client_name,
                        "with --client: its AWS_ACCESS_KEY_ID (default shardsim-client)");
  check_cmd->add_option("--call-budget", check.call_budget,
                        "with --client: Kinesis calls a run may make before it ends with a "
                        "termination verdict (default: derived from each scenario, printed)");
  check_cmd->add_option("--client-timeout", check.client_timeout,
                        "removed: runs are bounded by calls (--call-budget), not wall time");
  check_cmd->add_option("--client-idle", check.client_idle,
                        "with --client: wall time without a request after which the client is "
                        "stopped as hung, an error rather than a verdict (default 5s)");
  check_cmd->add_option("--client-start", check.client_start,
                        "with --client: wall time a run may take to its first request before it "
                        "is stopped as hung (default 30s)");
  check_cmd->add_option(
      "--rerun-every", check.rerun_every,
      "with --client: a batch job, started again this much virtual time after it exits");
  check_cmd->add_option("--shrink-runs", check.shrink_runs,
                        "with --client: runs of the client shrinking may take (default 100)");
  check_cmd->add_option("--shrink-time", check.shrink_time,
                        "removed: shrinking is bounded by --shrink-runs, not wall time");
  check_cmd->add_option("--step", check.step,
                        "with --client: virtual time per call (default: the scenario's poll "
                        "interval plus its call latency)");
  check_cmd->add_option("--client-log", check.client_log,
                        "with --client: write the server log of the reported run to this file");
  return check_cmd;
}

CLI::App* AddEncodeCommand(CLI::App* seqnum_cmd, SeqnumEncodeFlags& encode) {
  CLI::App* encode_cmd = seqnum_cmd->add_subcommand("encode", "build a sequence number");
  AddNumber<uint32_t>(encode_cmd, "--shard-index", encode.shard_index, "shard index", 0, UINT32_MAX)
      ->required();
  encode_cmd
      ->add_option("--created", encode.created_seconds, "shard creation time (RFC 3339 or Unix s)")
      ->transform(UnixSecondsOrRfc3339(model::kSequenceNumberMaxSeconds))
      ->required();
  encode_cmd->add_option("--put", encode.put_seconds, "put time (RFC 3339 or Unix s)")
      ->transform(UnixSecondsOrRfc3339(model::kSequenceNumberMaxSeconds))
      ->required();
  AddNumber<uint64_t>(encode_cmd, "--counter", encode.counter, "64-bit counter", 0, UINT64_MAX)
      ->required();
  encode_cmd->add_flag("--json", encode.json, "print JSON");
  return encode_cmd;
}

}  // namespace

int Main(int argc, char** argv, const Program& program) {
  // Command lines to paste (replay lines, hints) name the command as it was run, so they work
  // without the build folder on PATH; errors and --help say the command's own name (a user's
  // command built by shardsim_add_cli is not `shardsim`).
  SetProgramName(CommandAsRun(argc > 0 ? argv[0] : nullptr, program.name));
  const char* const typed = ProgramName().c_str();
  const char* const name = program.name.c_str();
  CLI::App app{absl::StrCat(program.name,
                            ": deterministic simulation and property testing of Kinesis consumers"),
               program.name};
  app.require_subcommand(1);
  app.fallthrough(false);

  DemoFlags demo;
  CLI::App* demo_cmd = app.add_subcommand(
      "demo",
      "replay the seed article and show which loops pass on an emulator but fail on Kinesis");
  AddNumber<uint64_t>(demo_cmd, "--cases", demo.cases, "generated scenarios per loop and profile",
                      1, 100'000);
  AddNumber(demo_cmd, "--jobs", demo.jobs, "threads (0: one per hardware thread)", 0, 256);
  demo_cmd->add_flag("--json", demo.json, "print JSON");
  demo_cmd->add_option("--report", demo.report_dir,
                       "also write the article's picture and an HTML page into this folder");

  ListFlags list;
  CLI::App* list_cmd = app.add_subcommand("list", "list the strategies and the properties");
  list_cmd->add_flag("--json", list.json, "print JSON");

  CheckFlags check;
  CLI::App* check_cmd = AddCheckCommand(app, check);

  MergeFlags merge;
  CLI::App* merge_cmd = app.add_subcommand("merge", "combine the JSON results of campaign shards");
  merge_cmd->add_option("files", merge.files, "result files")->required();
  merge_cmd->add_flag("--json", merge.json, "print JSON");

  ReplayFlags replay;
  CLI::App* replay_cmd = app.add_subcommand("replay", "run one case again and print its trace");
  replay_cmd->add_option("--strategy", replay.strategy, "strategy");
  AddNumber<uint64_t>(replay_cmd, "--seed", replay.seed, "seed of the case space", 0, UINT64_MAX);
  AddNumber<uint64_t>(replay_cmd, "--case", replay.case_index, "case index (default 0)", 0,
                      UINT64_MAX);
  replay_cmd->add_option("--profile", replay.profile, "bucket profile used by the check");
  replay_cmd->add_flag("--long-gaps", replay.long_gaps, "the case space of check --long-gaps");
  replay_cmd->add_option("--scenario", replay.scenario, "a saved scenario (JSON)");
  replay_cmd->add_option("--format", replay.format, "text, jsonl or svg (default text)");
  replay_cmd->add_option("--log", replay.log,
                         "re-run a `shardsim serve --log` file and report the first difference "
                         "(with --format svg: draw the session)");
  replay_cmd->add_option("--stream", replay.stream,
                         "with --log --format svg: the stream to draw (default the first created)");

  ServeFlags serve;
  CLI::App* serve_cmd = app.add_subcommand(
      "serve", "a Kinesis endpoint (JSON and CBOR over HTTP/1.1 and HTTP/2) on the bucketed model");
  serve_cmd->add_option("--host", serve.host, "address to bind (default 127.0.0.1)");
  AddNumber<uint64_t>(serve_cmd, "--port", serve.port, "port (default 4567; 0 picks a free one)", 0,
                      65535);
  AddNumber<uint64_t>(serve_cmd, "--seed", serve.seed,
                      "seed of bucket widths and request ids (default 1)", 0, UINT64_MAX);
  serve_cmd->add_option(
      "--profile", serve.profile,
      "bucket profile: observed, dense, fixed:W, range:MIN-MAX (default observed)");
  serve_cmd->add_option("--clock", serve.clock,
                        "manual, scaled:K, wall or per-request[:STEP] (default manual; with "
                        "--scenario per-request, its step the scenario's poll interval plus call "
                        "latency)");
  serve_cmd->add_option("--scenario", serve.scenario,
                        "play this saved scenario (puts, reshards, competing readers) and judge "
                        "every client; verdicts printed when the server stops");
  serve_cmd->add_option("--log", serve.log,
                        "write every request and response to this JSON Lines file");
  serve_cmd->add_option("--latency", serve.latency,
                        "virtual time each call takes with the manual clock (default 200ms)");
  serve_cmd->add_option("--create-delay", serve.create_delay,
                        "virtual time a stream stays CREATING, UPDATING after a change, DELETING "
                        "(default 200ms; 0 under --clock manual --latency 0s)");
  serve_cmd->add_option("--start", serve.start,
                        "virtual start time, RFC 3339 (default 2023-01-01T00:00:00Z)");
  serve_cmd->add_option("--limits", serve.limits,
                        "aws (the documented per-shard rate limits) or off (default aws)");
  serve_cmd->add_option("--request-timeout", serve.request_timeout,
                        "wall time a client has to send a request body (default 10s)");
  serve_cmd->add_flag("--tls", serve.tls,
                      "serve TLS (HTTP/1.1 and h2 by ALPN); without --tls-cert and --tls-key, "
                      "with a self-signed certificate whose file is printed");
  serve_cmd->add_option("--tls-cert", serve.tls_cert,
                        "PEM certificate (chain) file; implies --tls");
  serve_cmd->add_option("--tls-key", serve.tls_key, "PEM private key file of --tls-cert");

  CLI::App* clock_cmd =
      app.add_subcommand("clock", "show or move the clock of a running shardsim serve");
  clock_cmd->require_subcommand(1);
  ClockFlags clock;
  CLI::App* advance_cmd = clock_cmd->add_subcommand("advance", "move the clock forward");
  advance_cmd->add_option("duration", clock.value, "e.g. 17h33m, 250ms")->required();
  CLI::App* set_cmd = clock_cmd->add_subcommand("set", "move the clock forward to a time");
  set_cmd->add_option("time", clock.value, "RFC 3339, e.g. 2023-04-06T00:41:28Z")->required();
  CLI::App* show_cmd = clock_cmd->add_subcommand("show", "print the virtual time");
  for (CLI::App* sub : {advance_cmd, set_cmd, show_cmd}) {
    sub->add_option("--endpoint", clock.endpoint, "http://HOST:PORT (default $SHARDSIM_ENDPOINT)");
    sub->add_flag("--json", clock.json, "print JSON");
  }

  CLI::App* seqnum_cmd = app.add_subcommand("seqnum", "decode or encode a Kinesis sequence number");
  seqnum_cmd->require_subcommand(1);
  SeqnumDecodeFlags decode;
  CLI::App* decode_cmd = seqnum_cmd->add_subcommand("decode", "explain a sequence number");
  decode_cmd->add_option("number", decode.number, "a 56-digit sequence number")->required();
  decode_cmd->add_flag("--json", decode.json, "print JSON");
  SeqnumEncodeFlags encode;
  CLI::App* encode_cmd = AddEncodeCommand(seqnum_cmd, encode);

  if (argc > 1 && argv[1][0] != '-') {
    const std::string first = argv[1];
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands({})) known = known || sub->get_name() == first;
    if (!known) {
      std::fprintf(stderr,
                   "%s: error: unknown subcommand '%s' (one of demo, list, check, merge, "
                   "replay, seqnum, serve, clock)\n",
                   name, first.c_str());
      return kExitInputError;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11 checks for a missing subcommand before it reports leftover arguments, so
    // `shardsim --bogus` and `shardsim seqnum frob` would only say "A subcommand is required";
    // name what was given instead.
    const bool in_seqnum = seqnum_cmd->parsed();
    const std::vector<std::string> left = app.remaining(true);
    if (e.get_name() == "RequiredError" && !in_seqnum && !*demo_cmd && !*list_cmd && !*check_cmd &&
        !*merge_cmd && !*replay_cmd && !*serve_cmd && !clock_cmd->parsed()) {
      if (!left.empty() && !left[0].empty() && left[0][0] == '-') {
        std::fprintf(stderr,
                     "%s: error: unknown flag '%s' (give a subcommand first: one "
                     "of demo, list, check, merge, replay, seqnum, serve, clock)\n",
                     name, left[0].c_str());
      } else {
        std::fprintf(stderr,
                     "%s: error: a subcommand is required: one of demo, list, "
                     "check, merge, replay, seqnum, serve, clock (try %s --help)\n",
                     name, typed);
      }
      return kExitInputError;
    }
    if (e.get_name() == "RequiredError" && in_seqnum && !*decode_cmd && !*encode_cmd) {
      if (!left.empty()) {
        std::fprintf(stderr,
                     "%s: error: unknown seqnum %s '%s' (seqnum takes decode "
                     "or encode)\n",
                     name, left[0].empty() || left[0][0] != '-' ? "subcommand" : "flag",
                     left[0].c_str());
      } else {
        std::fprintf(stderr, "%s: error: seqnum needs a subcommand: decode or encode\n", name);
      }
      return kExitInputError;
    }
    if (e.get_name() == "RequiredError" && clock_cmd->parsed() && !*advance_cmd && !*set_cmd &&
        !*show_cmd) {
      std::fprintf(stderr, "%s: error: clock needs a subcommand: advance, set or show\n", name);
      return kExitInputError;
    }
    std::fprintf(stderr, "%s: error: %s (try %s --help)\n", name, OneLine(e.what()).c_str(), typed);
    return kExitInputError;
  }
  try {
    if (*demo_cmd) return RunDemo(demo);
    if (*list_cmd) return RunList(list);
    if (*check_cmd && check.client) {
      if (check_cmd->count("--cases") == 0) check.cases = 20;
      return RunCheckClient(check);
    }
    if (*check_cmd) {
      for (const char* flag : {"--scenario", "--client-name", "--call-budget", "--client-timeout",
                               "--client-idle", "--client-start", "--rerun-every", "--shrink-runs",
                               "--shrink-time", "--client-log", "--step"}) {
        if (check_cmd->count(flag) > 0) throw InputError(absl::StrCat(flag, " needs --client"));
      }
      return RunCheck(check);
    }
    if (*merge_cmd) return RunMerge(merge);
    if (*replay_cmd && replay.log) {
      if (replay.strategy || replay.seed || replay.case_index || replay.profile ||
          replay.scenario || replay.long_gaps) {
        throw InputError(
            "replay --log re-runs a server log; it takes no --strategy, --seed, "
            "--case, --profile, --long-gaps or --scenario");
      }
      return RunReplayLog(replay);
    }
    if (*replay_cmd && replay.stream) throw InputError("--stream needs --log FILE --format svg");
    if (*replay_cmd) return RunReplay(replay);
    if (*serve_cmd) {
      serve.clock_given = serve_cmd->count("--clock") > 0;
      return RunServe(serve);
    }
    if (*advance_cmd || *set_cmd || *show_cmd) {
      clock.action = *advance_cmd ? "advance" : *set_cmd ? "set" : "show";
      return RunClock(clock);
    }
    if (*decode_cmd) return RunSeqnumDecode(decode);
    if (*encode_cmd) return RunSeqnumEncode(encode);
  } catch (const InputError& e) {
    std::fprintf(stderr, "%s: error: %s\n", name, OneLine(e.what()).c_str());
    return kExitInputError;
  }
  std::fprintf(stderr, "%s: error: no subcommand (try %s --help)\n", name, typed);
  return kExitInputError;
}

}  // namespace shardsim::cli
