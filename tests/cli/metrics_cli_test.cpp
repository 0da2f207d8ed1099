// --metrics-file as node_exporter's textfile collector reads it: written at
// the end of a command, also when it failed, and read back here by a parser
// of Prometheus' text format, sample by sample.

#include <chrono>
#include <filesystem>

#include "../support/exposition.hpp"
#include "server_fixture.hpp"

namespace mongoway::cli_test {
namespace {

using mongoway::testing::Exposition;
using mongoway::testing::parse_exposition;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class MetricsCli : public ServerFixture {
 protected:
  MetricsCli() : ServerFixture("mongoway_metrics") {}

  void SetUp() override {
    ServerFixture::SetUp();
    // V3's unique index conflicts with V2's documents: the server refuses it.
    m_dir.write("migrations/V1__users.json", R"([{"createCollection": "users"}])");
    m_dir.write("migrations/V2__seed.json",
                R"([{"insertMany": "users", "documents": [{"_id": 1, "email": "a@example.com"},
                                                          {"_id": 2, "email": "a@example.com"}]}])");
    m_dir.write("migrations/V3__unique_email.json",
                R"([{"createIndex": "users", "key": {"email": 1}, "name": "email_1", "unique": true}])");
  }

  // The file, parsed; a text that is not valid exposition format fails the test.
  Exposition read_metrics() {
    Exposition read = parse_exposition(read_file(m_dir / "mongoway.prom"));
    EXPECT_TRUE(read.errors.empty()) << read.errors.front();
    return read;
  }
  std::map<std::string, std::string> labels() const { return {{"cluster", hosts_of(m_uri)}, {"database", m_database}}; }
  // The URI's hosts as it lists them: after the scheme and any credentials, before the database.
  static std::string hosts_of(const std::string& uri) {
    std::string hosts = uri.substr(uri.find("://") + 3);
    hosts = hosts.substr(0, hosts.find_first_of("/?"));
    return hosts.substr(hosts.rfind('@') == std::string::npos ? 0 : hosts.rfind('@') + 1);
  }
};

TEST_F(MetricsCli, AMigrateWritesEveryMetricOfItsDatabase) {
  const double before = now_seconds();
  auto run = mw({"migrate", "--target", "2", "--metrics-file", "mongoway.prom"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const Exposition read = read_metrics();
  EXPECT_EQ(read.samples.size(), 6u);
  EXPECT_EQ(read.value("mongoway_current_version", labels()), 2);
  EXPECT_EQ(read.value("mongoway_pending_versions", labels()), 1);
  EXPECT_EQ(read.value("mongoway_failed_versions", labels()), 0);
  EXPECT_EQ(read.value("mongoway_last_run_success", labels()), 1);
  const auto duration = read.value("mongoway_last_run_duration_seconds", labels());
  ASSERT_TRUE(duration);
  EXPECT_GT(*duration, 0);
  EXPECT_LT(*duration, now_seconds() - before + 1);
  const auto succeeded = read.value("mongoway_last_success_timestamp_seconds", labels());
  ASSERT_TRUE(succeeded);
  EXPECT_GE(*succeeded, before - 1);
  EXPECT_LE(*succeeded, now_seconds() + 1);
  for (const auto& entry : std::filesystem::directory_iterator(m_dir.path())) {
    EXPECT_FALSE(contains(entry.path().filename().string(), ".tmp.")) << "left behind: " << entry.path();
  }
}

TEST_F(MetricsCli, AFailedMigrateWritesItsFailureAndKeepsItsExitStatus) {
  ASSERT_EQ(mw({"migrate", "--target", "2"}).exit_code, 0);
  auto run = mw({"migrate", "--metrics-file", "mongoway.prom"});
  ASSERT_EQ(run.exit_code, 1) << run.out << run.err;
  const Exposition read = read_metrics();
  EXPECT_EQ(read.value("mongoway_last_run_success", labels()), 0);
  EXPECT_EQ(read.value("mongoway_failed_versions", labels()), 1);
  EXPECT_EQ(read.value("mongoway_current_version", labels()), 2);
  EXPECT_EQ(read.value("mongoway_pending_versions", labels()), 0);
  // V2's time, from the history: the newest success it shows.
  EXPECT_TRUE(read.value("mongoway_last_success_timestamp_seconds", labels()));
}

TEST_F(MetricsCli, TheEnvironmentNamesTheFileAsTheOptionDoes) {
  auto run = mw({"info"}, {{"MONGOWAY_METRICS_FILE", m_dir / "mongoway.prom"}});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(read_metrics().value("mongoway_pending_versions", labels()), 3);
}

TEST_F(MetricsCli, AFileThatCannotBeWrittenAfterTheWorkIsExitSixWithTheResultShown) {
  auto run = mw({"info", "--output", "json", "--metrics-file", "missing_dir/mongoway.prom"});
  EXPECT_EQ(run.exit_code, 6) << run.out << run.err;
  EXPECT_TRUE(Json::parse(run.out)) << "the result is printed whole: " << run.out;
  EXPECT_TRUE(contains(run.err, "cannot write the metrics file missing_dir/mongoway.prom: creating")) << run.err;
}

}  // namespace
}  // namespace mongoway::cli_test
