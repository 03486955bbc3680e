// KinesisService: the Kinesis endpoint without its transport. It turns one HTTP request
// (method, path, a few headers, body) into one HTTP response, in the order it is given
// requests, against one KinesisModel and one virtual clock. The HTTP server (http_server.h)
// feeds it from a single thread, so request order is arrival order; `shardsim replay --log`
// feeds it from a log file.
//
// Routes: POST / with X-Amz-Target Kinesis_20131202.<Operation> (the Kinesis API, see
// protocol.h), GET and POST /_shardsim/clock (the clock control API, clock_api.h), POST
// /_shardsim/events (a client's application events, events_api.h), 404 for anything else.
//
// ServiceHooks let a caller above this library (a scenario playback, a judge of real clients)
// see and shape a session without the service knowing what they are: before each call they
// fire what fell due at its virtual time, they observe every call as the model's checkers do,
// and they receive the application events; they may drop a client's request (a scenario's
// crash: the request that a killed client never sent), which then has no effect at all.
// Every response carries a deterministic x-amzn-RequestId and x-amz-id-2 (from the seed and a
// request counter) and the virtual time of the call; the transport adds the real Date.
//
// SubscribeToShard answers 200 with Content-Type application/vnd.amazon.eventstream and a
// ResponseStream (response_stream.h) that sends, as event-stream frames (event_stream.h), the
// `initial-response` event ({} in the request's encoding), then each SubscribeToShardEvent the
// model delivers (ObserveSubscription: observed by the hooks and observers, and logged, one
// line each, as the simulated client observes and traces them), or the error that ended the
// subscription as an exception message; the stream ends with the subscription (5 minutes, or
// the shard's end). Errors before it opens (ResourceInUse within 5 s, a bad position, an
// unknown consumer) are ordinary error responses.
//
// Subscriptions and the clock: the model says when a subscription's next event is due. Under
// the wall and scaled clocks the stream waits that long in wall time (scaled: divided by K).
// Under the manual and per-request clocks nothing else moves time while clients only read
// their subscriptions, so a pull that finds nothing due moves the clock itself to the next due
// time and sends that event — an open subscription's events are calls that move the clock —
// but only once the service has handled no request for its last 4 pulls (otherwise those
// requests move time, and the stream sends what falls due by them). Such a stream is pulled
// again after 5 ms of wall time: a 5-minute subscription at rest (a heartbeat every 5 s) lasts
// about 0.3 s, one walking an idle stretch (an event a second) about 1.5 s; no spinning, no
// stall. With the manual clock, the same requests in the same order still give byte-identical
// responses and streams when each stream is read to its end before the next request; a client
// that makes calls while a subscription is open races it in wall time (a call within 20 ms of
// the previous one always wins: the stream does not move the clock meanwhile).
//
// Kinesis itself (stream status, ShardFilter, paging, limits, consumers, tags, monitoring,
// encryption) is the model's (kinesis_model.h): the service routes, decodes and encodes.
// ARNs on the wire name the region of the request's credential scope; the model's name
// us-east-1 (responses.h: ModelArn, RegionalArn). Streams made by CreateStream stay CREATING,
// UPDATING and DELETING for `create_delay` (the model's status_change_delay); streams added by
// AddStream keep their options' delay. With the manual clock, the same requests in the same order
// give byte-identical responses.
#ifndef SHARDSIM_SERVER_SERVICE_H_
#define SHARDSIM_SERVER_SERVICE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "model/client.h"
#include "model/kinesis_model.h"
#include "model/stream_options.h"
#include "server/clock.h"
#include "server/events_api.h"
#include "server/protocol.h"
#include "server/response_stream.h"
#include "server/responses.h"

