#pragma once
// A private FerretDB with a TLS listener (a throwaway CA and certificate made
// with the openssl program) and SCRAM authentication (--test-enable-new-auth
// with one user set up at start), shared by the secrets and TLS scenarios.

#include <memory>
#include <string>

#include "harness.hpp"

namespace mongoway::testing {

struct SecureServer {
  std::unique_ptr<PrivateServer> server;
  std::string dir;       // certificates
  std::string ca;        // the CA that signed the server's certificate
  std::string other_ca;  // a CA that did not
  std::string user = "mw_admin";
  std::string password;  // random, with characters a URI must escape
  int port = 0;          // plain TCP
  int tls_port = 0;

  // mongodb://user:password@127.0.0.1:PORT/?authSource=admin[&extra]
  std::string uri(const std::string& pass, int on_port, const std::string& extra = "") const;
  std::string uri(const std::string& extra = "") const { return uri(password, port, extra); }
  std::string tls_uri(const std::string& ca_file, const std::string& extra = "") const;
};

// Started on first use, stopped at exit; nullptr (and `why` set) when it
// cannot run here (no openssl program, or no FerretDB).
SecureServer* secure_server(std::string& why);

std::string percent_encode(const std::string& s);
std::string random_hex(size_t bytes);

}  // namespace mongoway::testing
