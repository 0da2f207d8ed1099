#pragma once
// Small file-system helpers: bounded reads, containment checks.

#include <cstddef>
#include <cstdint>
#include <filesystem>
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

  // Opens `path`, a regular file; returns an empty string, or a reason such
  // as "No such file or directory" or "is a directory".
  std::string open(const std::string& path);
  bool is_open() const { return m_fd >= 0; }
  // Size in bytes when it was opened.
  uint64_t size() const { return m_size; }
  // Reads up to `capacity` bytes; returns the count (0 at the end). Throws
  // std::runtime_error on a read error.
  size_t read(char* buffer, size_t capacity);
  void close();

 private:
  int m_fd = -1;
  uint64_t m_size = 0;
};

// Reads a whole file of at most `max_size` bytes into `out`. Returns an empty
// string on success, else the reason (the size limit is checked before reading).
std::string read_file_limited(const std::string& path, uint64_t max_size, std::string& out);

// True when `path` (resolved, symlinks included) lies inside `dir` (resolved).
// Non-existent trailing parts of `path` are resolved lexically.
bool is_within(const std::filesystem::path& path, const std::filesystem::path& dir);

// "1.5 MiB" style size for messages.
std::string human_size(uint64_t bytes);

}  // namespace mongoway::util
