#pragma once
// --metrics-file: the databases' metrics (DatabaseMetrics) in Prometheus'
// text exposition format 0.0.4, written atomically for node_exporter's
// textfile collector, which must never read half a file.

#include <string>
#include <vector>

#include "mongoway/migrator.hpp"

namespace mongoway::cli {

// Every metric family once (# HELP, # TYPE gauge), then one sample per
// database, labelled cluster and database, in the order given. A count that
// is not known (nullopt) has no sample: Prometheus reads a missing sample as
// "no data", where any number would be a lie.
std::string prometheus_text(const std::vector<DatabaseMetrics>& metrics);

// Writes prometheus_text(metrics) to PATH.tmp.<pid> in PATH's directory,
// flushes it to disk and renames it over PATH, so that a reader sees the old
// file or the new one, never a part. Throws Error(ExitCode::output) naming the
// file and the system's reason; the temporary file is then removed.
void write_metrics_file(const std::string& path, const std::vector<DatabaseMetrics>& metrics);

}  // namespace mongoway::cli
