#include "util/files.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace mongoway::util {

InputFile::~InputFile() { close(); }

InputFile::InputFile(InputFile&& other) noexcept : m_fd(other.m_fd), m_size(other.m_size) { other.m_fd = -1; }

InputFile& InputFile::operator=(InputFile&& other) noexcept {
  if (this != &other) {
    close();
    m_fd = other.m_fd;
    m_size = other.m_size;
    other.m_fd = -1;
  }
  return *this;
}

bool InputFile::open(const std::string& path, std::string* err) {
  close();
  // O_NONBLOCK so that opening a FIFO does not wait for a writer (a hang);
  // only regular files are read.
  m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (m_fd < 0) {
    *err = std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (::fstat(m_fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    close();
    *err = "is a directory";
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    close();
    *err = "not a regular file";
    return false;
  }
  // Back to blocking reads. F_SETFL sets all of the file status flags it can
  // change, and only O_NONBLOCK among them was set by the open above.
  ::fcntl(m_fd, F_SETFL, 0);
  m_size = static_cast<uint64_t>(st.st_size);
  return true;
}

std::optional<size_t> InputFile::read(char* buffer, size_t capacity, std::string* err) const {
  for (;;) {
    ssize_t n = ::read(m_fd, buffer, capacity);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) {
      *err = std::strerror(errno);
      return std::nullopt;
    }
  }
}

void InputFile::close() {
  if (m_fd >= 0) ::close(m_fd);
  m_fd = -1;
  m_size = 0;
}

bool read_file_limited(const std::string& path, uint64_t max_size, std::string* out, std::string* err) {
  InputFile file;
  std::string reason;
  if (!file.open(path, &reason)) {
    *err = "cannot read file: " + reason;
    return false;
  }
  const uint64_t size = file.size();
  if (size > max_size) {
    *err = fmt::format("file is {}, over the limit of {}; split it, or move seed data to a documentsFile",
                       human_size(size), human_size(max_size));
    return false;
  }
  out->clear();
  out->reserve(static_cast<size_t>(size));
  char buffer[64 * 1024];
  for (;;) {
    const std::optional<size_t> n = file.read(buffer, sizeof buffer, &reason);
    if (!n) {
      *err = "cannot read file: " + reason;
      return false;
    }
    if (*n == 0) return true;
    if (out->size() + *n > max_size) {
      *err = fmt::format("file is over the limit of {}; split it, or move seed data to a documentsFile",
                         human_size(max_size));
      return false;
    }
    out->append(buffer, *n);
  }
}

bool is_within(const std::filesystem::path& path, const std::filesystem::path& dir) {
  std::error_code ec;
  auto resolved = std::filesystem::weakly_canonical(path, ec);
  if (ec) return false;
  auto base = std::filesystem::weakly_canonical(dir, ec);
  if (ec) return false;
  auto p = resolved.begin();
  for (auto b = base.begin(); b != base.end(); ++b, ++p) {
    if (b->empty()) continue;  // trailing separator
    if (p == resolved.end() || *p != *b) return false;
  }
  return true;
}

std::string human_size(uint64_t bytes) {
  const auto size = static_cast<double>(bytes);
  if (bytes >= 1024ull * 1024 * 1024) return fmt::format("{:.1f} GiB", size / (1024.0 * 1024 * 1024));
  if (bytes >= 1024ull * 1024) return fmt::format("{:.1f} MiB", size / (1024.0 * 1024));
  if (bytes >= 1024) return fmt::format("{:.1f} KiB", size / 1024.0);
  return fmt::format("{} bytes", bytes);
}

}  // namespace mongoway::util
