// KinesisModel: a stream's status (CREATING, ACTIVE, UPDATING, DELETING) and what each allows.
#include <utility>

#include "absl/strings/str_cat.h"
#include "model/internal/stream.h"
#include "model/kinesis_model.h"
#include "sim/check.h"

namespace shardsim::model {

Outcome<KinesisModel::Stream*> KinesisModel::UsableStream(Instant now, std::string_view name,
                                                          Access access) {
  Stream* stream = FindStream(name);
  const auto not_found = [&] {
    return KinesisError{ErrorCode::kResourceNotFound, internal::StreamNotFound(name)};
  };
  if (stream == nullptr) return not_found();
  const StreamStatus status = stream->StatusAt(now);
  if (status == StreamStatus::ACTIVE) return stream;
  if (access == Access::kReadWrite && status == StreamStatus::CREATING) return not_found();
  // Reads, writes and listings go on while UPDATING or DELETING.
  if (access != Access::kChange && status != StreamStatus::CREATING) return stream;
  return KinesisError{
      ErrorCode::kResourceInUse,
      absl::StrCat("Stream ", stream->name, " under account ", sim::ToAbsl(internal::kAccount),
                   " not ACTIVE, instead in state ", sim::ToAbsl(StreamStatusName(status)))};
}

void KinesisModel::MarkBusy(Stream& stream, StreamStatus status, Instant now) {
  const Duration delay = stream.options.status_change_delay;
  if (delay <= Duration::Zero()) return;
  const bool was_deleting = stream.StatusAt(now) == StreamStatus::DELETING;
  stream.busy_status = status;
  stream.busy_until = now + delay;
  if (status == StreamStatus::DELETING && !was_deleting) ++deleting_;
}

void KinesisModel::CompleteDeletions(Instant now) {
  for (auto it = streams_.begin(); it != streams_.end();) {  // std::map: name order
    const Stream& stream = *it->second;
    if (stream.busy_status != StreamStatus::DELETING || now < stream.busy_until) {
      ++it;
      continue;
    }
    it = streams_.erase(it);
    ++erasures_;
    --deleting_;
  }
  SHARDSIM_CHECK(deleting_ >= 0, "more deletions completed than begun");
}

Outcome<Empty> KinesisModel::DeleteStream(Instant now, const DeleteStreamRequest& request) {
  Advance(now);
  Outcome<Stream*> found = UsableStream(now, request.StreamName, Access::kChange);
  if (!found.ok()) return found.error();
  WakeSubscribers(**found, std::nullopt);
  if ((*found)->options.status_change_delay <= Duration::Zero()) {
    streams_.erase(request.StreamName);  // the key exists: found names it
    ++erasures_;
    return Empty{};
  }
  MarkBusy(**found, StreamStatus::DELETING, now);
  return Empty{};
}

}  // namespace shardsim::model
