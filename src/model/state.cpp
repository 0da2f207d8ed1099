#include <algorithm>

#include "mongoway/migrator.hpp"

namespace mongoway {

const char* to_string(State state) {
  switch (state) {
    case State::pending: return "pending";
    case State::applied: return "applied";
    case State::running: return "running";
    case State::failed: return "failed";
    case State::undone: return "undone";
    case State::missing: return "missing";
    case State::deleted: return "deleted";
    case State::baseline: return "baseline";
    case State::ignored: return "ignored";
    case State::future: return "future";
    case State::invalid: return "invalid";
    case State::resumable: return "resumable";
  }
  return "pending";
}

bool InfoResult::valid() const {
  return std::none_of(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& d) { return d.is_error(); });
}

WriteCounts& WriteCounts::operator+=(const WriteCounts& o) {
  matched += o.matched;
  modified += o.modified;
  inserted += o.inserted;
  deleted += o.deleted;
  upserted += o.upserted;
  return *this;
}

}  // namespace mongoway
