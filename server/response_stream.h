// ResponseStream: the body of a response that is sent over time, not at once — an
// `application/vnd.amazon.eventstream` answer to SubscribeToShard, written frame by frame as the
// subscription's virtual time passes.
//
// Contract with the transports (HTTP/1.1 chunked, HTTP/2 DATA frames): all calls happen on the
// server's one thread, like KinesisService::Handle. The transport sends the response's headers,
// then calls Pull() at once, again when the `retry_after` it returned has passed, and again
// after every other request it has handed to the service (a put may have given the stream
// something to send). Pull appends the bytes ready now to `bytes` (possibly none); `done` means
// those bytes are the last and the body ends. A transport whose peer has gone away (or that
// shuts down) calls Cancel() instead, once, and never Pull() again; a stream is never pulled
// after it said done.
#ifndef SHARDSIM_SERVER_RESPONSE_STREAM_H_
#define SHARDSIM_SERVER_RESPONSE_STREAM_H_

#include <chrono>
#include <string>

namespace shardsim::server {

class ResponseStream {
 public:
  struct Step {
    std::string bytes;
    bool done = false;
    // Wall time until the transport pulls again (unless a request comes first); ignored when
    // `done`.
    std::chrono::milliseconds retry_after{1000};
  };
  virtual ~ResponseStream() = default;
  virtual Step Pull() = 0;
  virtual void Cancel() = 0;
};

}  // namespace shardsim::server

#endif  // SHARDSIM_SERVER_RESPONSE_STREAM_H_