namespace shardsim::server {

struct ServiceOptions {
  uint64_t seed = 1;
  model::BucketProfile profile;
  ClockMode clock;
  Instant start = sim::kDefaultEpoch;
  // Manual clock: virtual time each Kinesis call takes. At 200 ms a client calling back to back
  // stays exactly within GetRecords' 5 calls per second per shard.
  Duration latency = Duration::Millis(200);
  // How long a stream made by CreateStream stays CREATING, UPDATING or DELETING.
  Duration create_delay = Duration::Millis(200);
  // false: every per-shard rate limit off (ShardLimits::Unlimited), for load generators.
  bool limits = true;
  // What the session plays (a scenario's JSON), copied into the log's header; null: nothing.
  Json scenario;

  // The log's first line, and back (for replay).
  Json ToJson() const;
  static absl::StatusOr<ServiceOptions> FromJson(const Json& header);
};

struct HttpRequest {
  std::string_view method;  // "POST"
  std::string_view path;    // "/" (the request target without its query)
  std::string_view amz_target;
  std::string_view content_type;
  std::string_view authorization;
  std::string_view body;
};

// See the header comment. Called on the thread that calls Handle, in request order.
class ServiceHooks : public model::CallObserver {
 public:
  // Before anything else of a Kinesis call or an events request at virtual time `now` (the
  // clock's time, never decreasing); may block. false drops the request: it is not logged,
  // not counted, changes nothing and does not move the clock, and its answer is a 503 that
  // nobody reads (its sender is being killed).
  virtual bool Admit(Instant /*now*/) { return true; }
  // Before a Kinesis call or an application event at virtual time `now` (never decreasing).
  virtual void BeforeCall(Instant /*now*/, model::KinesisModel& /*model*/) {}
  // An accepted application event of `client` at `now`.
  virtual void OnApplicationEvent(Instant /*now*/, const std::string& /*client*/,
                                  const ApplicationEvent& /*event*/) {}
  // After a Kinesis call of `client`, under a per-request clock that has just moved by its
  // `step` to `now`: how much further it jumps (clientcheck/fast_forward.h says when and why).
  virtual Duration JumpAfterCall(Instant /*now*/, std::string_view /*client*/, Duration /*step*/) {
    return Duration::Zero();
  }
};

// The Content-Type of SubscribeToShard's answer.
inline constexpr std::string_view kEventStreamContentType = "application/vnd.amazon.eventstream";
// The log's `operation` of a subscription's delivery (an event, its end, or its error), one
// line each, with the subscription's id (the model's, counting from 1) in `subscription`.
inline constexpr std::string_view kSubscriptionEventOperation = "SubscribeToShardEvent";

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::string request_id;    // x-amzn-RequestId
  std::string id2;           // x-amz-id-2
  std::string virtual_time;  // x-shardsim-virtual-time
  // Set for a body sent over time (SubscribeToShard's event stream): `body` is then empty and
  // the transport streams what `stream` yields (response_stream.h).
  std::shared_ptr<ResponseStream> stream;
};

class KinesisService {
 public:
  explicit KinesisService(ServiceOptions options, WallSource& wall = WallSource::Real());
  ~KinesisService();

  HttpResponse Handle(const HttpRequest& request);
  // The answer to a request the transport could not read whole (too large, truncated, too
  // slow): `error` in the encoding `content_type` names. Counted and logged like any request.
  HttpResponse Reject(const ApiError& error, std::string_view content_type);
  // Thread-safe: how many requests were rejected so (unreadable HTTP), and the latest one's
  // message ("" when none was).
  uint64_t rejected() const;
  std::string last_rejection() const;

  // Each request then writes one JSON line (no newline) to `sink`; the header line first.
  void SetLogSink(std::function<void(std::string_view line)> sink);

  // Not owned; must outlive the service (nullptr: none).
  void SetHooks(ServiceHooks* hooks) { hooks_ = hooks; }
  // Sees every observed call too, after the hooks (the replay of a served session writes its
  // trace this way). Not owned; must outlive the service.
  void AddCallObserver(model::CallObserver* observer) { observers_.push_back(observer); }
  // A stream with `options` (a scenario's buckets, limits, retention and status delay: ACTIVE
  // at once when that is zero) instead of the service's profile.
  absl::Status AddStream(const std::string& name, int shard_count,
                         const model::StreamOptions& options);

