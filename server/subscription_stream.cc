// SubscribeToShard served: the subscription the model opened, sent as an event stream
// (event_stream.h) over a ResponseStream (response_stream.h).
//
// Virtual time while a subscription is open (see service.h, "Subscriptions and the clock"):
// under the wall and scaled clocks the stream waits, in wall time, until the model's next event
// is due; under the manual and per-request clocks nothing else moves time when no requests come,
// so a pull that finds nothing due moves the clock itself to the model's next due time and sends
// that event — but only when the service has handled no other request for the last
// kQuietPullsBeforeMoving pulls (else those requests move time, and the stream sends what falls
// due by them). Such a stream asks to be pulled again after kControlledPull of wall time: five
// minutes of a subscription's virtual time pass in about a second and a half, without spinning.
#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "server/event_stream.h"
#include "server/request_id.h"
#include "server/service.h"
#include "sim/check.h"

namespace shardsim::server {

namespace {

using Kind = model::SubscriptionPoll::Kind;

// Wall time between pulls of a stream whose clock it moves itself (manual, per-request).
constexpr std::chrono::milliseconds kControlledPull{5};
// Pulls in a row that must see no request before the stream moves the clock: a client that
// makes a call right after opening a subscription (or between reading its events) makes it
// well within this (4 pulls: 20 ms), and its call, not the stream, moves time.
constexpr int kQuietPullsBeforeMoving = 4;
// Polls in one pull: a poll that waits moves the clock to its wake time, and the model's waits
// between two events at rest are at most kHeartbeatInterval / kEventInterval = 5.
constexpr int kMaxPollsPerPull = 16;

bool ClockMovesWithRequestsOnly(const ClockMode& mode) {
  return mode.kind == ClockMode::Kind::kManual || mode.kind == ClockMode::Kind::kPerRequest;
}

// Wall time until virtual time `to` under a wall or scaled clock, within 1 ms .. 1 s.
std::chrono::milliseconds WallUntil(const ClockMode& mode, Instant now, Instant to) {
  double micros = static_cast<double>((to - now).micros());
  if (mode.kind == ClockMode::Kind::kScaled && mode.scale > 0) micros /= mode.scale;
  const auto ms = static_cast<int64_t>(micros / 1000.0) + 1;
  return std::chrono::milliseconds(std::clamp<int64_t>(ms, 1, 1000));
}

}  // namespace

class KinesisService::SubscriptionStream : public ResponseStream {
 public:
  SubscriptionStream(KinesisService& service, uint64_t id, std::string client, Encoding encoding)
      : service_(service), id_(id), client_(std::move(client)), encoding_(encoding) {}

  Step Pull() override {
    SHARDSIM_CHECK(!ended_ && !cancelled_, "a subscription's stream pulled after its end");
    Step out;
    if (!started_) {
      started_ = true;
      requests_seen_ = service_.requests_;
      // boto3 and the Go SDK wait for it before the first SubscribeToShardEvent.
      out.bytes = event_stream::EncodeEvent("initial-response", ContentType(encoding_),
                                            Serialize(Json::object(), encoding_));
    }
    quiet_pulls_ = service_.requests_ == requests_seen_ ? quiet_pulls_ + 1 : 0;
    requests_seen_ = service_.requests_;
    const bool idle = quiet_pulls_ >= kQuietPullsBeforeMoving;
    VirtualClock& clock = service_.clock_;
    const bool controlled = ClockMovesWithRequestsOnly(clock.mode());
    for (int polls = 0; polls < kMaxPollsPerPull; ++polls) {
      const Instant now = clock.Now();
      if (service_.hooks_ != nullptr) service_.hooks_->BeforeCall(now, service_.model_);
      const model::SubscriptionDelivery delivery =
          service_.model_.ObserveSubscription(now, client_, id_);
      if (delivery.poll.kind != Kind::kWait) {
        ended_ = Deliver(delivery, out.bytes);
        if (!ended_ && !delivery.poll.event->ContinuationSequenceNumber) {
          // The shard's last event: its completion goes with it, not at a later pull whose
          // order against the client's next request would depend on wall time.
          ended_ = Deliver(service_.model_.ObserveSubscription(now, client_, id_), out.bytes);
          SHARDSIM_CHECK(ended_, "a subscription went on after its shard's last event");
        }
        out.done = ended_;
        out.retry_after =
            controlled ? kControlledPull
                       : WallUntil(clock.mode(), now, now + model::KinesisModel::kEventInterval);
        return out;
      }
      if (!controlled) {
        out.retry_after = WallUntil(clock.mode(), now, delivery.poll.wake_at);
        return out;
      }
      if (!idle) break;  // the requests move time; send what falls due by them
      SHARDSIM_CHECK(clock.Set(delivery.poll.wake_at).ok(),
                     "a subscription's wake time lies before the clock");
    }
    out.retry_after = kControlledPull;
    return out;
  }

  void Cancel() override { cancelled_ = true; }

 private:
  // Observes, logs and frames one delivery into `bytes`; true when it ends the stream.
  bool Deliver(const model::SubscriptionDelivery& delivery, std::string& bytes) {
    service_.Notify([&](model::CallObserver& o) { o.OnSubscriptionDelivery(delivery); });
    const std::string_view content_type = ContentType(encoding_);
    Json logged;
    int status = 200;
    bool end = true;
    switch (delivery.poll.kind) {
      case Kind::kEvent: {
        const Json event = SubscribeToShardEventValue(*delivery.poll.event, encoding_);
        bytes += event_stream::EncodeEvent("SubscribeToShardEvent", content_type,
                                           Serialize(event, encoding_));
        logged = encoding_ == Encoding::kCbor ? JsonForm(event) : event;
        end = false;
        break;
      }
      case Kind::kFailed: {
        const ApiError error = FromModel(*delivery.poll.error);
        bytes += event_stream::EncodeException(
            error.type, content_type, Serialize(Json{{"message", error.message}}, encoding_));
        logged = ErrorValue(error);
        status = error.http_status;
        break;
      }
      case Kind::kComplete:
        logged = Json{{"end", delivery.poll.expired ? "expired" : "complete"}};
        break;
      case Kind::kWait:
        SHARDSIM_CHECK(false, "a subscription delivered a wait");
    }
    if (service_.log_) {
      service_.Log(Json{{"time", FormatVirtualTime(delivery.at)},
                        {"client", client_},
                        {"operation", kSubscriptionEventOperation},
                        {"subscription", id_},
                        {"status", status},
                        {"response", std::move(logged)}});
    }
    return end;
  }

  KinesisService& service_;
  const uint64_t id_;
  const std::string client_;
  const Encoding encoding_;
  bool started_ = false;
  bool ended_ = false;
  bool cancelled_ = false;
  uint64_t requests_seen_ = 0;  // the service's request count at the previous pull
  int quiet_pulls_ = 0;         // pulls in a row that saw no request since the one before
};

std::shared_ptr<ResponseStream> KinesisService::SubscriptionStreamOf(uint64_t subscription_id,
                                                                     std::string client,
                                                                     Encoding encoding) {
  return std::make_shared<SubscriptionStream>(*this, subscription_id, std::move(client), encoding);
}

}  // namespace shardsim::server
