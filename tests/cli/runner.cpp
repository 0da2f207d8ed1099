#include "runner.hpp"

#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace mongoway::cli_test {
namespace fs = std::filesystem;

namespace {

std::vector<std::string> child_environment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    std::string name = entry.substr(0, entry.find('='));
    if (name.rfind("MONGOWAY_", 0) == 0 || name == "NO_COLOR" || name == "TERM" || extra.count(name) != 0) continue;
    env.push_back(entry);
  }
  for (const auto& [name, value] : extra) env.push_back(name + "=" + value);
  // libmongoc's counters file, /dev/shm/mongoc-<pid>, is left behind by a
  // process killed with SIGKILL (as several tests do); a later process given
  // the same pid would have libmongoc print a warning on stderr before main().
  if (extra.count("MONGOC_DISABLE_SHM") == 0) env.push_back("MONGOC_DISABLE_SHM=1");
  return env;
}

int open_output(const std::string& redirect, const std::string& captured) {
  if (!redirect.empty()) return open(redirect.c_str(), O_WRONLY);
  return open(captured.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
}

// `terminal_fd` >= 0: the child's standard error (a pseudo-terminal's slave end).
int start(const std::vector<std::string>& argv, const RunOptions& options, const std::string& dir, bool search_path,
          int terminal_fd = -1) {
  auto env = child_environment(options.env);
  std::vector<char*> args, envp;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const std::string out_file = dir + "/stdout", err_file = dir + "/stderr";
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    setpgid(0, 0);
    if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) _exit(126);
    int in = open("/dev/null", O_RDONLY);
    int out = terminal_fd >= 0 && options.terminal_stdout ? dup(terminal_fd) : open_output(options.stdout_to, out_file);
    int err = terminal_fd >= 0 ? terminal_fd : open_output(options.stderr_to, err_file);
    if (in < 0 || out < 0 || err < 0) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    if (search_path) {
      environ = envp.data();
      execvp(args[0], args.data());
    } else {
      execve(args[0], args.data(), envp.data());
    }
    _exit(127);
  }
  return pid;
}

Outcome finish(int pid, const std::string& dir, std::chrono::seconds timeout) {
  Outcome run;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (true) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      run.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) run.exit_code = 128 + WTERMSIG(status);
  run.out = read_file(dir + "/stdout");
  run.err = read_file(dir + "/stderr");
  return run;
}