  const ServiceOptions& options() const { return options_; }
  VirtualClock& clock() { return clock_; }
  // The stream model the requests act on (for pictures and checks of a served session).
  model::KinesisModel& model() { return model_; }

 private:
  struct Call;

  HttpResponse Kinesis(const HttpRequest& request, Json* log_entry);
  HttpResponse Control(const HttpRequest& request, Json* log_entry);
  // The answer to a request the hooks dropped (see ServiceHooks::Admit).
  HttpResponse Dropped();
  HttpResponse Events(const HttpRequest& request, Json* log_entry);
  Answer Dispatch(const Request& request, Call& call);
  HttpResponse Respond(Answer answer, Encoding encoding, Instant now, Json* log_entry);
  HttpResponse Finish(int status, const Json& body, std::optional<Encoding> encoding, Instant at,
                      Json* log_entry, bool empty_body = false);
  // A response with the next request id and the virtual time `at` (not logged).
  HttpResponse Stamped(int status, Encoding encoding, std::string body, Instant at);
  HttpResponse Error(const ApiError& error, std::optional<Encoding> encoding, Instant at,
                     Json* log_entry);
  void Log(Json entry);

  // One handler per operation (see Dispatch).
  Answer Run(const CreateStreamCall& call, Call& c);
  Answer Run(const DeleteStreamCall& call, Call& c);
  Answer Run(const DescribeStreamCall& call, Call& c);
  Answer Run(const DescribeStreamSummaryCall& call, Call& c);
  Answer Run(const ListStreamsCall& call, Call& c);
  Answer Run(const ListShardsCall& call, Call& c);
  Answer Run(const GetShardIteratorCall& call, Call& c);
  Answer Run(const GetRecordsCall& call, Call& c);
  Answer Run(const PutRecordCall& call, Call& c);
  Answer Run(const PutRecordsCall& call, Call& c);
  Answer Run(const SplitShardCall& call, Call& c);
  Answer Run(const MergeShardsCall& call, Call& c);
  Answer Run(const UpdateShardCountCall& call, Call& c);
  Answer Run(const RetentionCall& call, Call& c);
  Answer Run(const RegisterStreamConsumerCall& call, Call& c);
  Answer Run(const DescribeStreamConsumerCall& call, Call& c);
  Answer Run(const ListStreamConsumersCall& call, Call& c);
  Answer Run(const DeregisterStreamConsumerCall& call, Call& c);
  Answer Run(const SubscribeToShardCall& call, Call& c);
  Answer Run(const AddTagsToStreamCall& call, Call& c);
  Answer Run(const RemoveTagsFromStreamCall& call, Call& c);
  Answer Run(const ListTagsForStreamCall& call, Call& c);
  Answer Run(const EnhancedMonitoringCall& call, Call& c);
  Answer Run(const StreamEncryptionCall& call, Call& c);
  Answer Run(const DescribeLimitsCall& call, Call& c);

  // The event stream of one open subscription (subscription_stream.cc).
  class SubscriptionStream;
  std::shared_ptr<ResponseStream> SubscriptionStreamOf(uint64_t subscription_id, std::string client,
                                                       Encoding encoding);

  ServiceOptions options_;
  VirtualClock clock_;
  model::KinesisModel model_;
  uint64_t requests_ = 0;
  mutable std::mutex rejected_mu_;
  uint64_t rejected_ = 0;
  std::string last_rejection_;
  std::function<void(std::string_view)> log_;
  ServiceHooks* hooks_ = nullptr;
  std::vector<model::CallObserver*> observers_;

  bool Observed() const { return hooks_ != nullptr || !observers_.empty(); }
  template <typename F>
  void Notify(const F& notify) {
    if (hooks_ != nullptr) notify(static_cast<model::CallObserver&>(*hooks_));
    for (model::CallObserver* o : observers_) notify(*o);
  }
};

}  // namespace shardsim::server

#endif  // SHARDSIM_SERVER_SERVICE_H_
