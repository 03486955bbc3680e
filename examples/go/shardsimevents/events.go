// Package shardsimevents reports application events to shardsim (POST /_shardsim/events): it
// tells the judge what the consumer processed, checkpointed and believes, so that the full
// property set applies to a real client. The Go twin of examples/python/shardsim_events.py.
//
//	events := shardsimevents.New()   // endpoint from SHARDSIM_ENDPOINT; off without it
//	events.Processed(shardID, aws.ToString(record.SequenceNumber))
//	err := events.Checkpoint(shardID, sequenceNumber) // or events.CheckpointShardEnd(shardID)
//	err = events.CaughtUp(shardID)   // "nothing more to read on this shard right now"
//	err = events.ShardEnd(shardID)   // "this closed shard is read to its end"
//	err = events.Flush()             // sends what is buffered
//
// Events are buffered and sent in one request per flush; a checkpoint or a belief flushes at
// once. Standard library only; the client's name is its AWS_ACCESS_KEY_ID, as the server
// names its Kinesis calls.
package shardsimevents

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

type event struct {
	Type           string `json:"type"`
	ShardID        string `json:"shard_id"`
	SequenceNumber string `json:"sequence_number,omitempty"`
	ShardEnd       bool   `json:"shard_end,omitempty"`
}

// Events buffers events for one client. Not safe for concurrent use.
type Events struct {
	endpoint string
	client   string
	pending  []event
	http     *http.Client
}

// New reports to SHARDSIM_ENDPOINT (nothing is sent without it) as AWS_ACCESS_KEY_ID.
func New() *Events {
	client := os.Getenv("AWS_ACCESS_KEY_ID")
	if client == "" {
		client = "anonymous"
	}
	return &Events{endpoint: os.Getenv("SHARDSIM_ENDPOINT"), client: client,
		http: &http.Client{Timeout: 30 * time.Second}}
}

// Processed records that the application processed the record; sent at the next flush.
func (e *Events) Processed(shardID, sequenceNumber string) {
	e.pending = append(e.pending, event{Type: "processed", ShardID: shardID, SequenceNumber: sequenceNumber})
}

// Checkpoint reports a checkpoint at sequenceNumber (kept durably before it is reported).
func (e *Events) Checkpoint(shardID, sequenceNumber string) error {
	e.pending = append(e.pending, event{Type: "checkpoint", ShardID: shardID, SequenceNumber: sequenceNumber})
	return e.Flush()
}

// CheckpointShardEnd reports the checkpoint past a closed shard's last record.
func (e *Events) CheckpointShardEnd(shardID string) error {
	e.pending = append(e.pending, event{Type: "checkpoint", ShardID: shardID, ShardEnd: true})
	return e.Flush()
}

// CaughtUp reports the belief that nothing more is to be read on the shard right now.
func (e *Events) CaughtUp(shardID string) error {
	e.pending = append(e.pending, event{Type: "caught_up", ShardID: shardID})
	return e.Flush()
}

// ShardEnd reports the belief that the closed shard is read to its end.
func (e *Events) ShardEnd(shardID string) error {
	e.pending = append(e.pending, event{Type: "shard_end", ShardID: shardID})
	return e.Flush()
}

// Flush sends the buffered events in one request.
func (e *Events) Flush() error {
	pending := e.pending
	e.pending = nil
	if len(pending) == 0 || e.endpoint == "" {
		return nil
	}
	body, err := json.Marshal(struct {
		Client string  `json:"client"`
		Events []event `json:"events"`
	}{e.client, pending})
	if err != nil {
		return err
	}
	url := strings.TrimSuffix(e.endpoint, "/") + "/_shardsim/events"
	response, err := e.http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer response.Body.Close()
	answer, _ := io.ReadAll(response.Body)
	if response.StatusCode != http.StatusOK {
		return fmt.Errorf("shardsim events: %s: %s", response.Status, answer)
	}
	return nil
}
