#include "exec/scratch_database.hpp"

#include <fmt/format.h>

#include <random>

#include "exec/remembered_history.hpp"
#include "script/names.hpp"
#include "util/redact.hpp"

namespace mongoway::exec {
namespace {

std::string random_name() {
  std::random_device random;
  std::uniform_int_distribution<int> digit(0, 15);
  std::string out(kScratchPrefix);
  for (int i = 0; i < 12; ++i) out += "0123456789abcdef"[digit(random)];
  return out;
}

Config scratch_config(const Config& target, const ScratchOptions& options) {
  Config out = target;
  if (!options.uri.empty()) out.uri = options.uri;
  out.database = options.database.empty() ? random_name() : options.database;
  return out;
}

}  // namespace

std::string scratch_name_problem(const std::string& name, const std::string& target) {
  if (name.rfind(kScratchPrefix, 0) != 0) {
    return fmt::format("the scratch database {} must start with {}, so that it is never a database of yours", name,
                       kScratchPrefix);
  }
  if (name == target || name == "admin" || name == "local" || name == "config") {
    return fmt::format("the scratch database {} cannot be the target database, admin, local or config", name);
  }
  if (auto problem = script::database_name_problem(name)) {
    return fmt::format("the scratch database {}: {}", name, *problem);
  }
  return {};
}

ScratchDatabase::ScratchDatabase(const Engine& target, const ScratchOptions& options,
                                 const std::function<void(Engine&)>& check)
    : m_engine(target.sibling(scratch_config(target.config, options), [](std::unique_ptr<port::Server> server) {
        return std::make_unique<RememberedHistory>(std::move(server));
      })) {
  if (auto problem = scratch_name_problem(name(), target.config.database); !problem.empty()) {
    throw Error(ExitCode::usage, problem);
  }
  if (!m_engine.server().list_collection_specs(name()).empty()) {
    throw Error(ExitCode::usage, fmt::format("the scratch database {} exists and is not empty: drop it, or give "
                                             "another with --scratch-database",
                                             name()));
  }
  if (check) check(m_engine);
  m_owned = true;
  m_engine.files = target.files;
  m_engine.keep_files = true;
}

ScratchDatabase::~ScratchDatabase() {
  try {
    drop();
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor never throws; drop() said why with -v
  }
}

std::string ScratchDatabase::shown_uri() const { return redact_uri(m_engine.config.uri); }

bool ScratchDatabase::drop() {
  if (!m_owned) return false;
  m_owned = false;
  try {
    m_engine.server().drop_database(name());
    return true;
  } catch (const std::exception& e) {
    m_engine.debug(fmt::format("could not drop the scratch database {}: {}", name(), e.what()));
    return false;
  }
}

}  // namespace mongoway::exec
