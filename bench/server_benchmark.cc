// Request handling of `shardsim serve` without the transport: KinesisService::Handle for
// GetRecords (Limit=1) in JSON and CBOR, and PutRecord. The HTTP figure (requests per second
// over keep-alive, against kinesalite) is measured with wrk; see README "shardsim serve".
#include <benchmark/benchmark.h>

#include <string>

#include "server/service.h"

namespace shardsim::server {
namespace {

HttpRequest Kinesis(std::string_view target, std::string_view content_type, std::string_view body) {
  return HttpRequest{"POST", "/", target, content_type, "", body};
}

struct Fixture {
  Fixture() {
    options.latency = Duration::Zero();
    options.limits = false;
    service = std::make_unique<KinesisService>(options);
    Call("CreateStream", R"({"StreamName":"s","ShardCount":1})");
    (void)service->clock().Advance(Duration::Seconds(1));
    for (int i = 0; i < 3; ++i)
      Call("PutRecord", R"({"StreamName":"s","Data":"YWJj","PartitionKey":"1"})");
    const HttpResponse it = Call(
        "GetShardIterator",
        R"({"StreamName":"s","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"})");
    iterator = Json::parse(it.body)["ShardIterator"];
  }
  HttpResponse Call(const std::string& op, std::string_view body) {
    const std::string target = "Kinesis_20131202." + op;
    return service->Handle(Kinesis(target, "application/x-amz-json-1.1", body));
  }
  ServiceOptions options;
  std::unique_ptr<KinesisService> service;
  std::string iterator;
};

void BM_HandleGetRecordsJson(benchmark::State& state) {
  Fixture f;
  const std::string body = Json{{"ShardIterator", f.iterator}, {"Limit", 1}}.dump();
  const HttpRequest request =
      Kinesis("Kinesis_20131202.GetRecords", "application/x-amz-json-1.1", body);
  for (auto _ : state) {
    HttpResponse r = f.service->Handle(request);
    if (r.status != 200) state.SkipWithError(r.body.c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HandleGetRecordsJson);

void BM_HandleGetRecordsCbor(benchmark::State& state) {
  Fixture f;
  const std::vector<uint8_t> cbor =
      Json::to_cbor(Json{{"ShardIterator", f.iterator}, {"Limit", 1}});
  const std::string body(cbor.begin(), cbor.end());
  const HttpRequest request =
      Kinesis("Kinesis_20131202.GetRecords", "application/x-amz-cbor-1.1", body);
  for (auto _ : state) {
    HttpResponse r = f.service->Handle(request);
    if (r.status != 200) state.SkipWithError("GetRecords failed");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HandleGetRecordsCbor);

void BM_HandlePutRecordJson(benchmark::State& state) {
  Fixture f;
  const HttpRequest request = Kinesis("Kinesis_20131202.PutRecord", "application/x-amz-json-1.1",
                                      R"({"StreamName":"s","Data":"YWJj","PartitionKey":"1"})");
  for (auto _ : state) {
    HttpResponse r = f.service->Handle(request);
    if (r.status != 200) state.SkipWithError(r.body.c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HandlePutRecordJson);

}  // namespace
}  // namespace shardsim::server
