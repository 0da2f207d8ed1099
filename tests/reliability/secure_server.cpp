#include "secure_server.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "../support/process.hpp"

namespace mongoway::testing {

std::string percent_encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out.push_back(static_cast<char>(c));
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string random_hex(size_t bytes) {
  std::string out;
  for (size_t i = 0; i < bytes; ++i) out += fmt::format("{:02x}", random_between(0, 255));
  return out;
}

std::string SecureServer::uri(const std::string& pass, int on_port, const std::string& extra) const {
  return fmt::format("mongodb://{}:{}@127.0.0.1:{}/?authSource=admin{}{}", user, percent_encode(pass), on_port,
                     extra.empty() ? "" : "&", extra);
}

std::string SecureServer::tls_uri(const std::string& ca_file, const std::string& extra) const {
  return uri(
      password, tls_port,
      fmt::format("tls=true{}{}{}", ca_file.empty() ? "" : "&tlsCAFile=", ca_file, extra.empty() ? "" : "&" + extra));
}

namespace {

bool openssl(const std::vector<std::string>& args, std::string& why) {
  std::vector<std::string> argv{"/usr/bin/env", "openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run_process(argv);
  if (r.exit_code != 0) why = "openssl " + args.front() + " failed: " + r.err;
  return r.exit_code == 0;
}

// A self-signed CA (EC P-256: quick to make).
bool make_ca(const std::string& dir, const std::string& name, std::string& why) {
  return openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                  dir + "/" + name + ".key", "-out", dir + "/" + name + ".pem", "-days", "2", "-subj",
                  "/CN=mongoway reliability test " + name},
                 why);
}

std::unique_ptr<SecureServer> start(std::string& why) {
  auto s = std::make_unique<SecureServer>();
  s->dir = make_temp_dir("mongoway-rel-tls");
  if (!make_ca(s->dir, "ca", why) || !make_ca(s->dir, "other_ca", why)) return nullptr;
  write_file(s->dir + "/san.cnf", "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  if (!openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                s->dir + "/server.key", "-out", s->dir + "/server.csr", "-subj", "/CN=127.0.0.1"},
               why) ||
      !openssl({"x509", "-req", "-in", s->dir + "/server.csr", "-CA", s->dir + "/ca.pem", "-CAkey", s->dir + "/ca.key",
                "-CAcreateserial", "-out", s->dir + "/server.pem", "-days", "2", "-extfile", s->dir + "/san.cnf"},
               why)) {
    return nullptr;
  }
  s->ca = s->dir + "/ca.pem";
  s->other_ca = s->dir + "/other_ca.pem";
  // Characters a URI must escape, and a random core to grep for.
  s->password = "Pw:" + random_hex(10) + "/@%?#&=";
  try {
    s->server = std::make_unique<PrivateServer>(
        std::vector<std::string>{"--listen-tls=127.0.0.1:0", "--listen-tls-cert-file=" + s->dir + "/server.pem",
                                 "--listen-tls-key-file=" + s->dir + "/server.key", "--test-enable-new-auth",
                                 "--setup-username=" + s->user, "--setup-password=" + s->password,
                                 "--setup-database=admin"},
        "ferretdb");
  } catch (const std::exception& e) {
    why = e.what();
    return nullptr;
  }
  auto tls = s->server->tls_port();
  if (!tls) {
    why = "the server reported no TLS port";
    return nullptr;
  }
  s->tls_port = *tls;
  const std::string& u = s->server->uri();
  s->port = std::stoi(u.substr(u.rfind(':') + 1));
  return s;
}

struct Holder {
  std::unique_ptr<SecureServer> server;
  std::string why;
  ~Holder() {
    if (server) {
      server->server.reset();
      std::error_code ignored;
      std::filesystem::remove_all(server->dir, ignored);
    }
  }
};

}  // namespace

SecureServer* secure_server(std::string& why) {
  static Holder holder;
  static bool started = false;
  if (!started) {
    started = true;
    holder.server = start(holder.why);
  }
  why = holder.why;
  return holder.server.get();
}

}  // namespace mongoway::testing
