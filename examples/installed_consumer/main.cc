// Proves that an installed shardsim can be found, included and linked: prints the default
// simulation epoch through the installed header and library.
#include <iostream>

#include "sim/time.h"

int main() {
  const shardsim::sim::Instant epoch = shardsim::sim::kDefaultEpoch;
  std::cout << "shardsim default epoch: " << epoch.ToString() << "\n";
  std::cout << "one hour later: " << (epoch + shardsim::sim::Duration::Hours(1)).ToString()
            << "\n";
  return 0;
}
