// SubscribeToShard served: the subscription the model opened, sent as an event stream
// (event_stream.h) over a ResponseStream (response_stream.h).
//
// Virtual time while a subscription is open: see service.h, "Subscriptions and the clock".
// Under the wall and scaled clocks the stream waits, in wall time, until the model's next event
// is due. Under the manual and per-request clocks it moves the clock itself once the clients
// wait for it, and asks to be pulled again after kControlledPull of wall time: five minutes of
// a subscription's virtual time pass in well under a second, without spinning.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "server/event_stream.h"
#include "server/request_id.h"
#include "server/service.h"
#include "sim/check.h"

namespace shardsim::server {

namespace {

using Kind = model::SubscriptionPoll::Kind;

// Wall time between pulls of a stream whose clock it moves itself (manual, per-request): also
// the gap between the two looks at the clients that must both find them waiting.
constexpr std::chrono::milliseconds kControlledPull{5};
// Without a view of the clients' processes: pulls in a row that must see no request before the
// stream moves the clock. A client that makes a call right after opening a subscription (or
// between reading its events) makes it well within this (4 pulls: 20 ms).
constexpr int kQuietPulls = 4;
// Polls in one pull: a poll that waits may move the clock to its wake time, and the model's
// waits between two events at rest are at most kHeartbeatInterval / kEventInterval = 5.
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
      : service_(service), id_(id), client_(std::move(client)), encoding_(encoding) {
    service_.waits_[id_] = std::nullopt;  // open, and not yet asked
  }
  ~SubscriptionStream() override { service_.waits_.erase(id_); }

  Step Pull() override {
    SHARDSIM_CHECK(!ended_ && !cancelled_, "a subscription's stream pulled after its end");
    Step out;
    const bool started_now = !started_;
    if (!started_) {
      started_ = true;
      // boto3 and the Go SDK wait for it before the first SubscribeToShardEvent.
      out.bytes = event_stream::EncodeEvent("initial-response", ContentType(encoding_),
                                            Serialize(Json::object(), encoding_));
    }
    VirtualClock& clock = service_.clock_;
    if (!ClockMovesWithRequestsOnly(clock.mode())) {
      const Instant now = clock.Now();
      const model::SubscriptionDelivery delivery = Observe(now);
      if (delivery.poll.kind != Kind::kWait) {
        Send(delivery, out);
        out.retry_after = WallUntil(clock.mode(), now, now + model::KinesisModel::kEventInterval);
      } else {
        out.retry_after = WallUntil(clock.mode(), now, delivery.poll.wake_at);
      }
      return out;
    }
    // Without a view of the clients: pulls in a row that saw no request (deliveries and the
    // stream's own moves do not count: it walks on, one event a pull, once requests stop).
    quiet_pulls_ = started_now || service_.requests_ != requests_seen_ ? 0 : quiet_pulls_ + 1;
    requests_seen_ = service_.requests_;
    for (int polls = 0; polls < kMaxPollsPerPull; ++polls) {
      // What falls due at one instant goes out in the subscriptions' order, whatever order the
      // transport pulls them in: the lower ids first say they have nothing to send.
      if (!service_.AskedSinceLastChange(id_)) break;
      const Instant now = clock.Now();
      const model::SubscriptionDelivery delivery = Observe(now);
      if (delivery.poll.kind != Kind::kWait) {
        Send(delivery, out);
        break;
      }
      service_.waits_[id_] = SubscriptionWait{delivery.poll.wake_at, service_.changes_};
      if (!ClientsWaitForMe()) break;
      const Instant to = MoveTarget(now, delivery.poll.wake_at);
      // A crash due by then is played here, on a client that waits (ServiceHooks::Admit).
      if (service_.hooks_ != nullptr && !service_.hooks_->Admit(to)) break;
      SHARDSIM_CHECK(clock.Set(to).ok(), "a subscription's wake time lies before the clock");
      // The clients were sent nothing: they still wait, and the next poll may move on (when
      // no other subscription is open: theirs must ask again first).
      look_->changes = ++service_.changes_;
    }
    out.retry_after = kControlledPull;
    return out;
  }

