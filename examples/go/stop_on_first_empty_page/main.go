// Command stop_on_first_empty_page is the seed article's buggy loop with the AWS SDK for Go v2,
// the Go twin of examples/python/stop_on_first_empty_page.py, over every shard: it reads each
// shard from TRIM_HORIZON and stops at the first empty page ("no records: no more data").
// Expected verdict under `shardsim check --client`: fails no_abandoned_shard on the seed
// article's scenario (tests/corpus/the-seed-article-idle-day.json with --rerun-every 6h: a
// first run before any put finds an empty shard and exits), since after an idle gap
// GetRecords answers empty pages while later records exist (an emulator that range-scans,
// such as kinesalite, never shows it). A throttled read (a competing reader) is tried again, so
// that generated cases find its one bug: `no_abandoned_shard`.
//
// Endpoint from AWS_ENDPOINT_URL (or SHARDSIM_ENDPOINT), stream from SHARDSIM_STREAM, the rest
// the SDK's defaults; POLL_SLEEP_S sets the loop's sleep (0.2 s, as in the original; a
// per-request clock does not see it, so tests set 0).
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

func main() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		log.Fatal(err)
	}
	// Debian 12's SDK (aws-sdk-go-v2 1.17.1) predates AWS_ENDPOINT_URL support: set the
	// endpoint resolver from the variable.
	endpoint := os.Getenv("AWS_ENDPOINT_URL")
	if endpoint == "" {
		endpoint = os.Getenv("SHARDSIM_ENDPOINT")
	}
	client := kinesis.NewFromConfig(cfg, func(o *kinesis.Options) {
		if endpoint != "" {
			o.EndpointResolver = kinesis.EndpointResolverFromURL(endpoint)
		}
	})
	stream := os.Getenv("SHARDSIM_STREAM")
	if stream == "" {
		stream = "stream"
	}
	pollSleep := 0.2
	if s, ok := os.LookupEnv("POLL_SLEEP_S"); ok {
		if pollSleep, err = strconv.ParseFloat(s, 64); err != nil {
			log.Fatal(err)
		}
	}

	shards, err := client.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String(stream)})
	if err != nil {
		log.Fatal(err)
	}
	for _, shard := range shards.Shards {
		it, err := client.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(stream),
			ShardId: shard.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
		if err != nil {
			log.Fatal(err)
		}
		iterator := it.ShardIterator
		for iterator != nil {
			page, err := client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iterator, Limit: aws.Int32(1000)})
			var throttled *types.ProvisionedThroughputExceededException
			if errors.As(err, &throttled) {
				continue // throttled: the same iterator again
			}
			if err != nil {
				log.Fatal(err)
			}
			if len(page.Records) == 0 {
				break // "no more data": the bug
			}
			for _, record := range page.Records {
				fmt.Println(aws.ToString(shard.ShardId), aws.ToString(record.SequenceNumber))
			}
			iterator = page.NextShardIterator
			time.Sleep(time.Duration(pollSleep * float64(time.Second)))
		}
	}
}
