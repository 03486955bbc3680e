// TLS credentials for `shardsim serve --tls`: a certificate chain and its private key, in PEM.
// Read from files the user names, or made at start: a self-signed certificate for 127.0.0.1,
// ::1 and localhost (subjectAltName entries, as clients check), valid from a day ago for a
// year, with a fresh P-256 key, which a client trusts by naming the certificate file (curl
// --cacert, NODE_EXTRA_CA_CERTS, AWS_CA_BUNDLE, SSL_CERT_FILE, a Java truststore).
#ifndef SHARDSIM_SERVER_TLS_H_
#define SHARDSIM_SERVER_TLS_H_

#include <string>

#include "absl/status/statusor.h"

namespace shardsim::server {

struct TlsCredentials {
  std::string cert_pem;
  std::string key_pem;
};

// Reads both files and checks that they hold a PEM certificate and a PEM private key that
// belongs to it; an error names the file and what is wrong.
absl::StatusOr<TlsCredentials> ReadTlsCredentials(const std::string& cert_file,
                                                  const std::string& key_file);

// A new self-signed certificate and key (see the header comment).
absl::StatusOr<TlsCredentials> SelfSignedTlsCredentials();

}  // namespace shardsim::server

#endif  // SHARDSIM_SERVER_TLS_H_
