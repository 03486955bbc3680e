#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "model/sequence_number.h"
#include "sim/time.h"

namespace shardsim::cli {

namespace {

std::string SecondsText(int64_t seconds) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(seconds),
                          absl::UTCTimeZone());
}

nlohmann::json FieldsJson(const std::string& number, const model::SequenceNumberFields& f) {
  return {{"sequence_number", number},
          {"shard_index", f.shard_index},
          {"shard_id", absl::StrFormat("shardId-%012u", f.shard_index)},
          {"shard_created", SecondsText(f.shard_creation_seconds)},
          {"shard_created_unix", f.shard_creation_seconds},
          {"put_time", SecondsText(f.put_seconds)},
          {"put_time_unix", f.put_seconds},
          {"counter", f.counter},
          {"version", f.version}};
}

void PrintFields(const std::string& number, const model::SequenceNumberFields& f, bool json) {
  if (json) {
    PrintJson(FieldsJson(number, f));
    return;
  }
  Print(absl::StrCat("sequence number ", number, "\n", "  shard         shardId-",
                     absl::StrFormat("%012u", f.shard_index), " (index ", f.shard_index, ")\n",
                     "  shard created ", SecondsText(f.shard_creation_seconds), "\n",
                     "  put time      ", SecondsText(f.put_seconds),
                     " (about one second before ApproximateArrivalTimestamp)\n", "  counter       ",
                     f.counter, "\n", "  version       ", f.version, "\n"));
}

}  // namespace

int RunSeqnumDecode(const SeqnumDecodeFlags& flags) {
  const absl::StatusOr<model::SequenceNumberFields> fields =
      model::DecodeSequenceNumber(flags.number);
  if (!fields.ok()) {
    throw InputError(absl::StrCat("cannot decode '", flags.number,
                                  "': ", sim::ToString(fields.status().message())));
  }
  PrintFields(flags.number, *fields, flags.json);
  return kExitOk;
}

int RunSeqnumEncode(const SeqnumEncodeFlags& flags) {
  model::SequenceNumberFields fields;
  fields.shard_index = flags.shard_index;
  fields.shard_creation_seconds = flags.created_seconds;
  fields.put_seconds = flags.put_seconds;
  fields.counter = flags.counter;
  if (absl::Status s = model::ValidateSequenceNumberFields(fields); !s.ok()) {
    throw InputError(sim::ToString(s.message()));
  }
  const std::string number = model::EncodeSequenceNumber(fields);
  if (flags.json) {
    PrintJson(FieldsJson(number, fields));
  } else {
    Print(number + "\n");
  }
  return kExitOk;
}

}  // namespace shardsim::cli
