// Runs the built `shardsim` binary (issue 6): exit codes, the keys of every --json output,
// byte-identical replays, --jobs 1 against --jobs 2, two shards merged against one unsharded
// run, the seed article's sequence numbers, and every row of the "Bad input" list.
//
// Each test gets its own temporary folder: the binary runs with it as working directory and
// with SHARDSIM_FAILURE_DIR pointing inside it, stdin from /dev/null, stdout and stderr
// captured separately. The sharding variables of the environment this test runs in
// (GTEST_SHARD_INDEX, ...) are not passed on, so a sharded ctest run cannot shard the child.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::HasSubstr;
using testing::Not;
using testing::StartsWith;

constexpr char kBinary[] = SHARDSIM_BINARY;
constexpr char kCorpusDir[] = SHARDSIM_CORPUS_DIR;
constexpr char kCorrect[] = "drain-until-caught-up";
// The seed article's two records (waitingforcode.com, "Kinesis sequence number is not an
// Apache Kafka offset").
constexpr char kArticleA[] = "49639543389862895699365693304023657829928072185817071618";
constexpr char kArticleB[] = "49639543389862895699365693304024866755747687983222882306";

// Variables that would change what the child does; the test sets them explicitly when needed.
const std::set<std::string>& ScrubbedVariables() {
  static const std::set<std::string> names = {"GTEST_SHARD_INDEX",       "GTEST_TOTAL_SHARDS",
                                              "GTEST_SHARD_STATUS_FILE", "JOB_COMPLETION_INDEX",
                                              "SHARDSIM_SHARD_COUNT",    "SHARDSIM_FAILURE_DIR"};
  return names;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// What one run of the binary did.
struct Outcome {
  std::string command;  // for messages
  int exit_code = -1;   // -1: it did not exit normally
  int signal = 0;       // the signal that ended it, if one did
  std::string out;
  std::string err;

  json Json() const {
    json j = json::parse(out, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << command << " printed no JSON:\n" << out;
    return j;
  }
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  return os << "`" << o.command << "` exit " << o.exit_code << " signal " << o.signal
            << "\n--- stdout (" << o.out.size() << " bytes) ---\n"
            << o.out.substr(0, 2000) << "\n--- stderr ---\n"
            << o.err.substr(0, 2000);
}

using Env = std::map<std::string, std::string>;

class CliTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::path(testing::TempDir()) / "shardsim-cli-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
    root_ = pattern;
    work_ = root_ / "work";
    failures_ = root_ / "failures";
    io_ = root_ / "io";
    fs::create_directories(work_);
    fs::create_directories(io_);
  }

  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }

  // Runs `shardsim args...` in work_ with SHARDSIM_FAILURE_DIR=failures_ plus `env`.
  // A hung child must not hang the suite: after `timeout` it is killed and the test fails.
  Outcome Shardsim(const std::vector<std::string>& args, const Env& env = {},
                   std::chrono::seconds timeout = std::chrono::seconds(60)) {
    Outcome o;
    o.command = "shardsim";
    for (const std::string& a : args) o.command += " " + a;
    for (const auto& [k, v] : env) o.command = k + "=" + v + " " + o.command;

    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string entry = *e;
      const std::string name = entry.substr(0, entry.find('='));
      if (ScrubbedVariables().count(name) || env.count(name)) continue;
      env_strings.push_back(entry);
    }
    Env child_env = env;
    child_env.emplace("SHARDSIM_FAILURE_DIR", failures_.string());
    for (const auto& [k, v] : child_env) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (std::string& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);

    std::vector<std::string> argv_strings = {argv0_};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& s : argv_strings) argv.push_back(s.data());
    argv.push_back(nullptr);

    const std::string out_path = (io_ / "stdout").string();
    const std::string err_path = (io_ / "stderr").string();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addchdir_np(&actions, work_.c_str());
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, kBinary, &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
      ADD_FAILURE() << "cannot start " << kBinary << ": " << std::strerror(spawned);
      return o;
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    for (;;) {
      const pid_t done = ::waitpid(pid, &status, WNOHANG);
      if (done == pid) break;
      if (done < 0 && errno != EINTR) {
        ADD_FAILURE() << "waitpid: " << std::strerror(errno);
        return o;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        ADD_FAILURE() << o.command << " ran for more than " << timeout.count() << " s";
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (WIFEXITED(status)) o.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) o.signal = WTERMSIG(status);
    o.out = ReadFile(out_path);
    o.err = ReadFile(err_path);
    return o;
  }

  // What the child gets as argv[0]: the command as a user typed it (the binary is run anyway).
  std::string argv0_ = kBinary;

  // The first catalogue strategy whose expected verdict is a failure, if any is registered.
  std::optional<std::string> FirstBuggyStrategy() {
    const Outcome list = Shardsim({"list", "--json"});
    if (list.exit_code != 0) {
      ADD_FAILURE() << list;
      return std::nullopt;
    }
    const json doc = list.Json();
    for (const json& s : doc.at("strategies")) {
      if (s.at("expected") != "pass") return s.at("name").get<std::string>();
    }
    return std::nullopt;
  }

  // A scenario the correct strategy fails: the corpus file with one record, allowing one call
  // per virtual second (the strategy's first two calls are 20 ms apart: bounded_call_rate).
  fs::path WriteFailingScenario(const fs::path& path) {
    json scenario =
        json::parse(ReadFile(fs::path(kCorpusDir) / "one-record-just-before-a-bucket-edge.json"));
    scenario["strategy"] = kCorrect;
    scenario["max_calls_per_second"] = 1;
    fs::create_directories(path.parent_path());
    WriteFile(path, scenario.dump(2) + "\n");
    return path;
  }

  // The saved scenarios (*.json) of a failure folder; each has its picture (*.svg) beside it.
  std::vector<fs::path> FilesIn(const fs::path& dir) {
    std::vector<fs::path> files;
    if (!fs::is_directory(dir)) return files;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().extension() == ".json") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  fs::path root_, work_, failures_, io_;
};

// A usage or input error: exit 2, nothing on stdout, exactly one line on stderr that starts
// with "shardsim: error:" and contains every one of `naming`.
void ExpectInputError(const Outcome& o, const std::vector<std::string>& naming) {
  EXPECT_EQ(o.signal, 0) << o;
  EXPECT_EQ(o.exit_code, 2) << o;
  EXPECT_EQ(o.out, "") << o;
  EXPECT_THAT(o.err, StartsWith("shardsim: error: ")) << o;
  EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << "not one line: " << o;
  EXPECT_TRUE(!o.err.empty() && o.err.back() == '\n') << o;
  for (const std::string& part : naming) EXPECT_THAT(o.err, HasSubstr(part)) << o;
}

// Key checks of the JSON outputs.
void ExpectKeys(const json& object, const std::map<std::string, json::value_t>& keys,
                const std::string& where) {
  ASSERT_TRUE(object.is_object()) << where << ": " << object.dump();
  for (const auto& [key, type] : keys) {
    ASSERT_TRUE(object.contains(key)) << where << " lacks \"" << key << "\": " << object.dump();
    const json& v = object.at(key);
    const bool ok = type == json::value_t::number_unsigned  ? v.is_number_unsigned()
                    : type == json::value_t::number_integer ? v.is_number_integer()
                                                            : v.type() == type;
    EXPECT_TRUE(ok) << where << " \"" << key << "\" has type " << v.type_name() << ": " << v.dump();
  }
}

