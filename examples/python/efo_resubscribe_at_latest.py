"""efo_consumer.py with the classic enhanced fan-out bug: when a subscription's five minutes end,
it subscribes again at LATEST instead of AFTER the last ContinuationSequenceNumber. A consumer
that was behind (walking an idle stretch, or a backlog) when the subscription ended skips every
record it had not yet been sent. Expected verdict under `shardsim check --client`: fails
no_skipping_subscription (the judge sees the LATEST resubscription leave records behind).
"""
import os

from efo_consumer import consume

if __name__ == "__main__":
    consume(os.environ.get("SHARDSIM_STREAM", "stream"), resubscribe_at_latest=True)
