// The lease lock against the real server: its atomicity is the server's
// duplicate-key refusal, so these tests race real connections.

#include <fmt/format.h>

#include <atomic>
#include <thread>

#include "fixture.hpp"
#include "mongo/lease_lock.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;

class Lock : public DatabaseTest {
 protected:
  mongo::ClientOptions options() const { return client_options(server_uri()); }
  mongo::LockOptions lock_options(std::chrono::seconds ttl, std::chrono::seconds timeout) {
    mongo::LockOptions o;
    o.ttl = ttl;
    o.timeout = timeout;
    return o;
  }
  // Calls ensure_held() until it throws, for at most `limit`; returns the
  // error's message ("" when it never threw). A fixed sleep of half a period
  // past the heartbeat's first wake-up was too short for its round trips on a
  // loaded machine; `limit` stays below the 5/6 of the TTL after which
  // ensure_held() throws anyway, so the message tells which check fired.
  static std::string wait_until_lost(const mongo::LeaseLock& lock, std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    for (;;) {
      try {
        lock.ensure_held();
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ExitCode::lock);
        return e.what();
      }
      if (std::chrono::steady_clock::now() >= until) return "";
      std::this_thread::sleep_for(20ms);
    }
  }
  // Writes a lease that looks like one left by a dead process.
  void plant_lease(int64_t id, int64_t expires_in_ms) {
    const int64_t now = client().server_time_ms();
    client().run_write(db, json(fmt::format(
                               R"({{"insert": "lk", "documents": [{{"_id": {{"$numberLong": "{}"}}, "owner": "ghost@host:1",
                                  "token": "t", "acquired_at": {{"$date": {{"$numberLong": "{}"}}}},
                                  "expires_at": {{"$date": {{"$numberLong": "{}"}}}}, "released": false}}]}})",
                               id, now - 1000, now + expires_in_ms)));
  }
};

TEST_F(Lock, AcquireAndRelease) {
  {
    mongo::LeaseLock lock(client(), options(), db, "lk", lock_options(60s, 1s));
    EXPECT_EQ(lock.lease_id(), 1);
    lock.ensure_held();
    auto newest = mongo::read_newest_lease(client(), db, "lk");
    ASSERT_TRUE(newest);
    EXPECT_FALSE(newest->released);
    EXPECT_NE(newest->owner.find('@'), std::string::npos);
  }
  auto newest = mongo::read_newest_lease(client(), db, "lk");
  ASSERT_TRUE(newest);
  EXPECT_TRUE(newest->released);
  mongo::LeaseLock again(client(), options(), db, "lk", lock_options(60s, 1s));
  EXPECT_EQ(again.lease_id(), 2);
}

TEST_F(Lock, ReleasingALeaseDropsTheOlderOnesAndKeepsTheNewest) {
  for (int id = 1; id <= 4; ++id) plant_lease(id, -1000);  // expired leases of dead processes
  {
    mongo::LeaseLock lock(client(), options(), db, "lk", lock_options(60s, 1s));
    EXPECT_EQ(lock.lease_id(), 5);
    EXPECT_EQ(count("lk"), 5) << "nothing is dropped while the lease is held";
  }
  auto left = find("lk");
  ASSERT_EQ(left.size(), 1u);
  auto newest = mongo::read_newest_lease(client(), db, "lk");
  ASSERT_TRUE(newest);
  EXPECT_EQ(newest->id, 5);
  EXPECT_TRUE(newest->released);
  // Lease numbers keep growing from the one kept.
  mongo::LeaseLock again(client(), options(), db, "lk", lock_options(60s, 1s));
  EXPECT_EQ(again.lease_id(), 6);
}

TEST_F(Lock, ALiveLeaseIsNotTakenAndTheErrorNamesTheHolder) {
  plant_lease(5, 60000);
  std::string waited;
  auto o = lock_options(60s, 1s);
  o.waiting = [&](const std::string& m) { waited = m; };
  try {
    mongo::LeaseLock lock(client(), options(), db, "lk", o);
    FAIL() << "took a live lease";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::lock);
    EXPECT_NE(std::string(e.what()).find("ghost@host:1"), std::string::npos) << e.what();
  }
  EXPECT_NE(waited.find("ghost@host:1"), std::string::npos) << waited;
}

TEST_F(Lock, AnExpiredLeaseIsTakenOver) {
  plant_lease(5, -1);
  mongo::LeaseLock lock(client(), options(), db, "lk", lock_options(60s, 5s));
  EXPECT_EQ(lock.lease_id(), 6);
}