std::string make_temp_dir() {
  std::string path = (fs::temp_directory_path() / "mongoway-cli-test-XXXXXX").string();
  if (mkdtemp(path.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return path;
}

}  // namespace

Outcome mongoway(const std::vector<std::string>& args, const RunOptions& options) {
  std::vector<std::string> argv{MONGOWAY_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  TempDir dir;
  return finish(start(argv, options, dir.path(), false), dir.path(), options.timeout);
}

Outcome program(const std::vector<std::string>& argv, const RunOptions& options) {
  TempDir dir;
  return finish(start(argv, options, dir.path(), true), dir.path(), options.timeout);
}

// A pseudo-terminal whose master end is read on a thread of its own (a full
// terminal buffer would block the child).
class Started::Terminal {
 public:
  explicit Terminal(int columns) {
    winsize size{};
    size.ws_row = 40;
    size.ws_col = static_cast<unsigned short>(columns);
    if (openpty(&m_master, &m_slave, nullptr, nullptr, &size) != 0) throw std::runtime_error("openpty failed");
    fcntl(m_master, F_SETFD, FD_CLOEXEC);
    m_reader = std::thread([this] { read_all(); });
  }
  ~Terminal() {
    close_slave();
    join();
    close(m_master);
  }
  // Once the child has ended: everything it wrote has been read.
  void join() {
    if (m_reader.joinable()) m_reader.join();
  }
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  int slave() const { return m_slave; }
  // The parent's copy of the slave end: closed once the child has it, so the
  // master reads EOF (EIO) when the child ends.
  void close_slave() {
    if (m_slave >= 0) close(m_slave);
    m_slave = -1;
  }
  std::string text() const {
    std::lock_guard lock(m_mutex);
    return m_text;
  }

 private:
  void read_all() {
    char buffer[4096];
    for (;;) {
      ssize_t n = read(m_master, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      std::lock_guard lock(m_mutex);
      m_text.append(buffer, static_cast<size_t>(n));
    }
  }

  int m_master = -1;
  int m_slave = -1;
  mutable std::mutex m_mutex;
  std::string m_text;
  std::thread m_reader;
};

Started::Started(const std::vector<std::string>& args, const RunOptions& options)
    : m_dir(make_temp_dir()), m_timeout(options.timeout) {
  std::vector<std::string> argv{MONGOWAY_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  if (options.terminal_columns > 0) m_terminal = std::make_unique<Terminal>(options.terminal_columns);
  m_pid = start(argv, options, m_dir, false, m_terminal ? m_terminal->slave() : -1);
  if (m_terminal) m_terminal->close_slave();
}

Started::~Started() {
  if (m_pid > 0) {
    kill(-m_pid, SIGKILL);
    waitpid(m_pid, nullptr, 0);
  }
  m_terminal.reset();
  std::error_code ec;
  fs::remove_all(m_dir, ec);
}

std::string Started::out_so_far() const { return read_file(m_dir + "/stdout"); }

std::string Started::terminal_so_far() const { return m_terminal ? m_terminal->text() : std::string(); }

std::vector<std::string> Started::terminal_lines() const {
  const std::string text = terminal_so_far();
  std::vector<std::string> lines;
  std::string line;
  size_t column = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      lines.push_back(line);
      line.clear();
      column = 0;
    } else if (c == '\r') {
      column = 0;
    } else if (c == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
      size_t end = i + 2;
      while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) != 0 || text[end] == ';')) ++end;
      if (end < text.size() && text[end] == 'K') line.resize(column);  // erase to the end of the line
      i = end;                                                         // colours: nothing drawn
    } else {
      if (column < line.size()) line[column] = c;
      else line += c;
      ++column;
    }
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

bool Started::wait_for_err(const std::string& text, std::chrono::seconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto seen = [&] { return (m_terminal ? terminal_so_far() : err_so_far()).find(text) != std::string::npos; };
  while (std::chrono::steady_clock::now() < deadline) {
    if (seen()) return true;
    siginfo_t info{};
    if (m_pid <= 0 || waitid(P_PID, static_cast<id_t>(m_pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 ||
        info.si_pid != 0) {
      // Ended: what it wrote last may still be on its way from the terminal.
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      return seen();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

void Started::signal(int signal_number) { kill(m_pid, signal_number); }

Outcome Started::wait() {
  Outcome run = finish(m_pid, m_dir, m_timeout);
  m_pid = -1;
  if (m_terminal) m_terminal->join();
  return run;
}

std::string Started::err_so_far() const { return read_file(m_dir + "/stderr"); }

TempDir::TempDir() : m_path(make_temp_dir()) {}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(m_path, ec);
}

void TempDir::write(const std::string& name, const std::string& content) const {
  fs::path path = fs::path(m_path) / name;
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

std::optional<Json> Json::parse(const std::string& text, std::string* error) {
  bson_error_t bson_error;
  bson_t* doc = bson_new_from_json(reinterpret_cast<const uint8_t*>(text.data()), static_cast<ssize_t>(text.size()),
                                   &bson_error);
  if (doc == nullptr) {
    if (error != nullptr) *error = bson_error.message;
    return std::nullopt;
  }
  Json json;
  json.m_bytes.assign(bson_get_data(doc), bson_get_data(doc) + doc->len);
  bson_destroy(doc);
  return json;
}

bool Json::find(const std::string& path, bson_iter_t& out) const {
  bson_iter_t iter;
  return bson_iter_init_from_data(&iter, m_bytes.data(), m_bytes.size()) &&
         bson_iter_find_descendant(&iter, path.c_str(), &out);
}

bool Json::has(const std::string& path) const {
  bson_iter_t iter;
  return find(path, iter);
}

std::string Json::string(const std::string& path) const {
  bson_iter_t iter;
  if (!find(path, iter) || !BSON_ITER_HOLDS_UTF8(&iter)) return "";
  return bson_iter_utf8(&iter, nullptr);
}

int64_t Json::integer(const std::string& path) const {
  bson_iter_t iter;
  if (!find(path, iter) || !BSON_ITER_HOLDS_NUMBER(&iter)) return -1;
  return bson_iter_as_int64(&iter);
}

bool Json::boolean(const std::string& path) const {
  bson_iter_t iter;
  return find(path, iter) && BSON_ITER_HOLDS_BOOL(&iter) && bson_iter_bool(&iter);
}

bool Json::is_null(const std::string& path) const {
  bson_iter_t iter;
  return find(path, iter) && BSON_ITER_HOLDS_NULL(&iter);
}

bool Json::is_document(const std::string& path) const {
  bson_iter_t iter;
  return find(path, iter) && BSON_ITER_HOLDS_DOCUMENT(&iter);
}

size_t Json::size(const std::string& path) const {
  bson_iter_t iter, child;
  if (!find(path, iter) || !(BSON_ITER_HOLDS_ARRAY(&iter) || BSON_ITER_HOLDS_DOCUMENT(&iter))) return 0;
  if (!bson_iter_recurse(&iter, &child)) return 0;
  size_t count = 0;
  while (bson_iter_next(&child)) ++count;
  return count;
}

}  // namespace mongoway::cli_test