bool IsHex16(const json& v) {
  if (!v.is_string()) return false;
  const std::string& s = v.get_ref<const std::string&>();
  return s.size() == 16 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

using T = json::value_t;

// The keys of a `check --json` / `merge --json` document.
void ExpectCheckResultKeys(const json& doc) {
  ExpectKeys(doc,
             {{"format", T::string},
              {"version", T::number_unsigned},
              {"results", T::array},
              {"all_strategies", T::boolean},
              {"all_as_expected", T::boolean}},
             "check result");
  EXPECT_EQ(doc.at("format"), "shardsim-check-result");
  EXPECT_EQ(doc.at("version"), 1);
  for (const json& r : doc.at("results")) {
    ExpectKeys(r,
               {{"strategy", T::string},
                {"expected", T::string},
                {"seed", T::number_unsigned},
                {"cases", T::number_unsigned},
                {"profile", T::string},
                {"shard_index", T::number_unsigned},
                {"shard_count", T::number_unsigned},
                {"cases_run", T::number_unsigned},
                {"corpus_run", T::number_unsigned},
                {"verdict", T::string},
                {"matches_expected", T::boolean},
                {"cases_hash", T::string},
                {"case_hashes", T::array}},
               "result");
    ASSERT_TRUE(r.contains("failure"));
    EXPECT_TRUE(r.at("verdict") == "pass" || r.at("verdict") == "fail") << r.at("verdict");
    EXPECT_TRUE(IsHex16(r.at("cases_hash"))) << r.at("cases_hash");
    EXPECT_EQ(r.at("case_hashes").size(), r.at("cases_run").get<uint64_t>());
    for (const json& pair : r.at("case_hashes")) {
      ASSERT_TRUE(pair.is_array() && pair.size() == 2) << pair.dump();
      EXPECT_TRUE(pair[0].is_number_unsigned()) << pair.dump();
      EXPECT_TRUE(IsHex16(pair[1])) << pair.dump();
    }
    if (r.at("verdict") == "pass") {
      EXPECT_TRUE(r.at("failure").is_null()) << r.at("failure").dump();
      continue;
    }
    const json& f = r.at("failure");
    ExpectKeys(f,
               {{"property", T::string},
                {"message", T::string},
                {"at", T::string},
                {"witness", T::array},
                {"origin", T::string},
                {"shrink_steps", T::number_integer},
                {"shrink_runs", T::number_integer},
                {"minimal_records", T::number_unsigned},
                {"minimal_shards", T::number_integer},
                {"saved_scenario", T::string},
                {"minimal_scenario", T::object}},
               "failure");
    ASSERT_TRUE(f.contains("case"));
    EXPECT_TRUE(f.at("case").is_null() || f.at("case").is_number_unsigned()) << f.dump();
    EXPECT_EQ(f.at("minimal_scenario").value("format", ""), "shardsim-scenario");
  }
}

// ---------------------------------------------------------------------------------------------
// Exit codes

TEST_F(CliTest, CheckOfACorrectStrategyExitsZeroAndSaysPass) {
  const Outcome o = Shardsim({"check", "--strategy", kCorrect, "--cases", "30"});
  EXPECT_EQ(o.exit_code, 0) << o;
  EXPECT_THAT(o.out, StartsWith(std::string("PASS ") + kCorrect + ": 30 cases")) << o;
  EXPECT_EQ(o.err, "") << "no progress bar when stderr is not a terminal: " << o;
  EXPECT_FALSE(fs::exists(failures_)) << "a passing check saves no scenario";
  EXPECT_FALSE(fs::exists(work_ / "shardsim-failures"));
}

TEST_F(CliTest, CheckPrintsTheSituationsItsCasesReachedAndWarnsOfThoseNoneDid) {
  const Outcome few = Shardsim({"check", "--strategy", kCorrect, "--cases", "3"});
  ASSERT_EQ(few.exit_code, 0) << few;
  EXPECT_THAT(few.out, HasSubstr("\nsituations reached (cases of 3):\n"));
  EXPECT_THAT(few.out, HasSubstr("  same_millisecond_burst: several records of one shard in one "
                                 "millisecond\n"));
  EXPECT_THAT(few.out, HasSubstr(std::string("\nwarning: ") + kCorrect +
                                 " never saw ten or more empty pages or events in a row on a shard "
                                 "before a record (probe long_empty_walk: 0 of 3 cases)\n"));
  const Outcome many = Shardsim({"check", "--strategy", kCorrect, "--cases", "100", "--jobs", "2"});
  ASSERT_EQ(many.exit_code, 0) << many;
  EXPECT_THAT(many.out, HasSubstr("situations reached (cases of 100):\n"));
  EXPECT_THAT(many.out, Not(HasSubstr("warning:"))) << "steering reaches every situation";
  const Outcome all = Shardsim({"check", "--all", "--cases", "3"});
  EXPECT_THAT(all.out, HasSubstr(std::string("PASS ") + kCorrect +
                                 ": 3 cases (seed 1, shard 0/1, expected pass)\n  warning: "
                                 "situations: "));
  const Outcome json_out = Shardsim({"check", "--strategy", kCorrect, "--cases", "3", "--json"});
  const json probes = json_out.Json().at("results")[0].at("probes");
  EXPECT_EQ(probes.at("cases"), 3);
  EXPECT_TRUE(probes.at("hits").contains("merge_second_parent_unread")) << probes;
  EXPECT_THAT(probes.at("unreached").dump(), HasSubstr("\"long_empty_walk\""));
}

TEST_F(CliTest, CheckOfTheFirstBuggyCatalogueStrategyExitsOneAndSavesAReplayableScenario) {
  const std::optional<std::string> buggy = FirstBuggyStrategy();
  if (!buggy) GTEST_SKIP() << "no strategy with an expected failure is registered yet";
  const Outcome o = Shardsim({"check", "--strategy", *buggy, "--cases", "1000", "--jobs", "2"});
  ASSERT_EQ(o.exit_code, 1) << o;
  EXPECT_THAT(o.out, StartsWith("FAIL " + *buggy)) << o;
  EXPECT_THAT(o.out, HasSubstr(std::string(kBinary) + " replay --strategy " + *buggy)) << o;
  const std::vector<fs::path> saved = FilesIn(failures_);
  ASSERT_EQ(saved.size(), 1u) << "one minimal scenario under $SHARDSIM_FAILURE_DIR";
  EXPECT_FALSE(fs::exists(work_ / "shardsim-failures")) << "SHARDSIM_FAILURE_DIR is honoured";
  fs::path picture = saved[0];
  picture.replace_extension(".svg");
  EXPECT_TRUE(fs::exists(picture)) << "the failing run's picture is next to its scenario";
  EXPECT_THAT(o.out, HasSubstr("picture of the failing run: " + picture.string())) << o;
  const Outcome first = Shardsim({"replay", "--scenario", saved[0].string()});
  const Outcome second = Shardsim({"replay", "--scenario", saved[0].string()});
  EXPECT_EQ(first.exit_code, 1) << "the saved scenario still fails: " << first;
  EXPECT_EQ(first.out, second.out);
  EXPECT_EQ(first.err, "");
}

// The hash on a replay's last line ("# trace hash H").
std::string ReplayedHash(const std::string& out) {
  const size_t at = out.rfind("# trace hash ");
  return at == std::string::npos ? "" : out.substr(at + 13, 16);
}

TEST_F(CliTest, EveryReplayLineOfACheckWithLongGapsAndAProfileReplaysTheCaseItNames) {
  const Outcome o = Shardsim({"check", "--strategy", "stop-on-first-empty-page", "--long-gaps",
                              "--profile", "fixed:30s", "--output", "result.json"});
  ASSERT_EQ(o.exit_code, 1) << o;
  // The lines name the command as it was run (this test runs it by its full path).
  const std::string case_line_start =
      std::string("  ") + kBinary + " replay --strategy stop-on-first-empty-page";
  const size_t at = o.out.find(case_line_start);
  ASSERT_NE(at, std::string::npos) << o;
  const std::string line = o.out.substr(at + 2, o.out.find("   (the case", at) - at - 2);
  EXPECT_THAT(line, HasSubstr(" --profile fixed:30s --long-gaps")) << o;
  // Paste it: split on spaces (none of its words has one) and drop the program name.
  std::vector<std::string> args;
  std::istringstream words(line);
  for (std::string word; words >> word;) args.push_back(word);
  ASSERT_EQ(args.front(), kBinary);
  args.erase(args.begin());
  const Outcome replayed = Shardsim(args);
  EXPECT_EQ(replayed.exit_code, 1) << replayed;
  const nlohmann::json result = nlohmann::json::parse(ReadFile(work_ / "result.json"));
  const uint64_t failing_case = result["results"][0]["failure"]["case"].get<uint64_t>();
  std::string reported;
  for (const auto& pair : result["results"][0]["case_hashes"]) {
    if (pair[0].get<uint64_t>() == failing_case) reported = pair[1].get<std::string>();
  }
  EXPECT_EQ(ReplayedHash(replayed.out), reported) << line;
  // The saved scenario's name records the flags; its replay gives the report's minimal hash.
  const std::vector<fs::path> saved = FilesIn(failures_);
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_THAT(saved[0].filename().string(), HasSubstr("-profile-fixed-30s-long-gaps.json"));
  const Outcome minimal = Shardsim({"replay", "--scenario", saved[0].string()});
  EXPECT_THAT(o.out, HasSubstr("(trace hash " + ReplayedHash(minimal.out) + "):")) << o;
}

// A user runs the command by a relative path with a space in it, from the folder above it:
// every command line it prints to paste names that path, quoted, and pastes into a shell there.
TEST_F(CliTest, ReplayLinesAndHintsNameTheCommandAsItWasRunQuotedForTheShell) {
  fs::create_directories(work_ / "my build");
  fs::create_symlink(kBinary, work_ / "my build" / "shardsim");
  argv0_ = "./my build/shardsim";
  const std::string typed = "'./my build/shardsim'";
  const Outcome o = Shardsim(
      {"check", "--strategy", "stop-on-first-empty-page", "--quiet", "--output", "result.json"});
  ASSERT_EQ(o.exit_code, 1) << o;
  const std::vector<std::string> lines = Lines(o.out);
  std::vector<std::string> replays;
  for (const std::string& line : lines) {
    if (line.find(" replay --") != std::string::npos) replays.push_back(line);
  }
  ASSERT_EQ(replays.size(), 2u) << "a --scenario line and a --case line: " << o;
  for (std::string line : replays) {
    EXPECT_THAT(line, StartsWith("  " + typed + " replay --")) << o;
    line = line.substr(0, line.find("   (the case"));
    // Pasted into a shell in the folder the command ran in, with nothing on PATH.
    const std::string script = (io_ / "paste.sh").string();
    WriteFile(script, "cd '" + work_.string() + "' && PATH=/nonexistent " + line +
                          " > /dev/null 2>&1; echo $?\n");
    FILE* shell = ::popen(("/bin/sh " + script).c_str(), "r");
    ASSERT_NE(shell, nullptr);
    char status[16] = {};
    const size_t read = std::fread(status, 1, sizeof(status) - 1, shell);
    ::pclose(shell);
    EXPECT_EQ(std::string(status, read), "1\n") << "pasting `" << line << "` replays the failure";
  }
  const Outcome unknown = Shardsim({"check", "--strategy", "no-such-loop"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown;
  EXPECT_THAT(unknown.err, StartsWith("shardsim: error: unknown strategy 'no-such-loop' (" + typed +
                                      " list shows the strategies)"))
      << "errors say the command's name; the hint names the path to paste: " << unknown;
  const Outcome usage = Shardsim({"check", "--cases", "many"});
  EXPECT_EQ(usage.exit_code, 2) << usage;
  EXPECT_THAT(usage.err, StartsWith("shardsim: error: ")) << usage;
  EXPECT_THAT(usage.err, HasSubstr("(try " + typed + " --help)\n")) << usage;
  const Outcome shard = Shardsim(
      {"check", "--all", "--cases", "2", "--quiet", "--shard-index", "0", "--shard-count", "2"});
  EXPECT_THAT(shard.out, HasSubstr("decided by `" + typed + " merge` of all the shards")) << shard;
  // A result from a command that registers a loop this one does not: merge cannot rerun it.
  json result = json::parse(ReadFile(work_ / "result.json"));
  result["results"][0]["strategy"] = "no-such-loop";
  result["results"][0]["failure"]["minimal_scenario"]["strategy"] = "no-such-loop";
  WriteFile(work_ / "other.json", result.dump());
  const Outcome merged = Shardsim({"merge", "other.json"});
  EXPECT_EQ(merged.exit_code, 1) << merged;
  EXPECT_THAT(merged.out, HasSubstr("unknown strategy 'no-such-loop' (see `" + typed + " list`)"))
      << merged;
}

TEST_F(CliTest, CheckAllExitsZeroExactlyWhenEveryStrategyMeetsItsExpectedVerdict) {
  const Outcome o = Shardsim({"check", "--all", "--cases", "5", "--json"});
  ASSERT_TRUE(o.exit_code == 0 || o.exit_code == 1) << o;
  const json doc = o.Json();
  ExpectCheckResultKeys(doc);
  EXPECT_EQ(o.exit_code == 0, doc.at("all_as_expected").get<bool>()) << o;
  bool all = true;
  for (const json& r : doc.at("results")) all = all && r.at("matches_expected").get<bool>();
  EXPECT_EQ(all, doc.at("all_as_expected").get<bool>());
}

TEST_F(CliTest, CheckExitsOneWhenACorpusScenarioFailsAndSavesItUnderTheFailureDir) {
  WriteFailingScenario(work_ / "corpus" / "one-call-per-second.json");
  const Outcome o =
      Shardsim({"check", "--strategy", kCorrect, "--cases", "10", "--corpus", "corpus"});
  EXPECT_EQ(o.exit_code, 1) << o;
  EXPECT_THAT(o.out, StartsWith(std::string("FAIL ") + kCorrect)) << o;
  EXPECT_THAT(o.out, HasSubstr("bounded_call_rate")) << o;
  EXPECT_EQ(o.err, "") << o;
  const std::vector<fs::path> saved = FilesIn(failures_);
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_EQ(saved[0].extension(), ".json");
  EXPECT_THAT(o.out, HasSubstr(saved[0].string())) << "the report names the saved file";
  EXPECT_FALSE(fs::exists(work_ / "shardsim-failures"));
}

TEST_F(CliTest, CheckWithoutAFailureDirSavesUnderShardsimFailuresOfTheWorkingDirectory) {
  WriteFailingScenario(work_ / "corpus" / "one-call-per-second.json");
  // An empty SHARDSIM_FAILURE_DIR counts as unset.
  const Outcome o =
      Shardsim({"check", "--strategy", kCorrect, "--cases", "3", "--corpus", "corpus"},
               {{"SHARDSIM_FAILURE_DIR", ""}});
  EXPECT_EQ(o.exit_code, 1) << o;
  EXPECT_EQ(FilesIn(work_ / "shardsim-failures").size(), 1u) << o;
}

TEST_F(CliTest, ReplayExitsZeroForAPassingCaseAndOneForAFailingScenario) {
  const Outcome pass = Shardsim({"replay", "--strategy", kCorrect, "--seed", "1", "--case", "0"});
  EXPECT_EQ(pass.exit_code, 0) << pass;
  EXPECT_THAT(pass.out, HasSubstr("# PASS")) << pass;
  const fs::path failing = WriteFailingScenario(work_ / "failing.json");
  const Outcome fail = Shardsim({"replay", "--scenario", failing.string()});
  EXPECT_EQ(fail.exit_code, 1) << fail;
  EXPECT_THAT(fail.out, HasSubstr("# FAIL bounded_call_rate")) << fail;
  EXPECT_EQ(fail.err, "") << fail;
}

TEST_F(CliTest, MergeExitsOneWhenAShardFailed) {
  WriteFailingScenario(work_ / "corpus" / "one-call-per-second.json");
  for (const char* index : {"0", "1"}) {
    const Outcome o = Shardsim({"check", "--strategy", kCorrect, "--cases", "4", "--corpus",
                                "corpus", "--shard-index", index, "--shard-count", "2", "--output",
                                std::string("shard") + index + ".json"});
    EXPECT_EQ(o.exit_code, 1) << o;
  }
  const Outcome merged = Shardsim({"merge", "shard0.json", "shard1.json"});
  EXPECT_EQ(merged.exit_code, 1) << merged;
  EXPECT_THAT(merged.out, StartsWith(std::string("FAIL ") + kCorrect)) << merged;
}

TEST_F(CliTest, HelpExitsZero) {
  const Outcome o = Shardsim({"--help"});
  EXPECT_EQ(o.exit_code, 0) << o;
  for (const char* sub : {"demo", "list", "check", "merge", "replay", "seqnum"}) {
    EXPECT_THAT(o.out, HasSubstr(sub)) << o;
  }
}

// ---------------------------------------------------------------------------------------------
// Bad input: every row of the issue's list, each a one-line message naming the problem, exit 2.

struct BadInput {
  std::string name;  // the test's name
  std::vector<std::string> args;
  std::vector<std::string> naming;  // substrings the message must contain
  Env env = {};
};

std::ostream& operator<<(std::ostream& os, const BadInput& row) { return os << row.name; }

class BadInputTest : public CliTest, public testing::WithParamInterface<BadInput> {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    json scenario =
        json::parse(ReadFile(fs::path(kCorpusDir) / "one-record-just-before-a-bucket-edge.json"));
    scenario["strategy"] = kCorrect;
    WriteFile(work_ / "not-json.json", "{\"format\": \"shardsim-scenario\",\n");
    json v = scenario;
    v["version"] = 99;
    WriteFile(work_ / "unknown-version.json", v.dump(2));
    json k = scenario;
    k["bogus_key"] = 1;
    WriteFile(work_ / "unknown-key.json", k.dump(2));
    json w = scenario;
    w["shard_count"] = "one";
    WriteFile(work_ / "wrong-type.json", w.dump(2));
    fs::create_directories(work_ / "a-folder");
    fs::create_directories(work_ / "broken-corpus");
    WriteFile(work_ / "broken-corpus" / "broken.json", "[");

    if (GetParam().name.rfind("Merge", 0) != 0) return;
    // Result files of a two-shard campaign, and broken variants of shard 0.
    auto check = [&](const std::vector<std::string>& extra, const std::string& output) {
      std::vector<std::string> args = {"check", "--strategy", kCorrect, "--output", output};
      args.insert(args.end(), extra.begin(), extra.end());
      if (std::find(args.begin(), args.end(), "--cases") == args.end()) {
        args.insert(args.end(), {"--cases", "6"});
      }
      const Outcome o = Shardsim(args);
      ASSERT_EQ(o.exit_code, 0) << o;
    };
    check({"--shard-index", "0", "--shard-count", "2"}, "shard0.json");
    check({"--shard-index", "1", "--shard-count", "2"}, "shard1.json");
    check({"--shard-index", "1", "--shard-count", "2", "--seed", "2"}, "shard1-seed2.json");
    check({"--shard-index", "1", "--shard-count", "2", "--cases", "7"}, "shard1-7-cases.json");
    const json shard0 = json::parse(ReadFile(work_ / "shard0.json"));
    auto variant = [&](const std::string& file, auto&& edit) {
      json j = shard0;
      edit(j);
      WriteFile(work_ / file, j.dump(2));
    };
    variant("result-version-2.json", [](json& j) { j["version"] = 2; });
    variant("result-without-results.json", [](json& j) { j.erase("results"); });
    variant("result-without-failure.json", [](json& j) { j["results"][0].erase("failure"); });
    variant("result-without-seed.json", [](json& j) { j["results"][0].erase("seed"); });
    variant("result-string-seed.json", [](json& j) { j["results"][0]["seed"] = "1"; });
    variant("result-bad-case-hashes.json",
            [](json& j) { j["results"][0]["case_hashes"] = json::array({json::array({0})}); });
    variant("result-non-hex-hash.json", [](json& j) {
      j["results"][0]["case_hashes"] = json::array({json::array({0, "not-hex"})});
    });
    variant("result-string-failure.json", [](json& j) { j["results"][0]["failure"] = "oops"; });
    variant("result-negative-shard-index.json",
            [](json& j) { j["results"][0]["shard_index"] = -1; });
    variant("result-shard-5-of-2.json", [](json& j) { j["results"][0]["shard_index"] = 5; });
    variant("result-not-an-object.json", [](json& j) { j["results"][0] = 5; });
    variant("result-string-all-strategies.json", [](json& j) { j["all_strategies"] = "yes"; });
  }
};

TEST_P(BadInputTest, PrintsOneLineNamingTheProblemAndExitsTwo) {
  ExpectInputError(Shardsim(GetParam().args, GetParam().env), GetParam().naming);
}

std::vector<BadInput> NumberRows() {
  struct Flag {
    std::string id;
    std::vector<std::string> prefix;  // the command up to the flag
    std::string flag;
    std::vector<std::string> suffix;
  };
  const std::vector<std::string> check = {"check", "--strategy", kCorrect};
  const std::vector<Flag> flags = {
      {"CheckCases", check, "--cases", {}},
      {"CheckSeed", check, "--seed", {}},
      {"CheckJobs", check, "--jobs", {}},
      {"CheckShardIndex", check, "--shard-index", {"--shard-count", "2"}},
      {"CheckShardCount", check, "--shard-count", {"--shard-index", "0"}},
      {"ReplayCase", {"replay", "--strategy", kCorrect, "--seed", "1"}, "--case", {}},
      {"ReplaySeed", {"replay", "--strategy", kCorrect}, "--seed", {}},
      {"DemoCases", {"demo"}, "--cases", {}},
      {"DemoJobs", {"demo"}, "--jobs", {}},
      {"EncodeCounter",
       {"seqnum", "encode", "--shard-index", "0", "--created", "0", "--put", "0"},
       "--counter",
       {}},
  };
  struct Value {
    std::string id;
    std::string text;
    std::string says;
  };
  const std::vector<Value> values = {
      {"NonNumeric", "12abc", "whole number"},
      {"Fractional", "1.5", "whole number"},
      {"Hexadecimal", "0x10", "whole number"},
      {"Empty", "", "number"},
      {"Negative", "-3", "negative"},
      {"Overflowing", "18446744073709551616", "too large"},
      {"HugelyOverflowing", "99999999999999999999999999999999", "too large"},
  };
  std::vector<BadInput> rows;
  for (const Flag& f : flags) {
    for (const Value& v : values) {
      BadInput row;
      row.name = f.id + v.id;
      row.args = f.prefix;
      row.args.push_back(f.flag);
      row.args.push_back(v.text);
      row.args.insert(row.args.end(), f.suffix.begin(), f.suffix.end());
      row.naming = {f.flag, v.says};
      if (!v.text.empty()) row.naming.push_back("'" + v.text + "'");
      rows.push_back(row);
    }
  }
  return rows;
}

std::vector<BadInput> OtherRows() {
  const std::vector<std::string> check = {"check", "--strategy", kCorrect, "--cases", "3"};
  auto with = [&](std::vector<std::string> more) {
    std::vector<std::string> args = check;
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  return {
      // Unknown subcommand, strategy, profile, flag.
      {"UnknownSubcommand", {"frobnicate"}, {"unknown subcommand", "'frobnicate'"}},
      {"UnknownSeqnumSubcommand", {"seqnum", "frob"}, {"'frob'"}},
      {"NoSubcommand", {}, {"subcommand"}},
      {"SeqnumWithoutSubcommand", {"seqnum"}, {"decode", "encode"}},
      {"UnknownStrategyInCheck",
       {"check", "--strategy", "no-such-loop"},
       {"unknown strategy", "'no-such-loop'"}},
      {"UnknownStrategyInReplay",
       {"replay", "--strategy", "no-such-loop", "--seed", "1"},
       {"unknown strategy", "'no-such-loop'"}},
      {"UnknownProfileInCheck", with({"--profile", "bumpy"}), {"profile", "'bumpy'"}},
      {"UnknownProfileInReplay",
       {"replay", "--strategy", kCorrect, "--seed", "1", "--profile", "bumpy"},
       {"profile", "'bumpy'"}},
      {"UnknownFlagOfCheck", with({"--frobnicate"}), {"--frobnicate"}},
      {"UnknownFlagOfSeqnumDecode",
       {"seqnum", "decode", "--frobnicate", kArticleA},
       {"--frobnicate"}},
      {"UnknownFlagBeforeAnySubcommand", {"--frobnicate"}, {"unknown flag", "'--frobnicate'"}},
      {"UnknownFlagBeforeTheSubcommand", {"--frobnicate", "list"}, {"--frobnicate"}},
      {"UnexpectedArgument", with({"surplus"}), {"surplus"}},
      {"FlagWithoutItsValue", {"check", "--strategy", kCorrect, "--cases"}, {"--cases"}},
      {"UnknownReplayFormat",
       {"replay", "--strategy", kCorrect, "--seed", "1", "--format", "xml"},
       {"--format", "'xml'"}},
      {"CheckWithNeitherStrategyNorAll", {"check"}, {"--strategy", "--all"}},
      {"CheckWithBothStrategyAndAll",
       {"check", "--all", "--strategy", kCorrect},
       {"--strategy", "--all"}},
      {"ReplayWithoutStrategyOrScenario", {"replay"}, {"--scenario", "--strategy"}},
      {"ReplayWithoutSeed", {"replay", "--strategy", kCorrect}, {"--seed"}},
      {"ReplayLogInJsonl",
       {"replay", "--log", "session.jsonl", "--format", "jsonl"},
       {"--format", "'jsonl'", "svg"}},
      {"ReplayLogThatIsMissing",
       {"replay", "--log", "/nonexistent/session.jsonl", "--format", "svg"},
       {"cannot read", "/nonexistent/session.jsonl"}},
      {"StreamWithoutLog", {"replay", "--stream", "s"}, {"--stream", "--log"}},
      {"StreamWithoutSvg",
       {"replay", "--log", "session.jsonl", "--stream", "s"},
       {"--stream", "svg"}},
      // --cases 0 and other numbers out of range.
      {"CheckCasesZero",
       {"check", "--strategy", kCorrect, "--cases", "0"},
       {"--cases", "not in range 1 to", "0"}},
      {"CheckFlagGivenTwice", with({"--cases", "4"}), {"--cases"}},
      {"DemoCasesZero", {"demo", "--cases", "0"}, {"--cases", "0"}},
      {"DemoCasesAboveItsLimit", {"demo", "--cases", "100001"}, {"--cases", "100001"}},
      {"CheckJobsZero", with({"--jobs", "0"}), {"--jobs", "0"}},
      {"CheckJobsAboveItsLimit", with({"--jobs", "257"}), {"--jobs", "257"}},
      // Shard index not below the shard count, from flags and from the environment.
      {"ShardIndexEqualToShardCount",
       with({"--shard-index", "2", "--shard-count", "2"}),
       {"shard index 2", "shard count 2"}},
      {"ShardIndexAboveShardCount",
       with({"--shard-index", "7", "--shard-count", "3"}),
       {"shard index 7", "shard count 3"}},
      {"ShardCountZero",
       with({"--shard-index", "0", "--shard-count", "0"}),
       {"--shard-count", "not in range 1 to"}},
      {"ShardIndexWithoutShardCount", with({"--shard-index", "0"}), {"shard count"}},
      {"ShardCountWithoutShardIndex", with({"--shard-count", "2"}), {"shard index"}},
      {"GtestShardIndexEqualToTotalShards",
       check,
       {"shard index 3", "shard count 3"},
       {{"GTEST_SHARD_INDEX", "3"}, {"GTEST_TOTAL_SHARDS", "3"}}},
      {"GtestShardIndexNonNumeric",
       check,
       {"GTEST_SHARD_INDEX", "'x'"},
       {{"GTEST_SHARD_INDEX", "x"}, {"GTEST_TOTAL_SHARDS", "3"}}},
      {"GtestTotalShardsNegative",
       check,
       {"GTEST_TOTAL_SHARDS", "negative"},
       {{"GTEST_SHARD_INDEX", "0"}, {"GTEST_TOTAL_SHARDS", "-2"}}},
      {"GtestTotalShardsOverflowing",
       check,
       {"GTEST_TOTAL_SHARDS", "too large"},
       {{"GTEST_SHARD_INDEX", "0"}, {"GTEST_TOTAL_SHARDS", "184467440737095516160"}}},
      {"GtestShardIndexWithoutTotalShards", check, {"shard count"}, {{"GTEST_SHARD_INDEX", "0"}}},
      {"JobCompletionIndexWithoutShardCount",
       check,
       {"JOB_COMPLETION_INDEX", "SHARDSIM_SHARD_COUNT"},
       {{"JOB_COMPLETION_INDEX", "0"}}},
      {"JobCompletionIndexEqualToShardCount",
       check,
       {"shard index 4", "shard count 4"},
       {{"JOB_COMPLETION_INDEX", "4"}, {"SHARDSIM_SHARD_COUNT", "4"}}},
      {"JobCompletionIndexNonNumeric",
       check,
       {"JOB_COMPLETION_INDEX", "'abc'"},
       {{"JOB_COMPLETION_INDEX", "abc"}, {"SHARDSIM_SHARD_COUNT", "4"}}},
      // Unreadable or malformed scenario files.
      {"ScenarioFileMissing",
       {"replay", "--scenario", "does-not-exist.json"},
       {"does-not-exist.json", "cannot open"}},
      {"ScenarioFileIsAFolder", {"replay", "--scenario", "a-folder"}, {"a-folder"}},
      {"ScenarioFileNotJson",
       {"replay", "--scenario", "not-json.json"},
       {"not-json.json", "not valid JSON"}},
      {"ScenarioFileUnknownVersion",
       {"replay", "--scenario", "unknown-version.json"},
       {"unknown-version.json", "version 99"}},
      {"ScenarioFileUnknownKey",
       {"replay", "--scenario", "unknown-key.json"},
       {"unknown-key.json", "\"bogus_key\""}},
      {"ScenarioFileWrongType",
       {"replay", "--scenario", "wrong-type.json"},
       {"wrong-type.json", "\"shard_count\""}},
      {"ScenarioFileWithoutStrategy",
       {"replay", "--scenario",
        std::string(kCorpusDir) + "/one-record-just-before-a-bucket-edge.json"},
       {"one-record-just-before-a-bucket-edge.json", "--strategy"}},
      {"ScenarioWithSeed",
       {"replay", "--scenario", "unknown-key.json", "--seed", "1"},
       {"--scenario", "--seed"}},
      {"ScenarioWithCase",
       {"replay", "--scenario", "unknown-key.json", "--case", "3"},
       {"--scenario", "--case"}},
      {"ScenarioWithProfile",
       {"replay", "--scenario", "unknown-key.json", "--profile", "dense"},
       {"--scenario", "--profile"}},
      {"CorpusFolderMissing", with({"--corpus", "no-such-folder"}), {"no-such-folder"}},
      {"CorpusWithAMalformedFile",
       with({"--corpus", "broken-corpus"}),
       {"broken.json", "not valid JSON"}},
      {"CheckOutputNotWritable",
       with({"--output", "no-such-folder/result.json"}),
       {"no-such-folder/result.json"}},
      // Unreadable or malformed result files.
      {"MergeWithoutFiles", {"merge"}, {"files"}},
      {"MergeFileMissing",
       {"merge", "no-such-result.json"},
       {"no-such-result.json", "cannot open"}},
      {"MergeFileNotJson", {"merge", "not-json.json"}, {"not-json.json", "not valid JSON"}},
      {"MergeFileOfTheWrongFormat",
       {"merge", "unknown-key.json", "shard1.json"},
       {"unknown-key.json", "shardsim-check-result"}},
      {"MergeFileOfAnUnknownVersion",
       {"merge", "result-version-2.json", "shard1.json"},
       {"result-version-2.json", "version"}},
      {"MergeFileWithoutResults",
       {"merge", "result-without-results.json", "shard1.json"},
       {"result-without-results.json", "\"results\""}},
      {"MergeMissingShard", {"merge", "shard0.json"}, {kCorrect, "1 of 2 shards"}},
      {"MergeDuplicateShard",
       {"merge", "shard0.json", "shard0.json", "shard1.json"},
       {"shard 0", "twice"}},
      {"MergeMismatchedSeed",
       {"merge", "shard0.json", "shard1-seed2.json"},
       {"shard1-seed2.json", "\"seed\""}},
      {"MergeMismatchedCases",
       {"merge", "shard0.json", "shard1-7-cases.json"},
       {"shard1-7-cases.json", "\"cases\""}},
      {"MergeResultWithoutFailure",
       {"merge", "result-without-failure.json", "shard1.json"},
       {"result-without-failure.json", "\"failure\""}},
      {"MergeResultWithoutSeed",
       {"merge", "result-without-seed.json", "shard1.json"},
       {"result-without-seed.json", "\"seed\""}},
      {"MergeResultWithAStringSeed",
       {"merge", "result-string-seed.json", "shard1.json"},
       {"result-string-seed.json", "\"seed\""}},
      {"MergeResultWithMalformedCaseHashes",
       {"merge", "result-bad-case-hashes.json", "shard1.json"},
       {"result-bad-case-hashes.json", "\"case_hashes\""}},
      {"MergeResultWithANonHexHash",
       {"merge", "result-non-hex-hash.json", "shard1.json"},
       {"result-non-hex-hash.json", "\"case_hashes\""}},
      {"MergeResultWithAStringFailure",
       {"merge", "result-string-failure.json", "shard1.json"},
       {"result-string-failure.json", "\"failure\""}},
      {"MergeResultWithANegativeShardIndex",
       {"merge", "result-negative-shard-index.json", "shard1.json"},
       {"result-negative-shard-index.json", "\"shard_index\""}},
      {"MergeResultWithShardIndexNotBelowCount",
       {"merge", "result-shard-5-of-2.json", "shard1.json"},
       {"result-shard-5-of-2.json", "shard index 5"}},
      {"MergeResultWithAStringAllStrategies",
       {"merge", "result-string-all-strategies.json", "shard1.json"},
       {"result-string-all-strategies.json", "\"all_strategies\" must be true or false"}},
      {"MergeResultThatIsNotAnObject",
       {"merge", "result-not-an-object.json", "shard1.json"},
       {"result-not-an-object.json"}},
      // Sequence numbers with non-digits, the wrong length, an unknown version; bad encode input.
      {"DecodeNonDigit",
       {"seqnum", "decode", "4963954338986289569936569330402365782992807218581707161x"},
       {"non-digit", "'x'"}},
      {"DecodeLeadingSpace",
       {"seqnum", "decode", " 49639543389862895699365693304023657829928072185817071618"},
       {"non-digit"}},
      {"DecodeNegative",
       {"seqnum", "decode", "--", "-4963954338986289569936569330402365782992807218581707161"},
       {"non-digit", "'-'"}},
      {"DecodeTooShort", {"seqnum", "decode", "123"}, {"'123'", "3 digits", "56"}},
      {"DecodeTooLong", {"seqnum", "decode", std::string(kArticleA) + "0"}, {"57 digits", "56"}},
      {"DecodeEmpty", {"seqnum", "decode", ""}, {"empty"}},
      {"DecodeTooLargeFor186Bits",
       {"seqnum", "decode", "99639543389862895699365693304023657829928072185817071618"},
       {"186 bits"}},
      {"DecodeUnknownVersionOne",
       {"seqnum", "decode", "49639543389862895699365693304023657829928072185817071617"},
       {"version 1"}},
      {"DecodeUnknownVersionThree",
       {"seqnum", "decode", "49639543389862895699365693304023657829928072185817071619"},
       {"version 3"}},
      {"DecodeWithoutNumber", {"seqnum", "decode"}, {"number"}},
      {"EncodeShardIndexNonNumeric",
       {"seqnum", "encode", "--shard-index", "x", "--created", "0", "--put", "0", "--counter", "0"},
       {"--shard-index", "'x'"}},
      {"EncodeShardIndexAbove32Bits",
       {"seqnum", "encode", "--shard-index", "4294967296", "--created", "0", "--put", "0",
        "--counter", "0"},
       {"--shard-index", "4294967296"}},
      {"EncodeCreatedNotATime",
       {"seqnum", "encode", "--shard-index", "0", "--created", "yesterday", "--put", "0",
        "--counter", "0"},
       {"--created", "'yesterday'"}},
      {"EncodePutNotATime",
       {"seqnum", "encode", "--shard-index", "0", "--created", "0", "--put", "2023-13-45T99:00:00Z",
        "--counter", "0"},
       {"--put", "'2023-13-45T99:00:00Z'"}},
      {"EncodeCreatedAbove36Bits",
       {"seqnum", "encode", "--shard-index", "0", "--created", "68719476736", "--put", "0",
        "--counter", "0"},
       {"--created", "68719476736"}},
      {"EncodeCreatedBefore1970",
       {"seqnum", "encode", "--shard-index", "0", "--created", "1960-01-01T00:00:00Z", "--put", "0",
        "--counter", "0"},
       {"shard_creation_seconds"}},
      {"EncodeWithoutPut",
       {"seqnum", "encode", "--shard-index", "0", "--created", "0", "--counter", "0"},
       {"--put"}},
  };
}

std::vector<BadInput> AllRows() {
  std::vector<BadInput> rows = OtherRows();
  const std::vector<BadInput> numbers = NumberRows();
  rows.insert(rows.end(), numbers.begin(), numbers.end());
  return rows;
}

INSTANTIATE_TEST_SUITE_P(EveryRowOfTheIssue, BadInputTest, testing::ValuesIn(AllRows()),
                         [](const testing::TestParamInfo<BadInput>& info) {
                           return info.param.name;
                         });

// ---------------------------------------------------------------------------------------------
// JSON keys

TEST_F(CliTest, ListJsonHasStrategiesWithExpectedVerdictsAndProperties) {
  const Outcome o = Shardsim({"list", "--json"});
  ASSERT_EQ(o.exit_code, 0) << o;
  EXPECT_EQ(o.err, "");
  const json doc = o.Json();
  ExpectKeys(doc, {{"strategies", T::array}, {"properties", T::array}}, "list");
  std::set<std::string> properties;
  for (const json& p : doc.at("properties")) {
    ExpectKeys(p, {{"name", T::string}, {"description", T::string}}, "property");
    properties.insert(p.at("name").get<std::string>());
  }
  for (const char* name : {"no_missed_records", "no_false_caught_up", "no_duplicates",
                           "bounded_call_rate", "termination"}) {
    EXPECT_TRUE(properties.count(name)) << name;
  }
  ASSERT_FALSE(doc.at("strategies").empty());
  bool has_correct = false;
  for (const json& s : doc.at("strategies")) {
    ExpectKeys(s,
               {{"name", T::string},
                {"description", T::string},
                {"expected", T::string},
                {"provenance", T::array},
                {"batch", T::boolean},
                {"reads", T::string},
                {"params", T::array}},
               "strategy");
    EXPECT_TRUE(s.at("reads") == "polling" || s.at("reads") == "enhanced_fan_out") << s.dump();
    const std::string expected = s.at("expected");
    EXPECT_TRUE(expected == "pass" || properties.count(expected)) << expected;
    for (const json& source : s.at("provenance")) EXPECT_TRUE(source.is_string());
    for (const json& p : s.at("params")) {
      ExpectKeys(p,
                 {{"name", T::string},
                  {"default", T::number_integer},
                  {"min", T::number_integer},
                  {"max", T::number_integer},
                  {"description", T::string}},
                 "param");
      EXPECT_LE(p.at("min").get<int64_t>(), p.at("default").get<int64_t>());
      EXPECT_LE(p.at("default").get<int64_t>(), p.at("max").get<int64_t>());
    }
    has_correct = has_correct || s.at("name") == kCorrect;
  }
  EXPECT_TRUE(has_correct);
}

TEST_F(CliTest, ListShowsWhichLoopsPollAndWhichSubscribe) {
  const Outcome json_list = Shardsim({"list", "--json"});
  ASSERT_EQ(json_list.exit_code, 0) << json_list;
  std::map<std::string, std::string> reads;
  const json doc = json_list.Json();
  for (const json& s : doc.at("strategies")) {
    reads[s.at("name").get<std::string>()] = s.at("reads").get<std::string>();
  }
  EXPECT_EQ(reads["kcl-worker"], "polling");
  EXPECT_EQ(reads["fan-out-worker"], "enhanced_fan_out");
  EXPECT_EQ(reads["lambda-efo"], "enhanced_fan_out");
  const Outcome text = Shardsim({"list"});
  ASSERT_EQ(text.exit_code, 0) << text;
  EXPECT_THAT(text.out, HasSubstr("  fan-out-worker\n"));
  EXPECT_THAT(text.out, HasSubstr("reads: subscribes (enhanced fan-out: SubscribeToShard)"));
  EXPECT_THAT(text.out, HasSubstr("reads: polls (GetShardIterator, GetRecords)"));
}

TEST_F(CliTest, CheckJsonHasTheResultKeysOfAPassingRun) {
  const Outcome o = Shardsim({"check", "--strategy", kCorrect, "--cases", "12", "--seed", "5",
                              "--profile", "observed", "--json"});
  ASSERT_EQ(o.exit_code, 0) << o;
  const json doc = o.Json();
  ExpectCheckResultKeys(doc);
  ASSERT_EQ(doc.at("results").size(), 1u);
  const json& r = doc.at("results")[0];
  EXPECT_EQ(r.at("strategy"), kCorrect);
  EXPECT_EQ(r.at("expected"), "pass");
  EXPECT_EQ(r.at("seed"), 5);
  EXPECT_EQ(r.at("cases"), 12);
  EXPECT_EQ(r.at("cases_run"), 12);
  EXPECT_EQ(r.at("corpus_run"), 0);
  EXPECT_EQ(r.at("profile"), "observed");
  EXPECT_EQ(r.at("shard_index"), 0);
  EXPECT_EQ(r.at("shard_count"), 1);
  EXPECT_EQ(r.at("verdict"), "pass");
  EXPECT_EQ(r.at("matches_expected"), true);
  EXPECT_EQ(doc.at("all_as_expected"), true);
}

TEST_F(CliTest, CheckJsonHasTheFailureKeysOfAFailingRun) {
  WriteFailingScenario(work_ / "corpus" / "one-call-per-second.json");
  const Outcome o =
      Shardsim({"check", "--strategy", kCorrect, "--cases", "5", "--corpus", "corpus", "--json"});
  ASSERT_EQ(o.exit_code, 1) << o;
  const json doc = o.Json();
  ExpectCheckResultKeys(doc);
  const json& r = doc.at("results")[0];
  EXPECT_EQ(r.at("verdict"), "fail");
  EXPECT_EQ(r.at("matches_expected"), false);
  EXPECT_EQ(r.at("corpus_run"), 1);
  EXPECT_EQ(doc.at("all_as_expected"), false);
  const json& f = r.at("failure");
  EXPECT_EQ(f.at("property"), "bounded_call_rate");
  EXPECT_TRUE(f.at("case").is_null()) << "a corpus failure has no case index";
  EXPECT_THAT(f.at("origin").get<std::string>(), HasSubstr("one-call-per-second.json"));
  EXPECT_TRUE(fs::exists(f.at("saved_scenario").get<std::string>())) << f.dump(2);
  EXPECT_EQ(f.at("minimal_scenario").at("max_calls_per_second"), 1);
}

TEST_F(CliTest, MergeJsonHasTheResultKeys) {
  for (const char* index : {"0", "1"}) {
    ASSERT_EQ(Shardsim({"check", "--strategy", kCorrect, "--cases", "8", "--shard-index", index,
                        "--shard-count", "2", "--output", std::string("s") + index + ".json"})
                  .exit_code,
              0);
  }
  const Outcome o = Shardsim({"merge", "--json", "s0.json", "s1.json"});
  ASSERT_EQ(o.exit_code, 0) << o;
  const json doc = o.Json();
  ExpectCheckResultKeys(doc);
  EXPECT_EQ(doc.at("results")[0].at("cases_run"), 8);
  EXPECT_EQ(doc.at("results")[0].at("shard_count"), 1);
  const Outcome text = Shardsim({"merge", "s0.json", "s1.json"});
  EXPECT_EQ(text.exit_code, 0) << text;
  EXPECT_THAT(text.out,
              StartsWith(std::string("PASS ") + kCorrect + ": 8 cases (seed 1, shard 0/1"))
      << text;
}

void ExpectSequenceNumberKeys(const json& doc) {
  ExpectKeys(doc,
             {{"sequence_number", T::string},
              {"shard_index", T::number_unsigned},
              {"shard_id", T::string},
              {"shard_created", T::string},
              {"shard_created_unix", T::number_integer},
              {"put_time", T::string},
              {"put_time_unix", T::number_integer},
              {"counter", T::number_unsigned},
              {"version", T::number_integer}},
             "seqnum");
}

TEST_F(CliTest, SeqnumDecodeJsonHasTheFieldsOfTheNumber) {
  const Outcome o = Shardsim({"seqnum", "decode", "--json", kArticleA});
  ASSERT_EQ(o.exit_code, 0) << o;
  EXPECT_EQ(o.err, "");
  const json doc = o.Json();
  ExpectSequenceNumberKeys(doc);
  EXPECT_EQ(doc.at("sequence_number"), kArticleA);
  EXPECT_EQ(doc.at("shard_index"), 0);
  EXPECT_EQ(doc.at("shard_id"), "shardId-000000000000");
  EXPECT_EQ(doc.at("shard_created"), "2023-04-05T07:06:12Z");
  EXPECT_EQ(doc.at("shard_created_unix"), 1680678372);
  EXPECT_EQ(doc.at("put_time"), "2023-04-05T07:08:09Z");
  EXPECT_EQ(doc.at("put_time_unix"), 1680678489);
  EXPECT_EQ(doc.at("counter"), 8398);
  EXPECT_EQ(doc.at("version"), 2);
}

TEST_F(CliTest, DemoJsonHasTheArticleAndTheVerdictTable) {
  const Outcome o = Shardsim({"demo", "--json", "--cases", "5"});
  ASSERT_EQ(o.exit_code, 0) << o;
  EXPECT_EQ(o.err, "");
  const json doc = o.Json();
  ExpectKeys(doc,
             {{"article", T::object},
              {"verdicts", T::array},
              {"cases_per_profile", T::number_unsigned},
              {"passes_emulator_fails_kinesis", T::number_integer}},
             "demo");
  EXPECT_EQ(doc.at("cases_per_profile"), 5);
  const json& article = doc.at("article");
  ExpectKeys(article,
             {{"puts", T::array},
              {"millis_behind_latest", T::array},
              {"calls_to_reach_new_record", T::number_integer}},
             "article");
  ASSERT_EQ(article.at("puts").size(), 2u);
  for (const json& put : article.at("puts")) {
    ExpectKeys(put, {{"data", T::string}, {"sequence_number", T::string}}, "put");
  }
  EXPECT_EQ(article.at("puts")[0].at("data"), "a");
  EXPECT_EQ(article.at("puts")[0].at("sequence_number"), kArticleA);
  EXPECT_EQ(article.at("puts")[1].at("data"), "b");
  EXPECT_EQ(article.at("puts")[1].at("sequence_number"), kArticleB);
  // MillisBehindLatest shrinks call by call over the empty pages.
  const json& behind = article.at("millis_behind_latest");
  ASSERT_GE(behind.size(), 2u);
  for (size_t i = 0; i < behind.size(); ++i) {
    ASSERT_TRUE(behind[i].is_number_integer()) << behind.dump();
    if (i > 0) EXPECT_LT(behind[i].get<int64_t>(), behind[i - 1].get<int64_t>()) << behind.dump();
  }
  EXPECT_GT(article.at("calls_to_reach_new_record").get<int64_t>(), 1);

  const Outcome list = Shardsim({"list", "--json"});
  std::vector<std::string> names;
  const json list_doc = list.Json();
  for (const json& s : list_doc.at("strategies")) names.push_back(s.at("name").get<std::string>());
  std::vector<std::string> table;
  int hidden = 0;
  for (const json& v : doc.at("verdicts")) {
    ExpectKeys(v,
               {{"strategy", T::string},
                {"reads", T::string},
                {"expected", T::string},
                {"emulator", T::string},
                {"kinesis", T::string},
                {"passes_emulator_fails_kinesis", T::boolean}},
               "verdict");
    table.push_back(v.at("strategy").get<std::string>());
    const bool hides = v.at("emulator") == "pass" && v.at("kinesis") != "pass";
    EXPECT_EQ(v.at("passes_emulator_fails_kinesis").get<bool>(), hides) << v.dump();
    hidden += hides;
  }
  EXPECT_EQ(table, names) << "one row per catalogue strategy";
  EXPECT_EQ(doc.at("passes_emulator_fails_kinesis"), hidden);
}

// ---------------------------------------------------------------------------------------------
// Byte-identical replays

TEST_F(CliTest, ReplayOfAGeneratedCasePrintsTheSameBytesEveryTime) {
  const std::vector<std::string> args = {"replay", "--strategy", kCorrect, "--seed",
                                         "3",      "--case",     "7"};
  const Outcome first = Shardsim(args);
  const Outcome second = Shardsim(args);
  ASSERT_EQ(first.exit_code, 0) << first;
  EXPECT_EQ(second.exit_code, 0) << second;
  EXPECT_EQ(first.err, "");
  EXPECT_GT(Lines(first.out).size(), 2u) << first;
  EXPECT_EQ(first.out, second.out);
  EXPECT_THAT(Lines(first.out).back(), StartsWith("# trace hash ")) << first;
  const Outcome other = Shardsim({"replay", "--strategy", kCorrect, "--seed", "3", "--case", "8"});
  EXPECT_NE(first.out, other.out) << "another case is another trace";
}

TEST_F(CliTest, NumbersWithLeadingZerosAreReadAsDecimal) {
  const Outcome padded =
      Shardsim({"replay", "--strategy", kCorrect, "--seed", "010", "--case", "07"});
  const Outcome plain = Shardsim({"replay", "--strategy", kCorrect, "--seed", "10", "--case", "7"});
  ASSERT_EQ(padded.exit_code, 0) << padded;
  EXPECT_EQ(padded.out, plain.out) << "not octal";
}

TEST_F(CliTest, CheckWithTheFailureDirFlagSavesThereOverTheEnvironment) {
  WriteFailingScenario(work_ / "corpus" / "one-call-per-second.json");
  const Outcome o = Shardsim({"check", "--strategy", kCorrect, "--cases", "3", "--corpus", "corpus",
                              "--failure-dir", "from-flag"});
  EXPECT_EQ(o.exit_code, 1) << o;
  EXPECT_EQ(FilesIn(work_ / "from-flag").size(), 1u) << o;
  EXPECT_FALSE(fs::exists(failures_)) << "the flag wins over SHARDSIM_FAILURE_DIR";
}

TEST_F(CliTest, ReplayAsJsonlPrintsTheSameBytesEveryTimeAndEveryLineIsJson) {
  const std::vector<std::string> args = {"replay", "--strategy", kCorrect,   "--seed", "3",
                                         "--case", "7",          "--format", "jsonl"};
  const Outcome first = Shardsim(args);
  const Outcome second = Shardsim(args);
  ASSERT_EQ(first.exit_code, 0) << first;
  EXPECT_EQ(first.out, second.out);
  const std::vector<std::string> lines = Lines(first.out);
  ASSERT_GT(lines.size(), 1u);
  for (const std::string& line : lines) {
    const json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << "not JSON: " << line;
    EXPECT_TRUE(j.is_object()) << line;
  }
  const json verdict = json::parse(lines.back());
  EXPECT_EQ(verdict.at("verdict"), "pass");
  // The same run as the text replay: the same trace hash.
  const Outcome text = Shardsim({"replay", "--strategy", kCorrect, "--seed", "3", "--case", "7"});
  EXPECT_EQ(Lines(text.out).back(), "# trace hash " + verdict.at("trace_hash").get<std::string>());
}

TEST_F(CliTest, ReplayOfEveryCorpusScenarioPrintsTheSameBytesEveryTime) {
  int replayed = 0;
  for (const auto& entry : fs::directory_iterator(kCorpusDir)) {
    if (entry.path().extension() != ".json") continue;
    for (const char* format : {"text", "jsonl"}) {
      const std::vector<std::string> args = {"replay",     "--scenario", entry.path().string(),
                                             "--strategy", kCorrect,     "--format",
                                             format};
      const Outcome first = Shardsim(args);
      const Outcome second = Shardsim(args);
      EXPECT_EQ(first.exit_code, 0) << first;
      EXPECT_FALSE(first.out.empty()) << first;
      EXPECT_EQ(first.out, second.out) << entry.path();
    }
    ++replayed;
  }
  EXPECT_GT(replayed, 0);
}

TEST_F(CliTest, ReplayOfTheScenarioACheckSavedPrintsTheSameBytesEveryTime) {
  WriteFailingScenario(work_ / "corpus" / "one-call-per-second.json");
  const Outcome check =
      Shardsim({"check", "--strategy", kCorrect, "--cases", "3", "--corpus", "corpus", "--json"});
  ASSERT_EQ(check.exit_code, 1) << check;
  const std::string saved =
      check.Json().at("results")[0].at("failure").at("saved_scenario").get<std::string>();
  const Outcome first = Shardsim({"replay", "--scenario", saved});
  const Outcome second = Shardsim({"replay", "--scenario", saved});
  EXPECT_EQ(first.exit_code, 1) << first;
  EXPECT_EQ(first.out, second.out);
  EXPECT_THAT(first.out, HasSubstr("# FAIL bounded_call_rate")) << first;
  const Outcome jsonl = Shardsim({"replay", "--scenario", saved, "--format", "jsonl"});
  EXPECT_EQ(jsonl.exit_code, 1) << jsonl;
  const json verdict = json::parse(Lines(jsonl.out).back());
  EXPECT_EQ(verdict.at("verdict"), "fail");
  EXPECT_EQ(verdict.at("property"), "bounded_call_rate");
}

// ---------------------------------------------------------------------------------------------
// --jobs 1 against --jobs 2

TEST_F(CliTest, CheckWithTwoJobsPrintsExactlyTheJsonOfOneJob) {
  const Outcome one = Shardsim(
      {"check", "--strategy", kCorrect, "--cases", "40", "--seed", "11", "--jobs", "1", "--json"});
  const Outcome two = Shardsim(
      {"check", "--strategy", kCorrect, "--cases", "40", "--seed", "11", "--jobs", "2", "--json"});
  ASSERT_EQ(one.exit_code, 0) << one;
  EXPECT_EQ(two.exit_code, 0) << two;
  EXPECT_EQ(one.Json().at("results")[0].at("cases_run"), 40);
  EXPECT_EQ(one.out, two.out);
}

TEST_F(CliTest, CheckAllWithTwoJobsPrintsExactlyTheJsonOfOneJob) {
  const Outcome one = Shardsim({"check", "--all", "--cases", "40", "--jobs", "1", "--json"});
  const Outcome two = Shardsim({"check", "--all", "--cases", "40", "--jobs", "2", "--json"});
  EXPECT_EQ(one.exit_code, two.exit_code) << one << two;
  EXPECT_EQ(one.out, two.out);
  ExpectCheckResultKeys(one.Json());
}

// ---------------------------------------------------------------------------------------------
// Two shards merged equal one unsharded run

TEST_F(CliTest, TwoShardsMergedPrintTheJsonOfOneUnshardedRun) {
  const std::vector<std::string> check = {"check", "--strategy", kCorrect, "--cases",
                                          "40",    "--seed",     "4"};
  auto with = [&](std::vector<std::string> more) {
    std::vector<std::string> args = check;
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  const Outcome whole = Shardsim(with({"--json"}));
  ASSERT_EQ(whole.exit_code, 0) << whole;
  // Shard 0 from flags, shard 1 from GoogleTest's variables.
  const Outcome shard0 =
      Shardsim(with({"--shard-index", "0", "--shard-count", "2", "--output", "shard0.json"}));
  const Outcome shard1 = Shardsim(with({"--output", "shard1.json", "--json"}),
                                  {{"GTEST_SHARD_INDEX", "1"}, {"GTEST_TOTAL_SHARDS", "2"}});
  ASSERT_EQ(shard0.exit_code, 0) << shard0;
  ASSERT_EQ(shard1.exit_code, 0) << shard1;
  EXPECT_EQ(shard1.out, ReadFile(work_ / "shard1.json")) << "--output holds what --json prints";
  const json s1 = shard1.Json().at("results")[0];
  EXPECT_EQ(s1.at("shard_index"), 1);
  EXPECT_EQ(s1.at("shard_count"), 2);
  EXPECT_EQ(s1.at("cases_run"), 20);
  for (const json& pair : s1.at("case_hashes")) EXPECT_EQ(pair[0].get<uint64_t>() % 2, 1u);

  const Outcome merged = Shardsim({"merge", "--json", "shard0.json", "shard1.json"});
  ASSERT_EQ(merged.exit_code, 0) << merged;
  EXPECT_EQ(merged.out, whole.out);
  const Outcome reversed = Shardsim({"merge", "--json", "shard1.json", "shard0.json"});
  EXPECT_EQ(reversed.out, whole.out) << "the order of the files does not matter";
}

TEST_F(CliTest, ThreeShardsOfAnIndexedJobMergedPrintTheJsonOfOneUnshardedRun) {
  const std::vector<std::string> check = {"check", "--strategy", kCorrect, "--cases",
                                          "31",    "--seed",     "9"};
  std::vector<std::string> whole_args = check;
  whole_args.push_back("--json");
  const Outcome whole = Shardsim(whole_args);
  ASSERT_EQ(whole.exit_code, 0) << whole;
  std::vector<std::string> merge = {"merge", "--json"};
  for (const char* index : {"0", "1", "2"}) {
    std::vector<std::string> args = check;
    const std::string file = std::string("job-") + index + ".json";
    args.insert(args.end(), {"--output", file});
    const Outcome o =
        Shardsim(args, {{"JOB_COMPLETION_INDEX", index}, {"SHARDSIM_SHARD_COUNT", "3"}});
    ASSERT_EQ(o.exit_code, 0) << o;
    merge.push_back(file);
  }
  const Outcome merged = Shardsim(merge);
  ASSERT_EQ(merged.exit_code, 0) << merged;
  EXPECT_EQ(merged.out, whole.out);
}

TEST_F(CliTest, TwoShardsOfARunFailingOnTheCorpusMergeToTheUnshardedFailure) {
  WriteFailingScenario(work_ / "corpus" / "one-call-per-second.json");
  const std::vector<std::string> check = {"check", "--strategy", kCorrect, "--cases",
                                          "20",    "--corpus",   "corpus"};
  std::vector<std::string> whole_args = check;
  whole_args.push_back("--json");
  const Outcome whole = Shardsim(whole_args);
  ASSERT_EQ(whole.exit_code, 1) << whole;
  for (const char* index : {"0", "1"}) {
    std::vector<std::string> args = check;
    args.insert(args.end(), {"--output", std::string("shard") + index + ".json"});
    const Outcome o = Shardsim(args, {{"GTEST_SHARD_INDEX", index}, {"GTEST_TOTAL_SHARDS", "2"}});
    ASSERT_EQ(o.exit_code, 1) << o;
  }
  const Outcome merged = Shardsim({"merge", "--json", "shard0.json", "shard1.json"});
  ASSERT_EQ(merged.exit_code, 1) << merged;
  EXPECT_EQ(merged.out, whole.out);
}

TEST_F(CliTest, TwoShardsOfTheFirstBuggyStrategyMergeToTheUnshardedFailingCaseAndMinimalScenario) {
  const std::optional<std::string> buggy = FirstBuggyStrategy();
  if (!buggy) GTEST_SKIP() << "no strategy with an expected failure is registered yet";
  const std::vector<std::string> check = {"check",  "--strategy", *buggy,   "--cases", "1000",
                                          "--seed", "1",          "--jobs", "2"};
  std::vector<std::string> whole_args = check;
  whole_args.push_back("--json");
  const Outcome whole = Shardsim(whole_args);
  ASSERT_EQ(whole.exit_code, 1) << whole;
  for (const char* index : {"0", "1"}) {
    std::vector<std::string> args = check;
    args.insert(args.end(), {"--output", std::string("shard") + index + ".json"});
    Env env;
    if (std::string(index) == "1") {
      env = {{"GTEST_SHARD_INDEX", "1"}, {"GTEST_TOTAL_SHARDS", "2"}};
    } else {
      args.insert(args.end(), {"--shard-index", "0", "--shard-count", "2"});
    }
    const Outcome o = Shardsim(args, env);
    ASSERT_TRUE(o.exit_code == 0 || o.exit_code == 1) << o;
  }
  const Outcome merged = Shardsim({"merge", "--json", "shard0.json", "shard1.json"});
  ASSERT_EQ(merged.exit_code, 1) << merged;
  const json w = whole.Json().at("results")[0].at("failure");
  const json m = merged.Json().at("results")[0].at("failure");
  ASSERT_FALSE(w.is_null());
  ASSERT_FALSE(m.is_null());
  EXPECT_EQ(m.at("case"), w.at("case"));
  EXPECT_EQ(m.at("property"), w.at("property"));
  EXPECT_EQ(m.at("minimal_scenario"), w.at("minimal_scenario"));
  EXPECT_EQ(merged.out, whole.out);
}

// A campaign of `check --all`: known-buggy strategies fail as expected, and the merge exits,
// prints and writes what the unsharded run did.
// Two shards (each shard finds and shrinks its own failures, so every shard costs about as much
// as the whole run); cli_readme_campaign merges eight and sixteen as the README writes them.
TEST_F(CliTest, TwoShardsOfCheckAllMergeToTheUnshardedExitStatusTextAndJson) {
  const std::vector<std::string> check = {"check",  "--all", "--cases", "200",
                                          "--seed", "7",     "--quiet"};
  std::vector<std::string> whole_args = check;
  whole_args.insert(whole_args.end(), {"--output", "whole.json"});
  // 200 cases of every catalogue entry: about 16 s on an idle core, so a longer bound for a
  // loaded CI machine (the bound only catches a hang; nothing here is timed).
  constexpr std::chrono::seconds kCampaignTimeout(300);
  const Outcome whole = Shardsim(whole_args, {}, kCampaignTimeout);
  ASSERT_EQ(whole.exit_code, 0) << "seed 7 at 200 cases: every entry meets its expected verdict";
  EXPECT_THAT(whole.out, HasSubstr("every strategy met its expected verdict\n"));
  EXPECT_THAT(whole.out, HasSubstr("FAIL ")) << "known-buggy entries fail as expected";
  std::vector<std::string> merge = {"merge"};
  for (const char* index : {"0", "1"}) {
    std::vector<std::string> args = check;
    const std::string file = std::string("shard-") + index + ".json";
    args.insert(args.end(), {"--shard-index", index, "--shard-count", "2", "--output", file});
    const Outcome o = Shardsim(args, {}, kCampaignTimeout);
    ASSERT_EQ(o.exit_code, 0) << "no strategy expected to pass failed in the shard\n" << o;
    EXPECT_THAT(
        o.out, HasSubstr(std::string("is decided by `") + kBinary + " merge` of all the shards\n"));
    merge.push_back(file);
  }
  fs::remove_all(failures_);  // the merge writes the minimal scenarios it names again
  const Outcome merged = Shardsim(merge);
  EXPECT_EQ(merged.exit_code, whole.exit_code) << merged;
  EXPECT_EQ(merged.out, whole.out);
  EXPECT_EQ(merged.err, "");
  for (const std::string& line : Lines(merged.out)) {
    const std::string picture = "picture of the failing run: ";
    if (line.rfind(picture, 0) == 0) EXPECT_TRUE(fs::exists(line.substr(picture.size()))) << line;
  }
  merge.insert(merge.begin() + 1, "--json");
  const Outcome merged_json = Shardsim(merge);
  EXPECT_EQ(merged_json.exit_code, whole.exit_code);
  EXPECT_EQ(merged_json.out, ReadFile(work_ / "whole.json"));
}

TEST_F(CliTest, ACheckAllCampaignThatMissesAnExpectedVerdictMergesToExitStatusOne) {
  // At 20 cases of seed 7 some known-buggy entries are not yet caught.
  const std::vector<std::string> check = {"check",  "--all", "--cases", "20",
                                          "--seed", "7",     "--quiet"};
  const Outcome whole = Shardsim(check);
  ASSERT_EQ(whole.exit_code, 1) << whole;
  EXPECT_THAT(whole.out, HasSubstr("some strategies did not meet their expected verdict\n"));
  for (const char* index : {"0", "1"}) {
    std::vector<std::string> args = check;
    args.insert(args.end(), {"--output", std::string("shard") + index + ".json"});
    Shardsim(args, {{"JOB_COMPLETION_INDEX", index}, {"SHARDSIM_SHARD_COUNT", "2"}});
  }
  const Outcome merged = Shardsim({"merge", "shard0.json", "shard1.json"});
  EXPECT_EQ(merged.exit_code, 1) << merged;
  EXPECT_EQ(merged.out, whole.out);
}

TEST_F(CliTest, ResultsOfCheckAllAndOfOneStrategyDoNotMerge) {
  ASSERT_NE(Shardsim({"check", "--all", "--cases", "2", "--shard-index", "0", "--shard-count", "2",
                      "--output", "all.json"})
                .exit_code,
            2);
  ASSERT_EQ(Shardsim({"check", "--strategy", kCorrect, "--cases", "2", "--shard-index", "1",
                      "--shard-count", "2", "--output", "one.json"})
                .exit_code,
            0);
  const Outcome merged = Shardsim({"merge", "all.json", "one.json"});
  EXPECT_EQ(merged.exit_code, 2) << merged;
  EXPECT_THAT(merged.err, HasSubstr("one.json: a result of one strategy, while all.json is of "
                                    "check --all"));
}

TEST_F(CliTest, AMergedFailureOfAStrategyThisCommandDoesNotKnowSaysWhyItHasNoTimeline) {
  WriteFailingScenario(work_ / "corpus" / "one-call-per-second.json");
  ASSERT_EQ(Shardsim({"check", "--strategy", kCorrect, "--cases", "2", "--corpus", "corpus",
                      "--output", "mine.json"})
                .exit_code,
            1);
  std::string text = ReadFile(work_ / "mine.json");
  for (size_t at = text.find(kCorrect); at != std::string::npos; at = text.find(kCorrect, at)) {
    text.replace(at, std::string(kCorrect).size(), "someone-elses-loop");
  }
  WriteFile(work_ / "theirs.json", text);
  const Outcome merged = Shardsim({"merge", "theirs.json"});
  EXPECT_EQ(merged.exit_code, 1) << merged;
  EXPECT_THAT(merged.out, StartsWith("FAIL someone-elses-loop (expected pass)\n"));
  EXPECT_THAT(merged.out, HasSubstr("no timeline of the failing run"));
  EXPECT_THAT(merged.out, HasSubstr("unknown strategy 'someone-elses-loop'"));
}

// ---------------------------------------------------------------------------------------------
// Sequence numbers and the demo

TEST_F(CliTest, SeqnumDecodeExplainsTheSeedArticlesFirstNumber) {
  const Outcome o = Shardsim({"seqnum", "decode", kArticleA});
  ASSERT_EQ(o.exit_code, 0) << o;
  EXPECT_EQ(o.err, "");
  EXPECT_THAT(o.out, HasSubstr(kArticleA));
  EXPECT_THAT(o.out, HasSubstr("shardId-000000000000 (index 0)"));
  EXPECT_THAT(o.out, HasSubstr("shard created 2023-04-05T07:06:12Z"));
  EXPECT_THAT(o.out, HasSubstr("put time      2023-04-05T07:08:09Z"));
  EXPECT_THAT(o.out, HasSubstr("counter       8398"));
  EXPECT_THAT(o.out, HasSubstr("version       2"));
}

TEST_F(CliTest, SeqnumEncodeOfTheDecodedFieldsGivesBackTheSameNumbers) {
  for (const char* number : {kArticleA, kArticleB}) {
    const Outcome decoded = Shardsim({"seqnum", "decode", "--json", number});
    ASSERT_EQ(decoded.exit_code, 0) << decoded;
    const json f = decoded.Json();
    // Fields as RFC 3339 times and as Unix seconds.
    for (const bool rfc3339 : {true, false}) {
      const std::string created = rfc3339
                                      ? f.at("shard_created").get<std::string>()
                                      : std::to_string(f.at("shard_created_unix").get<int64_t>());
      const std::string put = rfc3339 ? f.at("put_time").get<std::string>()
                                      : std::to_string(f.at("put_time_unix").get<int64_t>());
      const Outcome encoded =
          Shardsim({"seqnum", "encode", "--shard-index",
                    std::to_string(f.at("shard_index").get<uint64_t>()), "--created", created,
                    "--put", put, "--counter", std::to_string(f.at("counter").get<uint64_t>())});
      ASSERT_EQ(encoded.exit_code, 0) << encoded;
      EXPECT_EQ(encoded.out, std::string(number) + "\n");
    }
  }
  const Outcome encoded =
      Shardsim({"seqnum", "encode", "--json", "--shard-index", "3", "--created",
                "2024-01-02T03:04:05Z", "--put", "2024-01-02T04:05:06Z", "--counter", "12345"});
  ASSERT_EQ(encoded.exit_code, 0) << encoded;
  const json e = encoded.Json();
  ExpectSequenceNumberKeys(e);
  EXPECT_EQ(e.at("shard_id"), "shardId-000000000003");
  const Outcome back =
      Shardsim({"seqnum", "decode", "--json", e.at("sequence_number").get<std::string>()});
  ASSERT_EQ(back.exit_code, 0) << back;
  EXPECT_EQ(back.Json(), e);
  EXPECT_EQ(e.at("shard_created"), "2024-01-02T03:04:05Z");
  EXPECT_EQ(e.at("put_time"), "2024-01-02T04:05:06Z");
  EXPECT_EQ(e.at("counter"), 12345);
}

TEST_F(CliTest, DemoExitsZeroAndPrintsTheSeedArticlesSequenceNumbers) {
  const Outcome o = Shardsim({"demo", "--cases", "5"});
  ASSERT_EQ(o.exit_code, 0) << o;
  EXPECT_EQ(o.err, "");
  EXPECT_THAT(o.out, HasSubstr(std::string("put-record 'a' -> ") + kArticleA));
  EXPECT_THAT(o.out, HasSubstr(std::string("put-record 'b' -> ") + kArticleB));
  EXPECT_THAT(o.out, HasSubstr("MillisBehindLatest"));
  EXPECT_THAT(o.out, HasSubstr(kCorrect));
  EXPECT_THAT(o.out, HasSubstr("2. Every catalogue loop, 5 generated scenarios each"))
      << "shardsim registers the catalogue and nothing else: " << o;
  const Outcome again = Shardsim({"demo", "--cases", "5", "--jobs", "1"});
  EXPECT_EQ(again.out, o.out) << "deterministic whatever the threads";
}

}  // namespace