  void Cancel() override {
    cancelled_ = true;
    service_.waits_.erase(id_);
  }

 private:
  // One look at the clients, with the service's change count when it was taken.
  struct Look {
    uint64_t changes = 0;
    std::optional<ClientActivity> activity;
  };

  model::SubscriptionDelivery Observe(Instant now) {
    if (service_.hooks_ != nullptr) service_.hooks_->BeforeCall(now, service_.model_);
    return service_.model_.ObserveSubscription(now, client_, id_);
  }

  // Frames `delivery` (not a wait) into `out`, with the completion that follows the shard's last
  // event: that goes with it, not at a later pull whose order against the client's next request
  // would depend on wall time.
  void Send(const model::SubscriptionDelivery& delivery, Step& out) {
    ++service_.changes_;
    service_.waits_[id_] = std::nullopt;
    look_.reset();
    ended_ = Deliver(delivery, out.bytes);
    if (!ended_ && !delivery.poll.event->ContinuationSequenceNumber) {
      ended_ = Deliver(service_.model_.ObserveSubscription(delivery.at, client_, id_), out.bytes);
      SHARDSIM_CHECK(ended_, "a subscription went on after its shard's last event");
    }
    out.done = ended_;
    if (ended_) service_.waits_.erase(id_);
  }

  // Whether this stream may move the clock now (service.h, "Subscriptions and the clock"): its
  // event is the first due of every open subscription's, no request is on its way, and the
  // clients wait — at this look and the previous one.
  bool ClientsWaitForMe() {
    if (service_.FirstDueSubscription() != id_ ||
        (service_.input_pending_ && service_.input_pending_())) {
      look_.reset();
      return false;
    }
    Look look{service_.changes_,
              service_.hooks_ != nullptr ? service_.hooks_->ClientActivityNow() : std::nullopt};
    const bool same_change = look_.has_value() && look_->changes == look.changes;
    bool waiting = false;
    if (look.activity.has_value()) {
      waiting = !look.activity->busy && same_change && look_->activity == look.activity;
    } else {
      waiting = quiet_pulls_ >= kQuietPulls;
    }
    look_ = std::move(look);
    return waiting;
  }

  // Where the clock moves: this subscription's wake time, or the hooks' next scheduled event if
  // that comes first.
  Instant MoveTarget(Instant now, Instant wake_at) const {
    if (service_.hooks_ == nullptr) return wake_at;
    const std::optional<Instant> next = service_.hooks_->NextScheduledAfter(now);
    return next.has_value() && *next > now ? std::min(*next, wake_at) : wake_at;
  }

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
  std::optional<Look> look_;    // the previous look at the clients, if it still counts
  uint64_t requests_seen_ = 0;  // the service's request count at the previous pull
  int quiet_pulls_ = 0;         // pulls in a row that saw no request since the one before
};

bool KinesisService::AskedSinceLastChange(uint64_t below_id) const {
  for (auto it = waits_.begin(); it != waits_.end() && it->first < below_id; ++it) {
    if (!it->second.has_value() || it->second->as_of_change != changes_) return false;
  }
  return true;
}

std::optional<uint64_t> KinesisService::FirstDueSubscription() const {
  std::optional<uint64_t> first;
  Instant first_wake;
  for (const auto& [id, wait] : waits_) {  // ascending ids: the lowest wins a tie
    if (!wait.has_value() || wait->as_of_change != changes_) return std::nullopt;
    if (!first.has_value() || wait->wake_at < first_wake) {
      first = id;
      first_wake = wait->wake_at;
    }
  }
  return first;
}

std::shared_ptr<ResponseStream> KinesisService::SubscriptionStreamOf(uint64_t subscription_id,
                                                                     std::string client,
                                                                     Encoding encoding) {
  return std::make_shared<SubscriptionStream>(*this, subscription_id, std::move(client), encoding);
}

}  // namespace shardsim::server
