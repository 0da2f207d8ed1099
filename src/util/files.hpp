#pragma once
// Small file-system helpers: bounded reads, containment checks.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace mongoway::util {

// A file opened for reading (RAII over a file descriptor).
class InputFile {
 public:
  InputFile() = default;
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  InputFile(InputFile&& other) noexcept;
  InputFile& operator=(InputFile&& other) noexcept;

  // Opens `path`, a regular file. False, with a reason such as "No such file
  // or directory" or "is a directory" in `err`, when it cannot.
  bool open(const std::string& path, std::string* err);
  bool is_open() const { return m_fd >= 0; }
  // Size in bytes when it was opened.
  uint64_t size() const { return m_size; }
  // Reads up to `capacity` bytes; returns the count (0 at the end), or
  // nullopt with the system's reason in `err` on a read error.
  std::optional<size_t> read(char* buffer, size_t capacity, std::string* err) const;
  void close();

 private:
  int m_fd = -1;
  uint64_t m_size = 0;
};

// Reads a whole file of at most `max_size` bytes into `out`. False, with the
// reason in `err`, when it cannot (the size limit is checked before reading).
bool read_file_limited(const std::string& path, uint64_t max_size, std::string* out, std::string* err);

// True when `path` (resolved, symlinks included) lies inside `dir` (resolved).
// Non-existent trailing parts of `path` are resolved lexically.
bool is_within(const std::filesystem::path& path, const std::filesystem::path& dir);

// "1.5 MiB" style size for messages.
std::string human_size(uint64_t bytes);

}  // namespace mongoway::util