TEST_F(Lock, ExactlyOneOfManyRacersWinsAnExpiredLease) {
  constexpr int kRounds = 15;
  constexpr int kRacers = 6;
  int failures = 0;
  for (int round = 0; round < kRounds; ++round) {
    const std::string coll = fmt::format("race{}", round);
    // An expired lease left by a dead process.
    const int64_t now = client().server_time_ms();
    client().run_write(db, json(fmt::format(
                               R"({{"insert": "{}", "documents": [{{"_id": {{"$numberLong": "7"}}, "owner": "dead",
                                  "acquired_at": {{"$date": {{"$numberLong": "{}"}}}},
                                  "expires_at": {{"$date": {{"$numberLong": "{}"}}}}, "released": false}}]}})",
                               coll, now - 5000, now - 1000)));
    std::atomic<int> winners{0}, losers{0};
    std::atomic<bool> go{false};
    std::vector<std::unique_ptr<mongo::Client>> clients;
    for (int i = 0; i < kRacers; ++i) {
      clients.push_back(std::make_unique<mongo::Client>(options()));
      clients.back()->server_info();  // connect before the start line
    }
    std::vector<std::thread> threads;
    std::vector<std::unique_ptr<mongo::LeaseLock>> held(kRacers);
    for (int i = 0; i < kRacers; ++i) {
      threads.emplace_back([&, i] {
        while (!go) std::this_thread::yield();
        try {
          held[i] = std::make_unique<mongo::LeaseLock>(*clients[i], options(), db, coll, lock_options(60s, 0s));
          ++winners;
        } catch (const Error& e) {
          if (e.code() == ExitCode::lock) ++losers;
        }
      });
    }
    go = true;
    for (auto& t : threads) t.join();
    if (winners != 1 || losers != kRacers - 1) ++failures;
    EXPECT_EQ(winners.load(), 1) << "round " << round;
    EXPECT_EQ(losers.load(), kRacers - 1) << "round " << round;
    held.clear();
  }
  std::printf("lock race: trials %d, racers %d, failures %d\n", kRounds, kRacers, failures);
}

TEST_F(Lock, TheHeartbeatRenewsTheLeaseBeyondItsTtl) {
  mongo::LeaseLock lock(client(), options(), db, "lk", lock_options(2s, 1s));
  const auto first = mongo::read_newest_lease(client(), db, "lk");
  ASSERT_TRUE(first);
  std::this_thread::sleep_for(5s);  // two and a half TTLs
  lock.ensure_held();
  const auto later = mongo::read_newest_lease(client(), db, "lk");
  ASSERT_TRUE(later);
  EXPECT_EQ(later->id, first->id);
  EXPECT_GT(later->expires_ms, first->expires_ms + 2000);
  // Nobody else can take it meanwhile.
  mongo::Client other(options());
  EXPECT_THROW(mongo::LeaseLock(other, options(), db, "lk", lock_options(2s, 1s)), Error);
}

TEST_F(Lock, ATakenOverLeaseStopsItsFormerHolder) {
  mongo::LeaseLock lock(client(), options(), db, "lk", lock_options(1s, 1s));
  // Another process believes the lease expired and takes number 2.
  plant_lease(2, 60000);
  std::this_thread::sleep_for(1500ms);  // a heartbeat sees the newer lease
  try {
    lock.ensure_held();
    FAIL() << "still believes it holds the lock";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::lock);
  }
}

// `mongoway unlock` run against a live holder: its next renewal finds its
// lease released and it stops, rather than renewing it and running on.
TEST_F(Lock, AReleasedLeaseStopsItsHolder) {
  mongo::LeaseLock lock(client(), options(), db, "lk", lock_options(3s, 1s));
  mongo::Client other(options());
  auto newest = mongo::read_newest_lease(other, db, "lk");
  ASSERT_TRUE(newest);
  EXPECT_TRUE(mongo::release_lease(other, db, "lk", *newest));
  // A heartbeat (every TTL/3) finds it released.
  const std::string lost = wait_until_lost(lock, 2400ms);
  EXPECT_NE(lost.find("released, removed"), std::string::npos) << (lost.empty() ? "still believes it holds the lock" : lost);
}

// The lock collection dropped under a holder (by hand, or by a `clean` that
// took over an expired lease): lease numbers start again from 1, so the
// holder must not go on renewing a lease that is no longer there.
TEST_F(Lock, ALeaseDeletedUnderItsHolderStopsIt) {
  mongo::LeaseLock lock(client(), options(), db, "lk", lock_options(3s, 1s));
  client().run(db, json(R"({"drop": "lk"})"));
  const std::string lost = wait_until_lost(lock, 2400ms);
  EXPECT_NE(lost.find("released, removed"), std::string::npos) << (lost.empty() ? "still believes it holds the lock" : lost);
  // A new process takes lease 1; the old holder's release leaves it alone.
  mongo::Client other(options());
  mongo::LeaseLock taker(other, options(), db, "lk", lock_options(60s, 1s));
  EXPECT_EQ(taker.lease_id(), 1);
  lock.release();
  auto newest = mongo::read_newest_lease(client(), db, "lk");
  ASSERT_TRUE(newest);
  EXPECT_EQ(newest->id, 1);
  EXPECT_FALSE(newest->released) << "the former holder released another process's lease";
}

// release_lease matches the token too: a lease of the same number taken by
// another process (after the collection was reset) is not released.
TEST_F(Lock, ReleasingNeedsTheLeasesToken) {
  plant_lease(1, 60000);
  mongo::Lease mine;
  mine.id = 1;
  mine.token = "not-the-planted-token";
  EXPECT_FALSE(mongo::release_lease(client(), db, "lk", mine));
  auto newest = mongo::read_newest_lease(client(), db, "lk");
  ASSERT_TRUE(newest);
  EXPECT_FALSE(newest->released);
}

}  // namespace
}  // namespace mongoway::testing
