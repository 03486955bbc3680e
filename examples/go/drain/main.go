// Command drain is a correct long-running Kinesis poller with the AWS SDK for Go v2, the Go twin
// of examples/python/drain.py. Expected verdict under `shardsim check --client`: pass.
//
// Every shard is followed with NextShardIterator (an empty page is normal: it stops only when
// NextShardIterator is absent, at a closed shard's end); shards come from ListShards (paged
// with NextToken) at start and from the ChildShards of each closed shard's last page; a child
// is read only once its parents are read to their end; throttling
// (ProvisionedThroughputExceededException) is retried on the next pass and an expired
// iterator is replaced; application events are reported (package shardsimevents), so shardsim
// judges processing, checkpoints and beliefs too. Runs until SIGTERM.
//
// Checkpoints are durable: a file in SHARDSIM_STATE_DIR (kept in memory without it), written
// (atomically, fsynced) after the page's records are reported processed and before the
// checkpoint is reported, and read at start, so a consumer killed by a scenario's crash resumes
// after its last checkpoint and redelivers only what it had not checkpointed.
//
// Endpoint from AWS_ENDPOINT_URL (or SHARDSIM_ENDPOINT), stream from SHARDSIM_STREAM, the rest
// (credentials, region, AWS_MAX_ATTEMPTS) the SDK's defaults; POLL_SLEEP_S sets the pause
// between passes over the shards (0 by default).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"shardsim/examples/go/shardsimevents"
)

// newClient is the SDK's default client with the endpoint of AWS_ENDPOINT_URL. The SDK in
// Debian 12 (aws-sdk-go-v2 1.17.1, kinesis 1.15.21) predates AWS_ENDPOINT_URL support (config
// reads it from v1.25 on), so the endpoint resolver is set from the variable here.
func newClient(ctx context.Context) *kinesis.Client {
	cfg, err := config.LoadDefaultConfig(ctx)
	must(err)
	endpoint := os.Getenv("AWS_ENDPOINT_URL")
	if endpoint == "" {
		endpoint = os.Getenv("SHARDSIM_ENDPOINT")
	}
	return kinesis.NewFromConfig(cfg, func(o *kinesis.Options) {
		if endpoint != "" {
			o.EndpointResolver = kinesis.EndpointResolverFromURL(endpoint)
		}
	})
}

// checkpoints maps a shard to the last sequence number processed, or to nil (JSON null) once
// the shard is read to its end; the same file format as drain.py's.
type checkpoints struct {
	path    string
	byShard map[string]*string
}

func loadCheckpoints(stateDir string) *checkpoints {
	c := &checkpoints{byShard: map[string]*string{}}
	if stateDir == "" {
		return c
	}
	c.path = filepath.Join(stateDir, "checkpoints.json")
	data, err := os.ReadFile(c.path)
	if errors.Is(err, os.ErrNotExist) {
		return c
	}
	must(err)
	must(json.Unmarshal(data, &c.byShard))
	return c
}

func (c *checkpoints) save(shardID string, sequenceNumber *string) {
	c.byShard[shardID] = sequenceNumber
	if c.path == "" {
		return
	}
	data, err := json.Marshal(c.byShard)
	must(err)
	temporary := c.path + ".tmp" // written, fsynced, then renamed over the file: atomic
	f, err := os.Create(temporary)
	must(err)
	_, err = f.Write(data)
	must(err)
	must(f.Sync())
	must(f.Close())
	must(os.Rename(temporary, c.path))
}

// listShards returns the stream's shards, every page of ListShards.
func listShards(ctx context.Context, client *kinesis.Client, stream string) []types.Shard {
	var shards []types.Shard
	input := &kinesis.ListShardsInput{StreamName: aws.String(stream)}
	for {
		page, err := client.ListShards(ctx, input)
		must(err)
		shards = append(shards, page.Shards...)
		if page.NextToken == nil {
			return shards
		}
		input = &kinesis.ListShardsInput{NextToken: page.NextToken} // no StreamName with NextToken
	}
}

// throttled tells a call refused by a shard's rate limit (a competing reader spends it too).
func throttled(err error) bool {
	var exceeded *types.ProvisionedThroughputExceededException
	return errors.As(err, &exceeded)
}

// transient is a failure of the transport rather than an answer of the service, such as the
// SDK's own 5 s wall-time limit on reading a GetRecords body (kinesis customizations'
// ReadTimeoutDuration), which a busy machine can hit: the call is tried again, as the SDK's
// retryer would with more than one attempt allowed.
func transient(err error) bool {
	var timeout *awshttp.ResponseTimeoutError
	var response *awshttp.ResponseError
	if errors.As(err, &timeout) {
		return true
	}
	// Answered 200 but the body could not be read whole (a deserialization error whose cause is
	// the connection, not the service).
	return errors.As(err, &response) && response.HTTPStatusCode() == 200
}

