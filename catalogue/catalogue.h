// The built-in catalogue of consumer loops seen in real code, correct and buggy: code under
// test, not part of the framework. Each entry is one short file under correct/ or buggy/ that
// says what real code it reflects, links the public source and declares its expected verdict.
//
// Nothing registers on linking: a program that wants the catalogue calls RegisterCatalogue.
// Entries() is the one list of entries (catalogue.cc); catalogue_test checks it against the
// files in correct/ and buggy/, so an entry file left out of it fails the build's tests.
#ifndef SHARDSIM_CATALOGUE_CATALOGUE_H_
#define SHARDSIM_CATALOGUE_CATALOGUE_H_

#include <vector>

#include "consumer/strategy.h"
#include "consumer/strategy_registry.h"

namespace shardsim::catalogue {

// Every entry, correct ones first.
std::vector<consumer::StrategyInfo> Entries();

// Registers every entry; stops the program (SHARDSIM_CHECK) if one is rejected, since that is
// a bug in the catalogue, or if the registry already holds a strategy of the same name.
void RegisterCatalogue(consumer::StrategyRegistry& registry);

}  // namespace shardsim::catalogue

#endif  // SHARDSIM_CATALOGUE_CATALOGUE_H_
