// The domain signal of one judged run, as coverage counters for a coverage-guided fuzzer
// (fuzz/strategy_fuzzer.cc hands them to libFuzzer as extra counters): a run that sets a
// counter no earlier run set, or takes one into a higher bucket, reached a new domain
// situation, so the fuzzer keeps its input even when the code it ran took no new branch.
//
// A counter is a byte; the fuzzer folds its value into buckets (1, 2, 3, 4-7, 8-15, 16-31,
// 32-127, 128+), so a count is a signal in its order of magnitude. The counters, in order:
//   - each probe a run reached (properties/probes.h), and each pair of probes reached together;
//   - each of the judge's run statistics (RunStats: reads, empty pages, throttled calls,
//     expired iterators, checkpoints, events, crashes, restarts, redeliveries, records not
//     processed), capped at 255;
//   - the property the run violated, if any (a loop expected to fail one keeps reaching it);
//   - the shape of the scenario: crashes, downtimes past the retention period, splits, merges,
//     competing readers, the largest gap between puts (by powers of two of minutes), the
//     largest number of records in one millisecond.
// Deterministic in the report and the scenario.
#ifndef SHARDSIM_PROPERTIES_DOMAIN_SIGNAL_H_
#define SHARDSIM_PROPERTIES_DOMAIN_SIGNAL_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "properties/harness.h"
#include "properties/scenario.h"

namespace shardsim::properties {

inline constexpr size_t kDomainSignalSize = 256;

// Sets `counters` (kDomainSignalSize bytes, all written) from one judged run.
void DomainSignal(const RunReport& report, const Scenario& scenario,
                  std::span<uint8_t, kDomainSignalSize> counters);

}  // namespace shardsim::properties

#endif  // SHARDSIM_PROPERTIES_DOMAIN_SIGNAL_H_
