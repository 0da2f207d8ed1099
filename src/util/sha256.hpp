#pragma once
// Incremental SHA-256 (OpenSSL EVP).

#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace mongoway::util {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(std::string_view data);
  // Lower-case hex of the digest; the object cannot be updated afterwards.
  std::string hex_digest();

 private:
  struct ContextDeleter {
    void operator()(evp_md_ctx_st* ctx) const;
  };
  std::unique_ptr<evp_md_ctx_st, ContextDeleter> m_ctx;
  bool m_finished = false;
};

// SHA-256 of `data`, as lower-case hex.
std::string sha256_hex(std::string_view data);

}  // namespace mongoway::util
