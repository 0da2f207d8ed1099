#include "util/sha256.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace mongoway::util {

void Sha256::ContextDeleter::operator()(evp_md_ctx_st* ctx) const { EVP_MD_CTX_free(ctx); }

namespace {

// SHA-256 fetched from OpenSSL's provider once: EVP_sha256() makes every
// EVP_DigestInit_ex look it up again, which costs more than hashing a small
// migration file. Freed by a static destructor, which runs before OpenSSL's
// own clean-up at exit (registered earlier, when OpenSSL was initialised).
const EVP_MD* sha256_method() {
  struct Method {
    EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    ~Method() { EVP_MD_free(md); }
  };
  static const Method method;
  return method.md ? method.md : EVP_sha256();
}

}  // namespace

Sha256::Sha256() : m_ctx(EVP_MD_CTX_new()) {
  if (!m_ctx || EVP_DigestInit_ex(m_ctx.get(), sha256_method(), nullptr) != 1) {
    throw std::runtime_error("cannot initialise SHA-256 (OpenSSL)");
  }
}

Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::string_view data) {
  if (m_finished) throw std::logic_error("Sha256::update after hex_digest");
  if (data.empty()) return;
  if (EVP_DigestUpdate(m_ctx.get(), data.data(), data.size()) != 1) {
    throw std::runtime_error("SHA-256 update failed (OpenSSL)");
  }
}

std::string Sha256::hex_digest() {
  if (m_finished) throw std::logic_error("Sha256::hex_digest called twice");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(m_ctx.get(), digest, &length) != 1) {
    throw std::runtime_error("SHA-256 finalisation failed (OpenSSL)");
  }
  m_finished = true;
  static constexpr char hex[] = "0123456789abcdef";
  char out[EVP_MAX_MD_SIZE * 2];
  for (size_t i = 0; i < length; ++i) {
    out[2 * i] = hex[digest[i] >> 4];
    out[2 * i + 1] = hex[digest[i] & 0xF];
  }
  return std::string(out, size_t{length} * 2);
}

std::string sha256_hex(std::string_view data) {
  Sha256 hash;
  hash.update(data);
  return hash.hex_digest();
}

}  // namespace mongoway::util