// pollSleep is POLL_SLEEP_S, the pause between passes over the shards (none by default).
func pollSleep() time.Duration {
	seconds, err := strconv.ParseFloat(os.Getenv("POLL_SLEEP_S"), 64)
	if err != nil {
		return 0
	}
	return time.Duration(seconds * float64(time.Second))
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

func consume(ctx context.Context, client *kinesis.Client, stream string) {
	events := shardsimevents.New()
	saved := loadCheckpoints(os.Getenv("SHARDSIM_STATE_DIR"))
	finished := map[string]bool{} // read to their end
	position := map[string]string{}
	for shardID, sequenceNumber := range saved.byShard {
		if sequenceNumber == nil {
			finished[shardID] = true
		} else {
			position[shardID] = *sequenceNumber
		}
	}
	var order []string               // shards in the order they became known: a deterministic pass
	parents := map[string][]string{} // shard -> its parents
	learn := func(shardID string, shardParents ...*string) {
		if _, known := parents[shardID]; known {
			return
		}
		order = append(order, shardID)
		parents[shardID] = []string{}
		for _, p := range shardParents {
			if p != nil {
				parents[shardID] = append(parents[shardID], *p)
			}
		}
	}
	for _, shard := range listShards(ctx, client, stream) {
		learn(aws.ToString(shard.ShardId), shard.ParentShardId, shard.AdjacentParentShardId)
	}
	ready := func(shardID string) bool { // every known parent (not expired) is read to its end
		for _, p := range parents[shardID] {
			if _, known := parents[p]; known && !finished[p] {
				return false
			}
		}
		return true
	}
	iterators := map[string]string{}
	for {
		for i := 0; i < len(order); i++ { // children learnt during the pass are read in it too
			shardID := order[i]
			if finished[shardID] || !ready(shardID) {
				continue
			}
			if _, ok := iterators[shardID]; !ok {
				input := &kinesis.GetShardIteratorInput{StreamName: aws.String(stream),
					ShardId: aws.String(shardID), ShardIteratorType: types.ShardIteratorTypeTrimHorizon}
				if sequenceNumber, ok := position[shardID]; ok {
					input.ShardIteratorType = types.ShardIteratorTypeAfterSequenceNumber
					input.StartingSequenceNumber = aws.String(sequenceNumber)
				}
				out, err := client.GetShardIterator(ctx, input)
				var invalid *types.InvalidArgumentException
				if errors.As(err, &invalid) && input.StartingSequenceNumber != nil {
					// The checkpoint fell below the trim horizon (down longer than the retention
					// period): what lay between has expired; go on from the oldest record left.
					input.ShardIteratorType = types.ShardIteratorTypeTrimHorizon
					input.StartingSequenceNumber = nil
					out, err = client.GetShardIterator(ctx, input)
				}
				if throttled(err) {
					continue // tried again on the next pass
				}
				must(err)
				iterators[shardID] = aws.ToString(out.ShardIterator)
			}
			page, err := client.GetRecords(ctx, &kinesis.GetRecordsInput{
				ShardIterator: aws.String(iterators[shardID]), Limit: aws.Int32(1000)})
			var expired *types.ExpiredIteratorException
			if errors.As(err, &expired) {
				delete(iterators, shardID) // a new one from the position on the next pass
				continue
			}
			if throttled(err) || transient(err) {
				continue // the same iterator on the next pass
			}
			must(err)
			for _, record := range page.Records {
				position[shardID] = aws.ToString(record.SequenceNumber)
				events.Processed(shardID, position[shardID])
			}
			if len(page.Records) > 0 {
				must(events.Flush()) // processed, then checkpointed: at least once
				saved.save(shardID, aws.String(position[shardID]))
				must(events.Checkpoint(shardID, position[shardID]))
			}
			if page.NextShardIterator == nil { // the shard is closed and read to its end
				saved.save(shardID, nil)
				must(events.CheckpointShardEnd(shardID))
				must(events.ShardEnd(shardID))
				finished[shardID] = true
				delete(iterators, shardID)
				for _, child := range page.ChildShards {
					learn(aws.ToString(child.ShardId), aws.StringSlice(child.ParentShards)...)
				}
				continue
			}
			iterators[shardID] = *page.NextShardIterator
			if aws.ToInt64(page.MillisBehindLatest) == 0 {
				must(events.CaughtUp(shardID))
			}
		}
		must(events.Flush())
		time.Sleep(pollSleep())
	}
}

func main() {
	sigterm := make(chan os.Signal, 1)
	signal.Notify(sigterm, syscall.SIGTERM)
	go func() { <-sigterm; os.Exit(0) }()
	stream := os.Getenv("SHARDSIM_STREAM")
	if stream == "" {
		stream = "stream"
	}
	ctx := context.Background()
	consume(ctx, newClient(ctx), stream)
}
