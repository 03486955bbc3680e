// Who sent a request, from its SigV4 Authorization header: the access key id names the client
// and the credential scope gives the region. The signature is not verified, as in every
// emulator.
#ifndef SHARDSIM_SERVER_CREDENTIAL_H_
#define SHARDSIM_SERVER_CREDENTIAL_H_

#include <string>
#include <string_view>

namespace shardsim::server {

struct Credential {
  std::string client = "anonymous";
  std::string region = "us-east-1";
};

// "AWS4-HMAC-SHA256 Credential=AKID/20230405/us-east-1/kinesis/aws4_request, ...": client AKID,
// region us-east-1. A part that is missing, empty, longer than 128 bytes or not printable
// ASCII keeps its default.
Credential CredentialOf(std::string_view authorization);

}  // namespace shardsim::server

#endif  // SHARDSIM_SERVER_CREDENTIAL_H_
