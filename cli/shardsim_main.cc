// shardsim: the command with the built-in catalogue of consumer loops.
#include "catalogue/catalogue.h"
#include "cli/cli.h"
#include "consumer/strategy_registry.h"

int main(int argc, char** argv) {
  shardsim::catalogue::RegisterCatalogue(shardsim::consumer::StrategyRegistry::Global());
  return shardsim::cli::Main(argc, argv, shardsim::cli::Program{.name = "shardsim"});
}
