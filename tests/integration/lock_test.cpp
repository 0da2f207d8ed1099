// The lease lock against the real server: its atomicity is the server's
// duplicate-key refusal, so these tests race real connections, and its
// heartbeat is a real thread. (Its logic, lease by lease and request by
// request, is tested on the fake server: tests/unit/engine_test.cpp.)

#include <fmt/format.h>

#include <atomic>
#include <thread>

#include "exec/lease_lock.hpp"
#include "fixture.hpp"
#include "mongo/mongo_server.hpp"

namespace mongoway::testing {
namespace {

using namespace std::chrono_literals;

class Lock : public DatabaseTest {
 protected:
  // The port on this test's database: history collection "lk", lock collection "lk_lock".
  std::unique_ptr<mongo::MongoServer> server() const {
    return std::make_unique<mongo::MongoServer>(client_options(server_uri()), db, "lk");
  }
  static exec::LockOptions lock_options(std::chrono::seconds ttl, std::chrono::seconds timeout) {
    exec::LockOptions o;
    o.ttl = ttl;
    o.timeout = timeout;
    o.heartbeat_reply_timeout = 1s;
    return o;
  }
  std::unique_ptr<exec::LeaseLock> take(port::Server& s, exec::LockOptions o) {
    return std::make_unique<exec::LeaseLock>(s, port::steady_clock(), port::local_processes(), std::move(o));
  }
  std::optional<port::Lease> newest() { return m_probe->newest_lease(); }
  // Writes a lease that looks like one left by a dead process.
  void plant_lease(int64_t id, int64_t expires_in_ms) {
    const int64_t now = client().server_time_ms();
    ASSERT_TRUE(
        m_probe->insert_lease(port::Lease{id, "ghost@host:1", "t", now - 1000, now + expires_in_ms, false, {}, 0}));
  }
  // Whether the holder notices it lost its lease within `limit` (its
  // heartbeat runs every TTL/3; a loaded machine may delay it).
  static bool stops_within(exec::LeaseLock& lock, std::chrono::seconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      try {
        lock.ensure_held();
      } catch (const Error& e) {
        return e.code() == ExitCode::lock;
      }
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  void SetUp() override {
    DatabaseTest::SetUp();
    m_probe = server();
  }

  std::unique_ptr<mongo::MongoServer> m_probe;
};

TEST_F(Lock, AcquireAndRelease) {
  auto s = server();
  {
    auto lock = take(*s, lock_options(60s, 1s));
    EXPECT_EQ(lock->lease_id(), 1);
    lock->ensure_held();
    auto lease = newest();
    ASSERT_TRUE(lease);
    EXPECT_FALSE(lease->released);
    EXPECT_NE(lease->owner.find('@'), std::string::npos);
  }
  auto lease = newest();
  ASSERT_TRUE(lease);
  EXPECT_TRUE(lease->released);
  auto again = take(*s, lock_options(60s, 1s));
  EXPECT_EQ(again->lease_id(), 2);
}

TEST_F(Lock, ReleasingALeaseDropsTheOlderOnesAndKeepsTheNewest) {
  for (int id = 1; id <= 4; ++id) plant_lease(id, -1000);  // expired leases of dead processes
  auto s = server();
  {
    auto lock = take(*s, lock_options(60s, 1s));
    EXPECT_EQ(lock->lease_id(), 5);
    EXPECT_EQ(count("lk_lock"), 5) << "nothing is dropped while the lease is held";
  }
  ASSERT_EQ(find("lk_lock").size(), 1u);
  auto lease = newest();
  ASSERT_TRUE(lease);
  EXPECT_EQ(lease->id, 5);
  EXPECT_TRUE(lease->released);
  // Lease numbers keep growing from the one kept.
  EXPECT_EQ(take(*s, lock_options(60s, 1s))->lease_id(), 6);
}

TEST_F(Lock, ALiveLeaseIsNotTakenAndTheErrorNamesTheHolder) {
  plant_lease(5, 60000);
  std::string waited;
  auto o = lock_options(60s, 1s);
  o.waiting = [&](const std::string& m) { waited = m; };
  auto s = server();
  try {
    take(*s, o);
    FAIL() << "took a live lease";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::lock);
    EXPECT_NE(std::string(e.what()).find("ghost@host:1"), std::string::npos) << e.what();
  }
  EXPECT_NE(waited.find("ghost@host:1"), std::string::npos) << waited;
}

TEST_F(Lock, AnExpiredLeaseIsTakenOver) {
  plant_lease(5, -1);
  auto s = server();
  EXPECT_EQ(take(*s, lock_options(60s, 5s))->lease_id(), 6);
}

TEST_F(Lock, ExactlyOneOfManyRacersWinsAnExpiredLease) {
  constexpr int kRounds = 15;
  constexpr int kRacers = 6;
  int failures = 0;
  for (int round = 0; round < kRounds; ++round) {
    const std::string history = fmt::format("race{}", round);
    mongo::MongoServer planter(client_options(server_uri()), db, history);
    const int64_t now = client().server_time_ms();
    ASSERT_TRUE(planter.insert_lease(port::Lease{7, "dead", "t", now - 5000, now - 1000, false, {}, 0}));
    std::atomic<int> winners{0}, losers{0};
    std::atomic<bool> go{false};
    std::vector<std::unique_ptr<mongo::MongoServer>> servers;
    for (int i = 0; i < kRacers; ++i) {
      servers.push_back(std::make_unique<mongo::MongoServer>(client_options(server_uri()), db, history));
      servers.back()->facts();  // connect before the start line
    }
    std::vector<std::thread> threads;
    std::vector<std::unique_ptr<exec::LeaseLock>> held(kRacers);
    for (int i = 0; i < kRacers; ++i) {
      threads.emplace_back([&, i] {
        while (!go) std::this_thread::yield();
        try {
          held[i] = take(*servers[i], lock_options(60s, 0s));
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
  auto s = server();
  auto lock = take(*s, lock_options(3s, 1s));
  const auto first = newest();
  ASSERT_TRUE(first);
  // Waits (up to 60 s on a loaded machine) until the heartbeat has pushed
  // the expiry two TTLs beyond the first one.
  const auto until = std::chrono::steady_clock::now() + 60s;
  std::optional<port::Lease> later;
  do {
    std::this_thread::sleep_for(200ms);
    later = newest();
  } while (later && later->expires_ms < first->expires_ms + 6000 && std::chrono::steady_clock::now() < until);
  lock->ensure_held();
  ASSERT_TRUE(later);
  EXPECT_EQ(later->id, first->id);
  EXPECT_GE(later->expires_ms, first->expires_ms + 6000);
  // Nobody else can take it meanwhile.
  auto other = server();
  EXPECT_THROW(take(*other, lock_options(3s, 1s)), Error);
}

TEST_F(Lock, ATakenOverLeaseStopsItsFormerHolder) {
  auto s = server();
  auto lock = take(*s, lock_options(3s, 1s));
  plant_lease(2, 60000);  // another process believed the lease expired and took number 2
  EXPECT_TRUE(stops_within(*lock, 30s)) << "still believes it holds the lock";
}

// `mongoway unlock --force` run against a live holder: its next beat finds
// its lease released and it stops, rather than renewing it and running on.
TEST_F(Lock, AReleasedLeaseStopsItsHolder) {
  auto s = server();
  auto lock = take(*s, lock_options(3s, 1s));
  auto lease = newest();
  ASSERT_TRUE(lease);
  EXPECT_TRUE(m_probe->revoke_lease(*lease, lease->acquired_ms));
  EXPECT_TRUE(stops_within(*lock, 30s)) << "still believes it holds the lock";
  try {
    lock->ensure_held();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("the lease was released"), std::string::npos) << e.what();
  }
}

// The lock collection dropped under a holder (by hand, or by a `clean` that
// took over an expired lease): lease numbers start again from 1, so the
// holder must not go on renewing a lease that is no longer there.
TEST_F(Lock, ALeaseDeletedUnderItsHolderStopsIt) {
  auto s = server();
  auto lock = take(*s, lock_options(3s, 1s));
  m_probe->drop_collection("lk_lock");
  EXPECT_TRUE(stops_within(*lock, 30s));
  // A new process takes lease 1; the old holder's release leaves it alone.
  auto other = server();
  auto taker = take(*other, lock_options(60s, 1s));
  EXPECT_EQ(taker->lease_id(), 1);
  lock->release();
  auto lease = newest();
  ASSERT_TRUE(lease);
  EXPECT_EQ(lease->id, 1);
  EXPECT_FALSE(lease->released) << "the former holder released another process's lease";
}

}  // namespace
}  // namespace mongoway::testing
