// --metrics-file's text (Prometheus' exposition format 0.0.4, read back by a
// parser of the format) and its atomic write: a reader sees the old file or
// the new one, never a part, and no temporary file is left behind.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/metrics.hpp"
#include "script_test_helpers.hpp"
#include "support/exposition.hpp"

namespace mongoway::testing {
namespace {

namespace fs = std::filesystem;

DatabaseMetrics tenant(const std::string& database, int64_t version) {
  DatabaseMetrics m;
  m.command = "migrate";
  m.cluster = "db1:27017,db2:27017";
  m.database = database;
  m.current_version = version;
  m.pending_versions = 2;
  m.failed_versions = 0;
  m.last_run_duration_seconds = 1.25;
  m.last_run_success = true;
  m.last_success_timestamp_seconds = 1767225600.5;
  return m;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(PrometheusText, EveryFamilyOnceAsAGaugeThenOneSamplePerDatabaseAndAnUnknownCountHasNone) {
  DatabaseMetrics failed = tenant("tenant_b", 4);
  failed.pending_versions.reset();  // could not be read
  failed.failed_versions = 1;
  failed.last_run_success = false;
  failed.last_run_duration_seconds = 0.007;
  failed.last_success_timestamp_seconds.reset();
  EXPECT_EQ(cli::prometheus_text({tenant("tenant_a", 7), failed}),
            "# HELP mongoway_current_version The database's current version after the last mongoway command.\n"
            "# TYPE mongoway_current_version gauge\n"
            "mongoway_current_version{cluster=\"db1:27017,db2:27017\",database=\"tenant_a\"} 7\n"
            "mongoway_current_version{cluster=\"db1:27017,db2:27017\",database=\"tenant_b\"} 4\n"
            "# HELP mongoway_pending_versions Versions with a file that are not applied (state pending).\n"
            "# TYPE mongoway_pending_versions gauge\n"
            "mongoway_pending_versions{cluster=\"db1:27017,db2:27017\",database=\"tenant_a\"} 2\n"
            "# HELP mongoway_failed_versions Versions whose last run failed or was cut short (state failed).\n"
            "# TYPE mongoway_failed_versions gauge\n"
            "mongoway_failed_versions{cluster=\"db1:27017,db2:27017\",database=\"tenant_a\"} 0\n"
            "mongoway_failed_versions{cluster=\"db1:27017,db2:27017\",database=\"tenant_b\"} 1\n"
            "# HELP mongoway_last_run_duration_seconds How long the last mongoway command took.\n"
            "# TYPE mongoway_last_run_duration_seconds gauge\n"
            "mongoway_last_run_duration_seconds{cluster=\"db1:27017,db2:27017\",database=\"tenant_a\"} 1.25\n"
            "mongoway_last_run_duration_seconds{cluster=\"db1:27017,db2:27017\",database=\"tenant_b\"} 0.007\n"
            "# HELP mongoway_last_run_success 1 when the last mongoway command succeeded (exit status 0), else 0.\n"
            "# TYPE mongoway_last_run_success gauge\n"
            "mongoway_last_run_success{cluster=\"db1:27017,db2:27017\",database=\"tenant_a\"} 1\n"
            "mongoway_last_run_success{cluster=\"db1:27017,db2:27017\",database=\"tenant_b\"} 0\n"
            "# HELP mongoway_last_success_timestamp_seconds When a mongoway command last succeeded, or a version "
            "was last applied, in seconds since the Unix epoch.\n"
            "# TYPE mongoway_last_success_timestamp_seconds gauge\n"
            "mongoway_last_success_timestamp_seconds{cluster=\"db1:27017,db2:27017\",database=\"tenant_a\"} "
            "1767225600.5\n");
}

TEST(PrometheusText, LabelValuesEscapeBackslashQuoteAndLineFeedAndReadBackAsGiven) {
  DatabaseMetrics odd = tenant("a\\b\"c\nd", 1);
  odd.cluster = "[::1]:27017";
  const std::string text = cli::prometheus_text({odd});
  EXPECT_NE(text.find("{cluster=\"[::1]:27017\",database=\"a\\\\b\\\"c\\nd\"} 1\n"), std::string::npos) << text;
  const Exposition read = parse_exposition(text);
  EXPECT_TRUE(read.errors.empty()) << read.errors.front();
  EXPECT_EQ(read.value("mongoway_current_version", {{"cluster", "[::1]:27017"}, {"database", "a\\b\"c\nd"}}), 1);
}

TEST(PrometheusText, ParsedBackEverySampleIsTheDatabasesValue) {
  std::vector<DatabaseMetrics> fleet;
  fleet.reserve(5);
  for (int i = 0; i < 5; ++i) fleet.push_back(tenant("tenant_" + std::to_string(i), 10 + i));
  fleet[3].last_run_success = false;
  fleet[3].failed_versions = 2;
  const Exposition read = parse_exposition(cli::prometheus_text(fleet));
  ASSERT_TRUE(read.errors.empty()) << read.errors.front();
  EXPECT_EQ(read.type.size(), 6u);
  for (const auto& [family, type] : read.type) EXPECT_EQ(type, "gauge") << family;
  EXPECT_EQ(read.help.size(), 6u);
  EXPECT_EQ(read.samples.size(), 30u);
  for (const auto& m : fleet) {
    SCOPED_TRACE(m.database);
    const std::map<std::string, std::string> labels{{"cluster", m.cluster}, {"database", m.database}};
    EXPECT_EQ(read.value("mongoway_current_version", labels), static_cast<double>(*m.current_version));
    EXPECT_EQ(read.value("mongoway_pending_versions", labels), static_cast<double>(*m.pending_versions));
    EXPECT_EQ(read.value("mongoway_failed_versions", labels), static_cast<double>(*m.failed_versions));
    EXPECT_EQ(read.value("mongoway_last_run_duration_seconds", labels), m.last_run_duration_seconds);
    EXPECT_EQ(read.value("mongoway_last_run_success", labels), m.last_run_success ? 1.0 : 0.0);
    EXPECT_EQ(read.value("mongoway_last_success_timestamp_seconds", labels), *m.last_success_timestamp_seconds);
  }
}

TEST(MetricsFile, ReplacesTheFileWholeAndLeavesNoTemporaryFile) {
  script::testing::TempDir dir;
  const fs::path path = fs::path(dir.str()) / "mongoway.prom";
  dir.write("mongoway.prom", "old content, not a metric\n");
  cli::write_metrics_file(path.string(), {tenant("app", 3)});
  EXPECT_EQ(read_file(path), cli::prometheus_text({tenant("app", 3)}));
  EXPECT_EQ(names_in(dir.str()), std::vector<std::string>{"mongoway.prom"});
}

TEST(MetricsFile, ADirectoryThatCannotHoldItIsAnOutputErrorNamingTheFile) {
  script::testing::TempDir dir;
  dir.write("not_a_dir", "");
  const std::string path = (fs::path(dir.str()) / "not_a_dir" / "mongoway.prom").string();
  try {
    cli::write_metrics_file(path, {tenant("app", 3)});
    FAIL() << "written";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::output);
    EXPECT_EQ(std::string(e.what()).rfind("cannot write the metrics file " + path + ": creating " + path + ".tmp.", 0),
              0u)
        << e.what();
  }
}

TEST(MetricsFile, ARenameThatFailsRemovesTheTemporaryFileAndLeavesTheTargetAsItWas) {
  script::testing::TempDir dir;
  const fs::path target = fs::path(dir.str()) / "mongoway.prom";
  fs::create_directories(target / "inside");  // a directory that is not empty: nothing renames over it
  try {
    cli::write_metrics_file(target.string(), {tenant("app", 3)});
    FAIL() << "renamed over a directory";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::output);
    EXPECT_NE(std::string(e.what()).find("renaming"), std::string::npos) << e.what();
  }
  EXPECT_EQ(names_in(dir.str()), std::vector<std::string>{"mongoway.prom"}) << "the temporary file is removed";
  EXPECT_TRUE(fs::is_directory(target / "inside"));
}

}  // namespace
}  // namespace mongoway::testing
