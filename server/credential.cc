#include "server/credential.h"

#include <algorithm>

namespace shardsim::server {

namespace {

bool Printable(std::string_view s) {
  return !s.empty() && s.size() <= 128 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 127; });
}

}  // namespace

Credential CredentialOf(std::string_view authorization) {
  Credential out;
  const size_t at = authorization.find("Credential=");
  if (at == std::string_view::npos) return out;
  std::string_view scope = authorization.substr(at + std::string_view("Credential=").size());
  scope = scope.substr(0, scope.find_first_of(", "));
  // key id / date / region / service / aws4_request
  const size_t key_end = scope.find('/');
  const std::string_view key = scope.substr(0, key_end);
  if (Printable(key)) out.client = std::string(key);
  if (key_end == std::string_view::npos) return out;
  const size_t date_end = scope.find('/', key_end + 1);
  if (date_end == std::string_view::npos) return out;
  const std::string_view region =
      scope.substr(date_end + 1, scope.find('/', date_end + 1) - date_end - 1);
  if (Printable(region)) out.region = std::string(region);
  return out;
}

}  // namespace shardsim::server
