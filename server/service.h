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
// their subscriptions, so an open subscription moves the clock itself — its events are calls
// that move the clock — but only when no request can come first: the clients are waiting for
// it. Then it moves the clock to the earliest time any open subscription's next event is due
// (or the hooks' next scheduled event, if that is earlier), and that subscription sends it. The
// rule that says the clients are waiting:
//   - every open subscription has asked the model since the last change (a request, a clock
//     move, a delivery), and none had anything to send;
//   - the transport holds no unread request bytes (SetInputProbe);
//   - with hooks that see the clients' processes (ServiceHooks::ClientActivityNow, as
//     `check --client` runs them): at two pulls in a row (kControlledPull apart) every thread
//     of theirs was blocked (none runnable, none in uninterruptible sleep) and between them they
//     used no CPU and started or ended no thread. What a client does then is a function of what
//     it was sent, never of how fast the machine runs it — the same requests in the same order,
//     and so the same verdict, on a busy machine and an idle one. (A client that sleeps in wall
//     time while a subscription is open is at rest while it sleeps: its later call then races
//     the subscription.)
//   - without such hooks (`shardsim serve`): no request for kQuietPulls pulls in a row (20 ms).
//     With the manual clock the same requests in the same order still give byte-identical
//     responses and streams when each stream is read to its end before the next request.
// A subscription at rest (a heartbeat every 5 s) thus lasts well under a second of wall time,
// one walking an idle stretch (an event a second) a few seconds; no spinning, no stall. Moving
// the clock is a point where a scenario's crash falls due (ServiceHooks::Admit, as for a
// request): the client, waiting, is killed there.
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

// What the processes of the clients a front end runs are doing (ServiceHooks::ClientActivityNow):
// the clients wait for the server when, at two looks in a row, no thread of theirs was `busy`
// and the two looks are equal (no thread ran, started or ended between them).
struct ClientActivity {
  bool busy = true;        // a thread runnable or in uninterruptible sleep, or no process running
  uint64_t cpu_ns = 0;     // the CPU time all their threads have used
  uint64_t runs = 0;       // how many times their threads were given a CPU
  std::vector<int> tasks;  // their thread ids, ascending
  friend bool operator==(const ClientActivity&, const ClientActivity&) = default;
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
  // What the clients' processes are doing now, for hooks that run them (see "Subscriptions and
  // the clock"); nullopt: not known.
  virtual std::optional<ClientActivity> ClientActivityNow() { return std::nullopt; }
  // The first time after `now` at which the hooks have something scheduled (a put, a reshard,
  // a crash), if any: an open subscription moves the clock no further at once.
  virtual std::optional<Instant> NextScheduledAfter(Instant /*now*/) { return std::nullopt; }
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
  // The transport's answer to "is a request on its way?": unread bytes on a connection (see
  // "Subscriptions and the clock"). Called on the thread that calls Handle. Without one: no.
  void SetInputProbe(std::function<bool()> input_pending) {
    input_pending_ = std::move(input_pending);
  }
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

  // Open subscriptions under a manual or per-request clock, and when each next has an event
  // due, as of which change (see "Subscriptions and the clock").
  struct SubscriptionWait {
    Instant wake_at;
    uint64_t as_of_change = 0;
  };
  // The subscription whose event is due first (ties: the lowest id), when every open one has
  // asked since the last change; nullopt otherwise.
  std::optional<uint64_t> FirstDueSubscription() const;
  // Whether every open subscription with an id below `below_id` has asked since the last change
  // (and so had nothing to send).
  bool AskedSinceLastChange(uint64_t below_id) const;

  ServiceOptions options_;
  VirtualClock clock_;
  model::KinesisModel model_;
  uint64_t requests_ = 0;
  // Counts requests, deliveries and clock moves by subscriptions.
  uint64_t changes_ = 0;
  std::map<uint64_t, std::optional<SubscriptionWait>> waits_;
  std::function<bool()> input_pending_;
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
