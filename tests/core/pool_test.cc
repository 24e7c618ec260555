// Unit tests of cymade/pool.h (and the pool side of future.h / error.h /
// alloc.h): every public function, every documented error path, priority
// classes, cancellation, shutdown, statistics, allocation failure and fork.
// Pool tests run for both queue strategies (TEST_P).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"

#include "cymade/error.h"
#include "cymade/future.h"
#include "cymade/pool.h"

extern "C" {
#include "baseline_strategies.h"
}

// Under AddressSanitizer / ThreadSanitizer, let impossible allocation sizes
// return NULL (as the C library does) instead of aborting, so the
// huge-capacity tests see the engine's own handling.
extern "C" const char *__asan_default_options() {
    return "allocator_may_return_null=1";
}
extern "C" const char *__tsan_default_options() {
    return "allocator_may_return_null=1";
}

namespace {

using cymade_test::Gate;
using cymade_test::kMs;
using cymade_test::kWaitLong;
using cymade_test::ScopedTestAllocator;
using cymade_test::TestAllocator;

cymade_future *const kSentinel = reinterpret_cast<cymade_future *>(uintptr_t{0x5e});

// ---------------------------------------------------------------------------
// Jobs
// ---------------------------------------------------------------------------

int CountJob(void *arg, void **) {
    static_cast<std::atomic<int> *>(arg)->fetch_add(1);
    return 0;
}

struct GateJobArg {
    Gate *gate;
    cymade_pool *pool;
    std::atomic<int> worker{-2};
    std::atomic<uint64_t> finished_ns{0};
};

int GateJob(void *arg, void **) {
    auto *a = static_cast<GateJobArg *>(arg);
    a->worker.store(cymade_pool_current_worker(a->pool));
    a->gate->Enter();
    a->finished_ns.store(monotonic_clock_ns());
    return 0;
}

struct OrderLog {
    std::mutex mutex;
    std::vector<int> order;
    std::vector<uint64_t> start_ns;
    void Record(int id) {
        std::lock_guard<std::mutex> lock(mutex);
        order.push_back(id);
        start_ns.push_back(monotonic_clock_ns());
    }
    std::vector<int> Order() {
        std::lock_guard<std::mutex> lock(mutex);
        return order;
    }
};

struct OrderArg {
    OrderLog *log = nullptr;
    int id = 0;
    std::atomic<uint64_t> start_ns{0};
    std::atomic<uint64_t> finish_ns{0};
};

int OrderJob(void *arg, void **) {
    auto *a = static_cast<OrderArg *>(arg);
    a->start_ns.store(monotonic_clock_ns());
    if (a->log != nullptr) {
        a->log->Record(a->id);
    }
    a->finish_ns.store(monotonic_clock_ns());
    return 0;
}

const queue_strategy *const kRings = &ring_queue_strategy;
const queue_strategy *const kMutex = &mutex_queue_strategy;
const queue_strategy *const kWfcqueue = &wfcq_queue_strategy;

std::string StrategyName(const ::testing::TestParamInfo<const queue_strategy *> &info) {
    if (info.param == kRings)
        return "Rings";
    if (info.param == kMutex)
        return "Mutex";
    return "Wfcqueue";
}

// A start_worker hook that runs each worker on a std::thread of its own, as
// the Python extension runs them on threading.Thread objects.
struct EmbedderThreads {
    std::mutex mutex;
    std::vector<std::thread> threads;
    std::atomic<int> refuse_from{1 << 30}; // worker indexes from here fail to start
    std::atomic<int> run_results{0};       // run_worker calls that returned CYMADE_OK

    static int Start(cymade_pool *pool, size_t worker, void *context) {
        auto *self = static_cast<EmbedderThreads *>(context);
        if ((int)worker >= self->refuse_from.load()) {
            return CYMADE_EAGAIN;
        }
        std::lock_guard<std::mutex> lock(self->mutex);
        self->threads.emplace_back([self, pool, worker] {
            if (cymade_pool_run_worker(pool, worker) == CYMADE_OK) {
                self->run_results.fetch_add(1);
            }
        });
        return CYMADE_OK;
    }
    void JoinAll() {
        std::lock_guard<std::mutex> lock(mutex);
        for (auto &t : threads) {
            t.join();
        }
        threads.clear();
    }
};

// ---------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------

class PoolTest : public ::testing::TestWithParam<const queue_strategy *> {
  protected:
    void TearDown() override {
        for (auto &g : gates_) {
            g.Open(); // a test that failed early may leave workers blocked
        }
        if (pool_ != nullptr) {
            EXPECT_EQ(cymade_pool_destroy(pool_), CYMADE_OK);
            pool_ = nullptr;
        }
        allocator_.reset(); // only once no pool exists (alloc.h)
    }

    cymade_pool_options Options(size_t workers, size_t ring_capacity = 0) {
        cymade_pool_options options;
        cymade_pool_options_init(&options, workers);
        options.ring_capacity = ring_capacity;
        return options;
    }

    // cymade_pool_create over the strategy under test.
    int CreatePool(cymade_pool **pool, const cymade_pool_options &options) {
        return pool_create_with_strategy(pool, &options, GetParam());
    }

    void Create(size_t workers, size_t ring_capacity = 0) {
        cymade_pool_options options = Options(workers, ring_capacity);
        ASSERT_EQ(CreatePool(&pool_, options), CYMADE_OK);
        ASSERT_NE(pool_, nullptr);
    }

    // Installs the failure-injecting allocator; call before Create.
    void UseTestAllocator() {
        ASSERT_EQ(pool_, nullptr);
        allocator_ = std::make_unique<ScopedTestAllocator>();
    }

    // Blocks `count` workers in gate jobs (one gate each) and waits until
    // every one of them is running.
    void BlockWorkers(size_t count) {
        for (size_t i = 0; i < count; i++) {
            gates_.emplace_back();
            gate_args_.emplace_back();
            gate_args_.back().gate = &gates_.back();
            gate_args_.back().pool = pool_;
            ASSERT_EQ(cymade_pool_submit(pool_, GateJob, &gate_args_.back(), nullptr), CYMADE_OK);
        }
        for (auto &g : gates_) {
            ASSERT_TRUE(g.WaitEntered(1));
        }
    }

    // A pool whose workers start on demand, on `embedder`'s threads (or the
    // engine's own, for nullptr).
    void CreateOnDemand(size_t workers, EmbedderThreads *embedder) {
        cymade_pool_options options = Options(workers);
        options.start_on_demand = true;
        if (embedder != nullptr) {
            options.start_worker = EmbedderThreads::Start;
            options.hook_context = embedder;
        }
        ASSERT_EQ(CreatePool(&pool_, options), CYMADE_OK);
    }

    cymade_pool_stats Stats() {
        cymade_pool_stats stats{};
        EXPECT_EQ(cymade_pool_get_stats(pool_, &stats, nullptr), CYMADE_OK);
        return stats;
    }

    // Statistics are snapshots updated just after a job's future completes;
    // poll until they settle on what the test expects (or time out).
    template <typename Pred> cymade_pool_stats StatsWhen(Pred settled, cymade_worker_stats *per_worker) {
        cymade_pool_stats stats{};
        uint64_t deadline = monotonic_clock_ns() + 10000 * kMs;
        do {
            EXPECT_EQ(cymade_pool_get_stats(pool_, &stats, per_worker), CYMADE_OK);
            if (settled(stats)) {
                break;
            }
            std::this_thread::yield();
        } while (monotonic_clock_ns() < deadline);
        return stats;
    }

    static void WaitDone(cymade_future *f) {
        ASSERT_EQ(cymade_future_wait(f, kWaitLong), CYMADE_OK);
        ASSERT_EQ(cymade_future_get_state(f), CYMADE_FUTURE_DONE);
    }

    cymade_pool *pool_ = nullptr;
    std::unique_ptr<ScopedTestAllocator> allocator_;
    // Members, not test locals: they must outlive the workers, which
    // TearDown joins after the test body's locals are gone.
    std::deque<Gate> gates_;
    std::deque<GateJobArg> gate_args_;
};

// liburcu's wfcqueue has no ThreadSanitizer annotations (its atomics are
// inline assembly), so under TSan that strategy would only report false races.
#if CYMADE_TEST_TSAN
INSTANTIATE_TEST_SUITE_P(Strategies, PoolTest, ::testing::Values(kRings, kMutex), StrategyName);
#else
INSTANTIATE_TEST_SUITE_P(Strategies, PoolTest, ::testing::Values(kRings, kMutex, kWfcqueue), StrategyName);
#endif

// ---------------------------------------------------------------------------
// Errors, options, creation
// ---------------------------------------------------------------------------

TEST(Strerror, EveryCodeHasItsOwnMessage) {
    const int codes[] = {CYMADE_OK,        CYMADE_EINVAL, CYMADE_ENOMEM,  CYMADE_ESHUTDOWN,
                         CYMADE_ETIMEDOUT, CYMADE_EINTR,  CYMADE_EFORKED, CYMADE_EAGAIN};
    std::set<std::string> messages;
    for (int code : codes) {
        const char *message = cymade_strerror(code);
        ASSERT_NE(message, nullptr);
        EXPECT_GT(strlen(message), 0u);
        messages.insert(message);
    }
    EXPECT_EQ(messages.size(), std::size(codes));
    EXPECT_STREQ(cymade_strerror(CYMADE_OK), "success");
    EXPECT_STREQ(cymade_strerror(CYMADE_EINVAL), "invalid argument");
    EXPECT_STREQ(cymade_strerror(CYMADE_ENOMEM), "out of memory");
    EXPECT_STREQ(cymade_strerror(CYMADE_ESHUTDOWN), "pool is shut down");
    EXPECT_STREQ(cymade_strerror(CYMADE_ETIMEDOUT), "timed out");
    EXPECT_STREQ(cymade_strerror(CYMADE_EINTR), "interrupted by a signal");
    EXPECT_NE(std::string(cymade_strerror(CYMADE_EFORKED)).find("fork"), std::string::npos);
    EXPECT_NE(std::string(cymade_strerror(CYMADE_EAGAIN)).find("thread"), std::string::npos);
    for (int unknown : {1, -8, 12345, INT32_MIN}) {
        EXPECT_STREQ(cymade_strerror(unknown), "unknown cymade error");
    }
}

TEST(PoolOptions, InitFillsDefaults) {
    cymade_pool_options options;
    memset(&options, 0xab, sizeof options);
    cymade_pool_options_init(&options, 3);
    EXPECT_EQ(options.workers, 3u);
    EXPECT_EQ(options.ring_capacity, (size_t)CYMADE_POOL_DEFAULT_RING_CAPACITY);
    EXPECT_EQ(options.on_worker_start, nullptr);
    EXPECT_EQ(options.on_worker_idle, nullptr);
    EXPECT_EQ(options.on_worker_stop, nullptr);
    EXPECT_EQ(options.hook_context, nullptr);
}

TEST(PoolCreate, RejectsBadArguments) {
    cymade_pool *pool = reinterpret_cast<cymade_pool *>(uintptr_t{0x77});
    cymade_pool_options options;
    cymade_pool_options_init(&options, 2);
    EXPECT_EQ(cymade_pool_create(nullptr, &options), CYMADE_EINVAL);
    EXPECT_EQ(cymade_pool_create(&pool, nullptr), CYMADE_EINVAL);

    auto expect_einval = [&](cymade_pool_options bad, const char *what) {
        EXPECT_EQ(cymade_pool_create(&pool, &bad), CYMADE_EINVAL) << what;
        EXPECT_EQ(pool, reinterpret_cast<cymade_pool *>(uintptr_t{0x77})) << what << ": *pool must be untouched";
    };
    cymade_pool_options bad = options;
    bad.workers = 0;
    expect_einval(bad, "0 workers");
    bad.workers = CYMADE_POOL_MAX_WORKERS + 1;
    expect_einval(bad, "too many workers");
    bad.workers = SIZE_MAX;
    expect_einval(bad, "SIZE_MAX workers");
    for (size_t capacity : {size_t{1}, size_t{3}, size_t{6}, size_t{1000}}) {
        bad = options;
        bad.ring_capacity = capacity;
        expect_einval(bad, ("ring_capacity " + std::to_string(capacity)).c_str());
        for (const queue_strategy *strategy : {kMutex, kWfcqueue}) {
            EXPECT_EQ(pool_create_with_strategy(&pool, &bad, strategy), CYMADE_EINVAL)
                << strategy->name << ", ring_capacity " << capacity;
        }
    }
    EXPECT_EQ(pool_create_with_strategy(&pool, &options, nullptr), CYMADE_EINVAL) << "no strategy";
    EXPECT_EQ(pool, reinterpret_cast<cymade_pool *>(uintptr_t{0x77})) << "*pool must be untouched";
}

// Regression (fixed in 25892a5): cymade_pool_create accepted any power-of-two
// ring_capacity and ring.c computed sizeof(ring) + capacity *
// sizeof(ring_cell) without an overflow check, so capacities >= 2**61 wrapped
// to a tiny block that the init loop overran (SIGSEGV).  Spec §2: bad
// arguments return error codes and never crash.  Runs in a child so a crash
// fails only this test.
TEST(PoolCreate, HugeRingCapacityFailsCleanly) {
    int code = cymade_test::RunInChild(
        [] {
            for (int bits = 58; bits <= 63; bits++) {
                cymade_pool_options options;
                cymade_pool_options_init(&options, 1);
                options.ring_capacity = size_t{1} << bits;
                cymade_pool *pool = nullptr;
                int rc = cymade_pool_create(&pool, &options);
                if (rc != CYMADE_EINVAL && rc != CYMADE_ENOMEM) {
                    return bits;
                }
            }
            return 0;
        },
        std::chrono::seconds(20));
    EXPECT_EQ(code, 0) << "exit n < 64: created with 2**n cells; 128+n: died of signal n";
}

TEST(PoolNull, EveryEntryPointRejectsNullPool) {
    cymade_future *f = kSentinel;
    std::atomic<int> ran{0};
    EXPECT_EQ(cymade_pool_submit(nullptr, CountJob, &ran, &f), CYMADE_EINVAL);
    EXPECT_EQ(cymade_pool_schedule(nullptr, -1, CountJob, &ran, &f), CYMADE_EINVAL);
    EXPECT_EQ(f, kSentinel);
    cymade_future embedded;
    cymade_future_init(&embedded, CountJob, &ran, [](cymade_future *) {});
    EXPECT_EQ(cymade_pool_submit_future(nullptr, 0, &embedded), CYMADE_EINVAL);
    EXPECT_EQ(cymade_atomic_u64_load(&embedded.references, memory_order_relaxed), 1u);
    EXPECT_EQ(cymade_pool_shutdown(nullptr, true, true), CYMADE_EINVAL);
    EXPECT_EQ(cymade_pool_destroy(nullptr), CYMADE_EINVAL);
    cymade_pool_stats stats;
    EXPECT_EQ(cymade_pool_get_stats(nullptr, &stats, nullptr), CYMADE_EINVAL);
    EXPECT_EQ(cymade_pool_current_worker(nullptr), -1);
    EXPECT_EQ(ran.load(), 0);
    cymade_future_release(&embedded);
}

TEST_P(PoolTest, CreateAndDestroyIdlePool) {
    Create(2);
    cymade_pool_stats stats = Stats();
    EXPECT_EQ(stats.workers, 2u);
    EXPECT_EQ(stats.queued, 0u);
    EXPECT_EQ(stats.running, 0u);
    EXPECT_EQ(stats.completed, 0u);
    EXPECT_EQ(stats.cancelled, 0u);
    EXPECT_EQ(cymade_pool_destroy(pool_), CYMADE_OK);
    pool_ = nullptr;
}

TEST_P(PoolTest, CreateOutOfMemoryAtEveryAllocationReturnsEnomem) {
    UseTestAllocator();
    cymade_pool_options options = Options(3, 4);
    int failures = 0;
    for (long budget = 0; budget < 64; budget++) {
        TestAllocator::FailAfter(budget);
        cymade_pool *pool = reinterpret_cast<cymade_pool *>(uintptr_t{0x77});
        int rc = CreatePool(&pool, options);
        if (rc == CYMADE_OK) {
            TestAllocator::Succeed();
            pool_ = pool;
            break;
        }
        EXPECT_EQ(rc, CYMADE_ENOMEM) << "allocation " << budget << " failing";
        EXPECT_EQ(pool, reinterpret_cast<cymade_pool *>(uintptr_t{0x77}));
        failures++;
    }
    TestAllocator::Succeed();
    EXPECT_GE(failures, 3) << "pool, workers and queue are separate allocations";
    ASSERT_NE(pool_, nullptr) << "create never succeeded";
    cymade_future *f = nullptr;
    std::atomic<int> ran{0};
    ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &ran, &f), CYMADE_OK);
    WaitDone(f);
    cymade_future_release(f);
    EXPECT_EQ(ran.load(), 1);
}

// ---------------------------------------------------------------------------
// Submission
// ---------------------------------------------------------------------------

TEST_P(PoolTest, SubmitRejectsNullJob) {
    Create(1);
    cymade_future *f = kSentinel;
    EXPECT_EQ(cymade_pool_submit(pool_, nullptr, nullptr, &f), CYMADE_EINVAL);
    EXPECT_EQ(cymade_pool_schedule(pool_, -3, nullptr, nullptr, &f), CYMADE_EINVAL);
    EXPECT_EQ(cymade_pool_schedule(pool_, 3, nullptr, nullptr, &f), CYMADE_EINVAL);
    EXPECT_EQ(f, kSentinel);
    EXPECT_EQ(Stats().queued, 0u);
}

int ResultJob(void *arg, void **result) {
    *result = arg;
    return 1234;
}

TEST_P(PoolTest, SubmitDeliversResultAndStatusThroughFuture) {
    Create(2);
    int payload = 0;
    cymade_future *f = nullptr;
    ASSERT_EQ(cymade_pool_submit(pool_, ResultJob, &payload, &f), CYMADE_OK);
    ASSERT_NE(f, nullptr);
    WaitDone(f);
    EXPECT_EQ(cymade_future_result(f), &payload);
    EXPECT_EQ(cymade_future_status(f), 1234);
    cymade_future_release(f);

    for (int64_t priority : {int64_t{-7}, int64_t{1}}) {
        ASSERT_EQ(cymade_pool_schedule(pool_, priority, ResultJob, &payload, &f), CYMADE_OK);
        WaitDone(f);
        EXPECT_EQ(cymade_future_result(f), &payload);
        EXPECT_EQ(cymade_future_status(f), 1234);
        cymade_future_release(f);
    }
}

TEST_P(PoolTest, SubmitWithoutFutureStillRuns) {
    Create(2);
    std::atomic<int> ran{0};
    ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &ran, nullptr), CYMADE_OK);
    ASSERT_EQ(cymade_pool_shutdown(pool_, true, false), CYMADE_OK);
    EXPECT_EQ(ran.load(), 1);
}

TEST_P(PoolTest, HundredThousandJobsRunExactlyOnce) {
    constexpr int kJobs = 100000;
    Create(2);
    std::vector<std::atomic<int>> runs(kJobs);
    for (int i = 0; i < kJobs; i++) {
        ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &runs[i], nullptr), CYMADE_OK);
    }
    ASSERT_EQ(cymade_pool_shutdown(pool_, true, false), CYMADE_OK);
    for (int i = 0; i < kJobs; i++) {
        ASSERT_EQ(runs[i].load(), 1) << "job " << i;
    }
    cymade_pool_stats stats = Stats();
    EXPECT_EQ(stats.completed, (uint64_t)kJobs);
    EXPECT_EQ(stats.queued, 0u);
    EXPECT_EQ(stats.cancelled, 0u);
}

// Rings of 2 cells must grow; nothing may be lost or run twice meanwhile.
TEST_P(PoolTest, RingGrowthLosesNoJob) {
    constexpr int kJobs = 5000;
    Create(2, 2);
    BlockWorkers(2);
    std::vector<std::atomic<int>> runs(kJobs);
    for (int i = 0; i < kJobs; i++) {
        ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &runs[i], nullptr), CYMADE_OK);
    }
    cymade_pool_stats stats = Stats();
    EXPECT_EQ(stats.queued, (uint64_t)kJobs);
    if (GetParam() == kRings) {
        EXPECT_GT(stats.ring_grows, 0u);
    }
    for (auto &g : gates_) {
        g.Open();
    }
    ASSERT_EQ(cymade_pool_shutdown(pool_, true, false), CYMADE_OK);
    for (int i = 0; i < kJobs; i++) {
        ASSERT_EQ(runs[i].load(), 1) << "job " << i;
    }
    EXPECT_EQ(Stats().completed, (uint64_t)kJobs + 2);
}

// Growth racing running workers and several submitters.
TEST_P(PoolTest, ConcurrentSubmittersWithGrowthRunEveryJobOnce) {
    constexpr int kThreads = 3, kPerThread = 10000;
    Create(2, 2);
    std::vector<std::atomic<int>> runs(kThreads * kPerThread);
    std::vector<std::thread> submitters;
    for (int t = 0; t < kThreads; t++) {
        submitters.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; i++) {
                ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &runs[t * kPerThread + i], nullptr), CYMADE_OK);
            }
        });
    }
    for (auto &s : submitters) {
        s.join();
    }
    ASSERT_EQ(cymade_pool_shutdown(pool_, true, false), CYMADE_OK);
    for (size_t i = 0; i < runs.size(); i++) {
        ASSERT_EQ(runs[i].load(), 1) << "job " << i;
    }
    EXPECT_EQ(Stats().completed, runs.size());
}

// One submitter, one worker: FIFO even across ring growths.
TEST_P(PoolTest, NormalJobsAreFifoAcrossGrowth) {
    constexpr int kJobs = 1000;
    Create(1, 2);
    BlockWorkers(1);
    OrderLog log;
    std::deque<OrderArg> args;
    for (int i = 0; i < kJobs; i++) {
        args.emplace_back();
        args.back().log = &log;
        args.back().id = i;
        ASSERT_EQ(cymade_pool_submit(pool_, OrderJob, &args.back(), nullptr), CYMADE_OK);
    }
    gates_[0].Open();
    ASSERT_EQ(cymade_pool_shutdown(pool_, true, false), CYMADE_OK);
    std::vector<int> order = log.Order();
    ASSERT_EQ(order.size(), (size_t)kJobs);
    EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
}

TEST_P(PoolTest, SubmitAfterShutdownFailsAndQueuesNothing) {
    Create(2);
    ASSERT_EQ(cymade_pool_shutdown(pool_, false, false), CYMADE_OK);
    std::atomic<int> ran{0};
    cymade_future *f = kSentinel;
    EXPECT_EQ(cymade_pool_submit(pool_, CountJob, &ran, &f), CYMADE_ESHUTDOWN);
    for (int64_t priority : {int64_t{-1}, int64_t{0}, int64_t{5}}) {
        EXPECT_EQ(cymade_pool_schedule(pool_, priority, CountJob, &ran, &f), CYMADE_ESHUTDOWN) << priority;
    }
    EXPECT_EQ(f, kSentinel);
    static std::atomic<int> freed;
    freed.store(0);
    cymade_future embedded;
    cymade_future_init(&embedded, CountJob, &ran, [](cymade_future *) { freed.fetch_add(1); });
    EXPECT_EQ(cymade_pool_submit_future(pool_, 0, &embedded), CYMADE_ESHUTDOWN);
    EXPECT_EQ(cymade_pool_submit_future(pool_, -2, &embedded), CYMADE_ESHUTDOWN);
    EXPECT_EQ(cymade_atomic_u64_load(&embedded.references, memory_order_relaxed), 1u);
    EXPECT_EQ(freed.load(), 0);
    ASSERT_EQ(cymade_pool_shutdown(pool_, true, false), CYMADE_OK);
    EXPECT_EQ(ran.load(), 0);
    cymade_pool_stats stats = Stats();
    EXPECT_EQ(stats.queued, 0u);
    EXPECT_EQ(stats.completed, 0u);
    cymade_future_release(&embedded);
    EXPECT_EQ(freed.load(), 1);
}

// ---------------------------------------------------------------------------
// Embedder futures (cymade_future_init + cymade_pool_submit_future)
// ---------------------------------------------------------------------------

struct Embedded {
    cymade_future future;
    std::atomic<int> ran{0};
    static inline std::atomic<int> freed{0};
};

int EmbeddedJob(void *arg, void **result) {
    auto *e = static_cast<Embedded *>(arg);
    e->ran.fetch_add(1);
    *result = e;
    return 5;
}

int NopFutureJob(void *, void **) {
    return 0;
}

void FreeEmbedded(cymade_future *future) {
    Embedded::freed.fetch_add(1);
    delete reinterpret_cast<Embedded *>(reinterpret_cast<char *>(future) - offsetof(Embedded, future));
}

// pool.h: on success the pool takes over the caller's reference; retain
// first to keep one.
TEST_P(PoolTest, SubmitFutureKeepsRetainedReferenceAndFreesAtLastRelease) {
    Create(2);
    Embedded::freed.store(0);
    auto *e = new Embedded;
    cymade_future_init(&e->future, EmbeddedJob, e, FreeEmbedded);
    cymade_future_retain(&e->future);
    ASSERT_EQ(cymade_pool_submit_future(pool_, 0, &e->future), CYMADE_OK);
    WaitDone(&e->future);
    EXPECT_EQ(cymade_future_result(&e->future), e);
    EXPECT_EQ(cymade_future_status(&e->future), 5);
    EXPECT_EQ(e->ran.load(), 1);
    ASSERT_EQ(cymade_pool_shutdown(pool_, true, false), CYMADE_OK); // the pool has dropped its reference
    EXPECT_EQ(Embedded::freed.load(), 0) << "the caller still holds a reference";
    cymade_future_release(&e->future);
    EXPECT_EQ(Embedded::freed.load(), 1);
}

TEST_P(PoolTest, SubmitFutureHandsOverTheOnlyReference) {
    Create(1);
    Embedded::freed.store(0);
    for (int64_t priority : {int64_t{0}, int64_t{-1}, int64_t{1}}) {
        auto *e = new Embedded;
        cymade_future_init(&e->future, EmbeddedJob, e, FreeEmbedded);
        ASSERT_EQ(cymade_pool_submit_future(pool_, priority, &e->future), CYMADE_OK) << priority;
    }
    ASSERT_EQ(cymade_pool_shutdown(pool_, true, false), CYMADE_OK);
    EXPECT_EQ(Embedded::freed.load(), 3) << "the pool frees each future after running it";
}

struct FinalHookFuture {
    cymade_future future;
    std::atomic<int> final_calls{0};
    std::atomic<int> state_at_final{-1};
    std::atomic<int> callbacks_before_final{0};
    std::atomic<int> callbacks{0};
};

void FinalHook(cymade_future *future) {
    auto *h = reinterpret_cast<FinalHookFuture *>(future);
    h->state_at_final.store(cymade_future_get_state(future));
    h->callbacks_before_final.store(h->callbacks.load());
    h->final_calls.fetch_add(1);
}

// future.h: final_fn runs exactly once, once the state is final and before
// done-callbacks; for runs and for cancellations.
TEST_P(PoolTest, FinalHookRunsOnceBeforeCallbacks) {
    Create(1);
    BlockWorkers(1);
    FinalHookFuture run, cancelled;
    for (FinalHookFuture *h : {&run, &cancelled}) {
        cymade_future_init(&h->future, NopFutureJob, nullptr, [](cymade_future *) {});
        h->future.final_fn = FinalHook;
        ASSERT_EQ(cymade_future_add_done_callback(
                      &h->future,
                      [](cymade_future *f, void *) { reinterpret_cast<FinalHookFuture *>(f)->callbacks.fetch_add(1); },
                      nullptr),
                  CYMADE_OK);
        cymade_future_retain(&h->future);
        ASSERT_EQ(cymade_pool_submit_future(pool_, 0, &h->future), CYMADE_OK);
    }
    EXPECT_TRUE(cymade_future_cancel(&cancelled.future));
    gates_[0].Open();
    WaitDone(&run.future);
    EXPECT_EQ(cymade_future_wait(&cancelled.future, kWaitLong), CYMADE_OK);
    ASSERT_EQ(cymade_pool_shutdown(pool_, true, false), CYMADE_OK);
    EXPECT_EQ(run.final_calls.load(), 1);
    EXPECT_EQ(run.state_at_final.load(), CYMADE_FUTURE_DONE);
    EXPECT_EQ(run.callbacks_before_final.load(), 0);
    EXPECT_EQ(run.callbacks.load(), 1);
    EXPECT_EQ(cancelled.final_calls.load(), 1);
    EXPECT_EQ(cancelled.state_at_final.load(), CYMADE_FUTURE_CANCELLED);
    EXPECT_EQ(cancelled.callbacks_before_final.load(), 0);
    EXPECT_EQ(cancelled.callbacks.load(), 1);
    cymade_future_release(&run.future);
    cymade_future_release(&cancelled.future);
}

TEST_P(PoolTest, SubmitFutureRejectsBadFutures) {
    Create(1);
    Embedded::freed.store(0);
    EXPECT_EQ(cymade_pool_submit_future(pool_, 0, nullptr), CYMADE_EINVAL);
    auto *no_job = new Embedded;
    cymade_future_init(&no_job->future, nullptr, nullptr, FreeEmbedded);
    EXPECT_EQ(cymade_pool_submit_future(pool_, 0, &no_job->future), CYMADE_EINVAL);
    auto *cancelled = new Embedded;
    cymade_future_init(&cancelled->future, EmbeddedJob, cancelled, FreeEmbedded);
    ASSERT_TRUE(cymade_future_cancel(&cancelled->future));
    EXPECT_EQ(cymade_pool_submit_future(pool_, 0, &cancelled->future), CYMADE_EINVAL);
    EXPECT_EQ(cymade_atomic_u64_load(&cancelled->future.references, memory_order_relaxed), 1u);
    ASSERT_EQ(cymade_pool_shutdown(pool_, true, false), CYMADE_OK);
    EXPECT_EQ(cancelled->ran.load(), 0);
    EXPECT_EQ(Embedded::freed.load(), 0);
    cymade_future_release(&no_job->future);
    cymade_future_release(&cancelled->future);
    EXPECT_EQ(Embedded::freed.load(), 2);
}

// ---------------------------------------------------------------------------
// Priorities
// ---------------------------------------------------------------------------

TEST_P(PoolTest, UrgentJobsRunBeforeQueuedNormalLowestFirst) {
    Create(1);
    BlockWorkers(1);
    OrderLog log;
    std::deque<OrderArg> args;
    auto add = [&](int id, int64_t priority) {
        args.emplace_back();
        args.back().log = &log;
        args.back().id = id;
        ASSERT_EQ(cymade_pool_schedule(pool_, priority, OrderJob, &args.back(), nullptr), CYMADE_OK);
    };
    add(1, 0);
    add(2, 0);
    add(-5, -5);
    add(-10, -10);
    add(-6, -5); // same priority as -5, submitted later
    add(3, 0);
    gates_[0].Open();
    ASSERT_EQ(cymade_pool_shutdown(pool_, true, false), CYMADE_OK);
    EXPECT_EQ(log.Order(), (std::vector<int>{-10, -5, -6, 1, 2, 3}));
}

// While an urgent job runs, no normal job starts: neither one queued before
// the urgent job was submitted nor one queued after.
TEST_P(PoolTest, NoNormalJobStartsWhileUrgentJobRuns) {
    Create(2);
    BlockWorkers(2);
    std::atomic<int> before_ran{0}, after_ran{0};
    cymade_future *before = nullptr, *after = nullptr, *urgent = nullptr;
    ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &before_ran, &before), CYMADE_OK);
    Gate urgent_gate;
    GateJobArg urgent_arg;
    urgent_arg.gate = &urgent_gate;
    urgent_arg.pool = pool_;
    ASSERT_EQ(cymade_pool_schedule(pool_, -1, GateJob, &urgent_arg, &urgent), CYMADE_OK);
    gates_[0].Open();
    ASSERT_TRUE(urgent_gate.WaitEntered(1));
    gates_[1].Open();
    ASSERT_EQ(cymade_future_wait(before, 30 * kMs), CYMADE_ETIMEDOUT);
    ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &after_ran, &after), CYMADE_OK);
    // Give a wrong implementation time to start them.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(cymade_future_get_state(urgent), CYMADE_FUTURE_RUNNING);
    EXPECT_EQ(cymade_future_get_state(before), CYMADE_FUTURE_PENDING);
    EXPECT_EQ(cymade_future_get_state(after), CYMADE_FUTURE_PENDING);
    EXPECT_EQ(before_ran.load() + after_ran.load(), 0);
    urgent_gate.Open();
    WaitDone(urgent);
    WaitDone(before);
    WaitDone(after);
    EXPECT_EQ(before_ran.load(), 1);
    EXPECT_EQ(after_ran.load(), 1);
    for (cymade_future *f : {before, after, urgent}) {
        cymade_future_release(f);
    }
}

TEST_P(PoolTest, SeveralUrgentJobsMayRunAtOnce) {
    Create(2);
    Gate gate;
    GateJobArg a, b;
    a.gate = b.gate = &gate;
    a.pool = b.pool = pool_;
    cymade_future *fa = nullptr, *fb = nullptr;
    ASSERT_EQ(cymade_pool_schedule(pool_, -3, GateJob, &a, &fa), CYMADE_OK);
    ASSERT_EQ(cymade_pool_schedule(pool_, -3, GateJob, &b, &fb), CYMADE_OK);
    EXPECT_TRUE(gate.WaitEntered(2)) << "two urgent jobs should run concurrently on two workers";
    gate.Open();
    WaitDone(fa);
    WaitDone(fb);
    cymade_future_release(fa);
    cymade_future_release(fb);
}

// A background job starts no sooner than `priority` ms after the last normal
// job finished (or the pool started), lowest value first, FIFO among equals.
TEST_P(PoolTest, BackgroundJobsRunLowestFirstAfterDelaySincePoolStart) {
    uint64_t before_create = monotonic_clock_ns();
    Create(1);
    OrderLog log;
    std::deque<OrderArg> args;
    std::vector<cymade_future *> futures;
    auto add = [&](int id, int64_t priority) {
        args.emplace_back();
        args.back().log = &log;
        args.back().id = id;
        futures.push_back(nullptr);
        ASSERT_EQ(cymade_pool_schedule(pool_, priority, OrderJob, &args.back(), &futures.back()), CYMADE_OK);
    };
    add(60, 60);
    add(30, 30);
    add(31, 30);
    for (cymade_future *f : futures) {
        WaitDone(f);
        cymade_future_release(f);
    }
    EXPECT_EQ(log.Order(), (std::vector<int>{30, 31, 60}));
    EXPECT_GE(args[1].start_ns.load(), before_create + 30 * kMs);
    EXPECT_GE(args[2].start_ns.load(), before_create + 30 * kMs);
    EXPECT_GE(args[0].start_ns.load(), before_create + 60 * kMs);
}

TEST_P(PoolTest, BackgroundDelayRestartsWhenNormalJobFinishes) {
    Create(2);
    OrderArg n0, n1, background;
    cymade_future *f = nullptr, *bg = nullptr;
    ASSERT_EQ(cymade_pool_submit(pool_, OrderJob, &n0, &f), CYMADE_OK);
    WaitDone(f);
    cymade_future_release(f);
    ASSERT_EQ(cymade_pool_schedule(pool_, 80, OrderJob, &background, &bg), CYMADE_OK);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    ASSERT_EQ(cymade_pool_submit(pool_, OrderJob, &n1, &f), CYMADE_OK);
    WaitDone(f);
    cymade_future_release(f);
    WaitDone(bg);
    cymade_future_release(bg);
    uint64_t started = background.start_ns.load();
    // The last normal job that finished before the background job started.
    uint64_t last = n0.finish_ns.load();
    if (n1.finish_ns.load() <= started) {
        last = n1.finish_ns.load();
    }
    EXPECT_GE(started, last + 80 * kMs) << "background job started " << (double)(started - last) / kMs
                                        << " ms after the last normal job";
}

TEST_P(PoolTest, BackgroundWaitsWhileUrgentJobRuns) {
    Create(2);
    Gate gate;
    GateJobArg urgent_arg;
    urgent_arg.gate = &gate;
    urgent_arg.pool = pool_;
    cymade_future *urgent = nullptr, *bg = nullptr;
    ASSERT_EQ(cymade_pool_schedule(pool_, -1, GateJob, &urgent_arg, &urgent), CYMADE_OK);
    ASSERT_TRUE(gate.WaitEntered(1));
    OrderArg background;
    ASSERT_EQ(cymade_pool_schedule(pool_, 1, OrderJob, &background, &bg), CYMADE_OK);
    EXPECT_EQ(cymade_future_wait(bg, 50 * kMs), CYMADE_ETIMEDOUT);
    EXPECT_EQ(cymade_future_get_state(bg), CYMADE_FUTURE_PENDING);
    gate.Open();
    WaitDone(urgent);
    WaitDone(bg);
    EXPECT_GE(background.start_ns.load(), urgent_arg.finished_ns.load() + 1 * kMs);
    cymade_future_release(urgent);
    cymade_future_release(bg);
}

// priority_classes.c: after shutdown no foreground job can arrive, so background jobs
// no longer wait for their delay.
TEST_P(PoolTest, BackgroundRunsWithoutDelayAfterShutdown) {
    Create(1);
    std::atomic<int> ran{0};
    cymade_future *bg = nullptr;
    ASSERT_EQ(cymade_pool_schedule(pool_, 60 * 60 * 1000, CountJob, &ran, &bg), CYMADE_OK); // an hour
    uint64_t start = monotonic_clock_ns();
    ASSERT_EQ(cymade_pool_shutdown(pool_, true, false), CYMADE_OK);
    EXPECT_LT(monotonic_clock_ns() - start, 5000 * kMs);
    EXPECT_EQ(cymade_future_get_state(bg), CYMADE_FUTURE_DONE);
    EXPECT_EQ(ran.load(), 1);
    cymade_future_release(bg);
}

// Regression (fixed in 25892a5): take_background computed the due time as
// watched_since_ns + priority * 1000000 and overflowed for priorities above
// ~1.8e13 ms; INT64_MAX wrapped to "1 ms ago", so the job that should wait
// longest ran at once.
TEST_P(PoolTest, HugeBackgroundPriorityDoesNotRunEarly) {
    Create(1);
    std::atomic<int> ran{0};
    cymade_future *bg = nullptr;
    ASSERT_EQ(cymade_pool_schedule(pool_, INT64_MAX, CountJob, &ran, &bg), CYMADE_OK);
    EXPECT_EQ(cymade_future_wait(bg, 50 * kMs), CYMADE_ETIMEDOUT);
    EXPECT_EQ(ran.load(), 0);
    ASSERT_EQ(cymade_pool_shutdown(pool_, true, true), CYMADE_OK);
    cymade_future_release(bg);
}

// ---------------------------------------------------------------------------
// Cancellation
// ---------------------------------------------------------------------------

TEST_P(PoolTest, CancelPendingJobOfEveryClassSucceedsAndJobNeverRuns) {
    Create(1);
    BlockWorkers(1);
    std::atomic<int> ran{0}, later_ran{0};
    cymade_future *normal = nullptr, *urgent = nullptr, *background = nullptr, *later = nullptr;
    ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &ran, &normal), CYMADE_OK);
    ASSERT_EQ(cymade_pool_schedule(pool_, -4, CountJob, &ran, &urgent), CYMADE_OK);
    ASSERT_EQ(cymade_pool_schedule(pool_, 1, CountJob, &ran, &background), CYMADE_OK);
    for (cymade_future *f : {normal, urgent, background}) {
        EXPECT_TRUE(cymade_future_cancel(f));
        EXPECT_EQ(cymade_future_get_state(f), CYMADE_FUTURE_CANCELLED);
        EXPECT_EQ(cymade_future_wait(f, 0), CYMADE_OK);
        EXPECT_FALSE(cymade_future_cancel(f));
    }
    gates_[0].Open();
    // A cancelled urgent job must not keep blocking normal jobs.
    ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &later_ran, &later), CYMADE_OK);
    WaitDone(later);
    ASSERT_EQ(cymade_pool_shutdown(pool_, true, false), CYMADE_OK);
    EXPECT_EQ(ran.load(), 0);
    EXPECT_EQ(later_ran.load(), 1);
    for (cymade_future *f : {normal, urgent, background, later}) {
        cymade_future_release(f);
    }
}

TEST_P(PoolTest, CancelRunningOrDoneJobFails) {
    Create(1);
    Gate gate;
    GateJobArg arg;
    arg.gate = &gate;
    arg.pool = pool_;
    cymade_future *f = nullptr;
    ASSERT_EQ(cymade_pool_submit(pool_, GateJob, &arg, &f), CYMADE_OK);
    ASSERT_TRUE(gate.WaitEntered(1));
    EXPECT_EQ(cymade_future_get_state(f), CYMADE_FUTURE_RUNNING);
    EXPECT_FALSE(cymade_future_cancel(f));
    EXPECT_EQ(cymade_future_get_state(f), CYMADE_FUTURE_RUNNING);
    gate.Open();
    WaitDone(f);
    EXPECT_FALSE(cymade_future_cancel(f));
    EXPECT_EQ(cymade_future_get_state(f), CYMADE_FUTURE_DONE);
    cymade_future_release(f);
}

// ---------------------------------------------------------------------------
// Shutdown and destroy
// ---------------------------------------------------------------------------

TEST_P(PoolTest, ShutdownIsIdempotent) {
    Create(2);
    std::atomic<int> ran{0};
    ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &ran, nullptr), CYMADE_OK);
    EXPECT_EQ(cymade_pool_shutdown(pool_, false, false), CYMADE_OK);
    EXPECT_EQ(cymade_pool_shutdown(pool_, false, false), CYMADE_OK);
    EXPECT_EQ(cymade_pool_shutdown(pool_, true, false), CYMADE_OK);
    EXPECT_EQ(cymade_pool_shutdown(pool_, true, false), CYMADE_OK);
    EXPECT_EQ(cymade_pool_shutdown(pool_, true, true), CYMADE_OK);
    EXPECT_EQ(ran.load(), 1);
}

TEST_P(PoolTest, ShutdownCancelPendingCancelsEveryQueuedJob) {
    Create(1);
    BlockWorkers(1);
    std::atomic<int> ran{0};
    std::vector<cymade_future *> queued;
    for (int i = 0; i < 10; i++) {
        queued.push_back(nullptr);
        ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &ran, &queued.back()), CYMADE_OK);
    }
    for (int64_t priority : {int64_t{-2}, int64_t{-9}, int64_t{1}, int64_t{100000}}) {
        queued.push_back(nullptr);
        ASSERT_EQ(cymade_pool_schedule(pool_, priority, CountJob, &ran, &queued.back()), CYMADE_OK);
    }
    std::thread shutdown([&] { EXPECT_EQ(cymade_pool_shutdown(pool_, true, true), CYMADE_OK); });
    // The queued jobs end CANCELLED while the worker is still blocked.
    for (cymade_future *f : queued) {
        ASSERT_EQ(cymade_future_wait(f, kWaitLong), CYMADE_OK);
        EXPECT_EQ(cymade_future_get_state(f), CYMADE_FUTURE_CANCELLED);
    }
    gates_[0].Open();
    shutdown.join();
    EXPECT_EQ(ran.load(), 0);
    cymade_pool_stats stats = Stats();
    EXPECT_EQ(stats.cancelled, queued.size());
    EXPECT_EQ(stats.completed, 1u);
    EXPECT_EQ(stats.queued, 0u);
    for (cymade_future *f : queued) {
        cymade_future_release(f);
    }
}

// Submitters race a cancelling shutdown: each accepted job ends DONE (and ran
// once) or CANCELLED (and never ran); the rest were refused with ESHUTDOWN.
TEST_P(PoolTest, EveryAcceptedJobEndsDoneOrCancelled) {
    constexpr int kThreads = 2, kPerThread = 20000;
    Create(2, 4);
    std::vector<std::atomic<int>> runs(kThreads * kPerThread);
    std::vector<std::vector<cymade_future *>> accepted(kThreads);
    std::atomic<int> started{0};
    std::vector<std::thread> submitters;
    for (int t = 0; t < kThreads; t++) {
        submitters.emplace_back([&, t] {
            started.fetch_add(1);
            for (int i = 0; i < kPerThread; i++) {
                cymade_future *f = nullptr;
                int64_t priority = i % 50 == 0 ? -1 : (i % 70 == 0 ? 2 : 0);
                int rc = cymade_pool_schedule(pool_, priority, CountJob, &runs[t * kPerThread + i], &f);
                if (rc == CYMADE_ESHUTDOWN) {
                    accepted[t].push_back(nullptr);
                    continue;
                }
                ASSERT_EQ(rc, CYMADE_OK);
                accepted[t].push_back(f);
            }
        });
    }
    while (started.load() < kThreads) {
        std::this_thread::yield();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_EQ(cymade_pool_shutdown(pool_, true, true), CYMADE_OK);
    for (auto &s : submitters) {
        s.join();
    }
    uint64_t done = 0, cancelled = 0;
    for (int t = 0; t < kThreads; t++) {
        for (int i = 0; i < kPerThread; i++) {
            cymade_future *f = accepted[t][i];
            int ran = runs[t * kPerThread + i].load();
            if (f == nullptr) {
                ASSERT_EQ(ran, 0);
                continue;
            }
            cymade_future_state state = cymade_future_get_state(f);
            if (state == CYMADE_FUTURE_DONE) {
                ASSERT_EQ(ran, 1);
                done++;
            } else {
                ASSERT_EQ(state, CYMADE_FUTURE_CANCELLED) << "accepted job left " << state;
                ASSERT_EQ(ran, 0);
                cancelled++;
            }
            cymade_future_release(f);
        }
    }
    cymade_pool_stats stats = Stats();
    EXPECT_EQ(stats.completed, done);
    EXPECT_EQ(stats.cancelled, cancelled);
    EXPECT_EQ(stats.queued, 0u);
}

TEST_P(PoolTest, ShutdownWithoutWaitThenDestroyRunsQueuedJobs) {
    Create(1);
    BlockWorkers(1);
    std::vector<std::atomic<int>> runs(100);
    std::vector<cymade_future *> futures;
    for (auto &r : runs) {
        futures.push_back(nullptr);
        ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &r, &futures.back()), CYMADE_OK);
    }
    EXPECT_EQ(cymade_pool_shutdown(pool_, false, false), CYMADE_OK);
    EXPECT_EQ(Stats().queued, runs.size()) << "shutdown without cancel keeps queued jobs";
    gates_[0].Open();
    EXPECT_EQ(cymade_pool_destroy(pool_), CYMADE_OK);
    pool_ = nullptr;
    for (size_t i = 0; i < runs.size(); i++) {
        EXPECT_EQ(runs[i].load(), 1);
        EXPECT_EQ(cymade_future_get_state(futures[i]), CYMADE_FUTURE_DONE);
        cymade_future_release(futures[i]);
    }
}

struct InsideJobArg {
    cymade_pool *pool;
    int shutdown_wait_rc = 1;
    int shutdown_nowait_rc = 1;
    int destroy_rc = 1;
    int submit_rc = 1;
    int worker = -2;
    cymade_future *child = nullptr;
    std::atomic<int> child_ran{0};
    cymade_worker_stats per_worker[2] = {};
    bool stats_ok = false;
};

int LifecycleFromInsideJob(void *arg, void **) {
    auto *a = static_cast<InsideJobArg *>(arg);
    a->shutdown_wait_rc = cymade_pool_shutdown(a->pool, true, false);
    a->destroy_rc = cymade_pool_destroy(a->pool);
    return 0;
}

TEST_P(PoolTest, ShutdownWaitAndDestroyFromInsideJobAreEinval) {
    Create(2);
    InsideJobArg arg;
    arg.pool = pool_;
    cymade_future *f = nullptr;
    ASSERT_EQ(cymade_pool_submit(pool_, LifecycleFromInsideJob, &arg, &f), CYMADE_OK);
    WaitDone(f);
    cymade_future_release(f);
    EXPECT_EQ(arg.shutdown_wait_rc, CYMADE_EINVAL);
    EXPECT_EQ(arg.destroy_rc, CYMADE_EINVAL);
    // The refused calls changed nothing: the pool still accepts jobs.
    std::atomic<int> ran{0};
    ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &ran, &f), CYMADE_OK);
    WaitDone(f);
    cymade_future_release(f);
}

int ShutdownNoWaitFromInsideJob(void *arg, void **) {
    auto *a = static_cast<InsideJobArg *>(arg);
    a->shutdown_nowait_rc = cymade_pool_shutdown(a->pool, false, false);
    return 0;
}

TEST_P(PoolTest, ShutdownWithoutWaitFromInsideJobWorks) {
    Create(2);
    InsideJobArg arg;
    arg.pool = pool_;
    cymade_future *f = nullptr;
    ASSERT_EQ(cymade_pool_submit(pool_, ShutdownNoWaitFromInsideJob, &arg, &f), CYMADE_OK);
    WaitDone(f);
    cymade_future_release(f);
    EXPECT_EQ(arg.shutdown_nowait_rc, CYMADE_OK);
    std::atomic<int> ran{0};
    EXPECT_EQ(cymade_pool_submit(pool_, CountJob, &ran, nullptr), CYMADE_ESHUTDOWN);
}

// A job that shuts its pool down without waiting while the test thread
// waits in shutdown(wait=true): waiting holds no lock that the job needs.
int ShutdownNoWaitAfterGate(void *arg, void **) {
    auto *a = static_cast<GateJobArg *>(arg);
    a->gate->Enter();
    return cymade_pool_shutdown(a->pool, false, false);
}

TEST_P(PoolTest, ShutdownFromJobWhileAnotherThreadWaitsDoesNotDeadlock) {
    Create(2);
    Gate gate;
    GateJobArg arg;
    arg.gate = &gate;
    arg.pool = pool_;
    cymade_future *f = nullptr;
    ASSERT_EQ(cymade_pool_submit(pool_, ShutdownNoWaitAfterGate, &arg, &f), CYMADE_OK);
    ASSERT_TRUE(gate.WaitEntered(1));
    std::thread opener([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        gate.Open();
    });
    EXPECT_EQ(cymade_pool_shutdown(pool_, true, false), CYMADE_OK);
    opener.join();
    WaitDone(f);
    EXPECT_EQ(cymade_future_status(f), CYMADE_OK);
    cymade_future_release(f);
}

TEST_P(PoolTest, ShutdownWithoutWaitReturnsWhileAnotherWaits) {
    Create(1);
    BlockWorkers(1);
    std::atomic<bool> waited{false};
    std::thread waiter([&] {
        EXPECT_EQ(cymade_pool_shutdown(pool_, true, false), CYMADE_OK);
        waited = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(cymade_pool_shutdown(pool_, false, true), CYMADE_OK); // does not wait for the waiter
    EXPECT_FALSE(waited.load());
    gates_.back().Open();
    waiter.join();
    EXPECT_TRUE(waited.load());
}

// ---------------------------------------------------------------------------
// Workers started on demand, on the embedder's threads
// ---------------------------------------------------------------------------

TEST_P(PoolTest, OnDemandWorkersStartAsBlockedJobsNeedThem) {
    EmbedderThreads embedder;
    CreateOnDemand(8, &embedder);
    EXPECT_EQ(Stats().started_workers, 0u);
    EXPECT_EQ(Stats().workers, 8u);
    BlockWorkers(3); // three jobs blocking at once: three workers
    size_t started = Stats().started_workers;
    EXPECT_GE(started, 3u);
    EXPECT_LE(started, 4u);
    for (auto &g : gates_) {
        g.Open();
    }
    std::atomic<int> ran{0};
    for (int i = 0; i < 100; i++) {
        ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &ran, nullptr), CYMADE_OK);
    }
    EXPECT_EQ(cymade_pool_shutdown(pool_, true, false), CYMADE_OK);
    EXPECT_EQ(ran.load(), 100);
    EXPECT_LE(Stats().started_workers, 8u);
    embedder.JoinAll();
    EXPECT_EQ(embedder.run_results.load(), (int)Stats().started_workers);
    // run_worker refuses an index the engine did not ask for, or one that ran.
    EXPECT_EQ(cymade_pool_run_worker(pool_, 0), CYMADE_EINVAL);
    EXPECT_EQ(cymade_pool_run_worker(pool_, 7), CYMADE_EINVAL);
    EXPECT_EQ(cymade_pool_run_worker(pool_, 8), CYMADE_EINVAL);
}

TEST_P(PoolTest, OnDemandWorkerThatCannotStartStrandsNoJob) {
    EmbedderThreads embedder;
    embedder.refuse_from = 0; // no worker can start at first
    CreateOnDemand(4, &embedder);
    std::atomic<int> ran{0};
    cymade_future *waits_for_a_worker = nullptr;
    EXPECT_EQ(cymade_pool_submit(pool_, CountJob, &ran, &waits_for_a_worker), CYMADE_OK);
    EXPECT_EQ(Stats().started_workers, 0u);
    EXPECT_EQ(Stats().queued, 1u);
    embedder.refuse_from = 1; // worker 0 starts, the others cannot
    cymade_future *f = nullptr;
    ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &ran, &f), CYMADE_OK);
    WaitDone(waits_for_a_worker); // the later submit's worker ran it
    WaitDone(f);
    cymade_future_release(waits_for_a_worker);
    cymade_future_release(f);
    EXPECT_EQ(Stats().started_workers, 1u);
    EXPECT_EQ(cymade_pool_shutdown(pool_, true, false), CYMADE_OK);
    EXPECT_EQ(ran.load(), 2);
    embedder.JoinAll();
}

TEST_P(PoolTest, OnDemandPoolThatNeverStartsAWorkerCancelsAtShutdown) {
    EmbedderThreads embedder;
    embedder.refuse_from = 0;
    CreateOnDemand(2, &embedder);
    std::atomic<int> ran{0};
    cymade_future *f = nullptr;
    ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &ran, &f), CYMADE_OK);
    EXPECT_EQ(cymade_pool_shutdown(pool_, true, false), CYMADE_OK);
    EXPECT_EQ(cymade_future_get_state(f), CYMADE_FUTURE_CANCELLED);
    EXPECT_EQ(Stats().cancelled, 1u);
    EXPECT_EQ(ran.load(), 0);
    cymade_future_release(f);
}

TEST_P(PoolTest, OnDemandPoolWithEngineThreads) {
    CreateOnDemand(3, nullptr);
    EXPECT_EQ(Stats().started_workers, 0u);
    std::atomic<int> ran{0};
    cymade_future *f = nullptr;
    ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &ran, &f), CYMADE_OK);
    WaitDone(f);
    cymade_future_release(f);
    EXPECT_EQ(Stats().started_workers, 1u);
    EXPECT_EQ(ran.load(), 1);
}

int SubmitFromInsideJob(void *arg, void **) {
    auto *a = static_cast<InsideJobArg *>(arg);
    a->worker = cymade_pool_current_worker(a->pool);
    a->submit_rc = cymade_pool_submit(a->pool, CountJob, &a->child_ran, &a->child);
    cymade_pool_stats stats;
    a->stats_ok = cymade_pool_get_stats(a->pool, &stats, a->per_worker) == CYMADE_OK;
    return 0;
}

// A worker's submit goes to its own ring (observed while the other worker is
// blocked, so nothing can steal it) and runs.
TEST_P(PoolTest, SubmitFromInsideJobIsWorkerAffine) {
    Create(2);
    BlockWorkers(1);
    InsideJobArg arg;
    arg.pool = pool_;
    cymade_future *f = nullptr;
    ASSERT_EQ(cymade_pool_submit(pool_, SubmitFromInsideJob, &arg, &f), CYMADE_OK);
    WaitDone(f);
    cymade_future_release(f);
    ASSERT_EQ(arg.submit_rc, CYMADE_OK);
    ASSERT_NE(arg.child, nullptr);
    ASSERT_TRUE(arg.stats_ok);
    int blocked = gate_args_[0].worker.load();
    ASSERT_GE(arg.worker, 0);
    ASSERT_NE(arg.worker, blocked);
    if (GetParam() == kRings) {
        EXPECT_EQ(arg.per_worker[arg.worker].queued, 1u) << "the child must be in the submitting worker's ring";
        EXPECT_EQ(arg.per_worker[blocked].queued, 0u);
    }
    WaitDone(arg.child);
    EXPECT_EQ(arg.child_ran.load(), 1);
    cymade_future_release(arg.child);
    gates_[0].Open();
}

// ---------------------------------------------------------------------------
// Statistics and introspection
// ---------------------------------------------------------------------------

TEST_P(PoolTest, StatsRejectsNullStats) {
    Create(1);
    cymade_worker_stats per_worker[1];
    EXPECT_EQ(cymade_pool_get_stats(pool_, nullptr, nullptr), CYMADE_EINVAL);
    EXPECT_EQ(cymade_pool_get_stats(pool_, nullptr, per_worker), CYMADE_EINVAL);
}

TEST_P(PoolTest, StatsAreConsistent) {
    Create(1);
    BlockWorkers(1);
    std::atomic<int> ran{0};
    std::vector<cymade_future *> futures;
    for (int i = 0; i < 5; i++) {
        futures.push_back(nullptr);
        ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &ran, &futures.back()), CYMADE_OK);
    }
    futures.push_back(nullptr);
    ASSERT_EQ(cymade_pool_schedule(pool_, -1, CountJob, &ran, &futures.back()), CYMADE_OK);
    cymade_future *bg = nullptr;
    ASSERT_EQ(cymade_pool_schedule(pool_, 3600 * 1000, CountJob, &ran, &bg), CYMADE_OK);

    cymade_pool_stats stats{};
    ASSERT_EQ(cymade_pool_get_stats(pool_, &stats, nullptr), CYMADE_OK);
    ASSERT_EQ(stats.workers, 1u);
    cymade_worker_stats per_worker[1];
    ASSERT_EQ(cymade_pool_get_stats(pool_, &stats, per_worker), CYMADE_OK);
    EXPECT_EQ(stats.running, 1u);
    EXPECT_EQ(stats.queued, 7u) << "5 normal + 1 urgent + 1 background";
    EXPECT_EQ(stats.completed, 0u);
    EXPECT_EQ(stats.cancelled, 0u);
    EXPECT_EQ(stats.stolen, 0u);
    EXPECT_EQ(per_worker[0].queued, 5u) << "only normal jobs sit in worker queues";
    EXPECT_EQ(per_worker[0].completed, 0u);

    gates_[0].Open();
    for (cymade_future *f : futures) {
        WaitDone(f);
        cymade_future_release(f);
    }
    stats = StatsWhen([](const cymade_pool_stats &s) { return s.completed == 7 && s.running == 0; }, per_worker);
    EXPECT_EQ(stats.completed, 7u);
    EXPECT_EQ(per_worker[0].completed, 7u);
    EXPECT_EQ(stats.queued, 1u) << "the background job is still waiting";
    EXPECT_EQ(stats.running, 0u);
    EXPECT_LE(stats.stolen, stats.completed);
    EXPECT_EQ(stats.stolen, per_worker[0].stolen);
    EXPECT_EQ(stats.ring_grows, per_worker[0].ring_grows);
    EXPECT_TRUE(cymade_future_cancel(bg));
    cymade_future_release(bg);
}

// Two workers, one blocked: the other drains its own ring and steals the
// blocked worker's half.  Submitters fill rings in runs of 16 (cymade/pool.h),
// so any 32 consecutive submissions put 16 in each ring.
TEST_P(PoolTest, StatsCountStolenJobsPerWorker) {
    Create(2);
    BlockWorkers(2);
    std::vector<std::atomic<int>> runs(32);
    std::vector<cymade_future *> futures;
    for (auto &r : runs) {
        futures.push_back(nullptr);
        ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &r, &futures.back()), CYMADE_OK);
    }
    gates_[0].Open();
    for (cymade_future *f : futures) {
        WaitDone(f);
        cymade_future_release(f);
    }
    int a = gate_args_[0].worker.load(), b = gate_args_[1].worker.load();
    ASSERT_TRUE((a == 0 && b == 1) || (a == 1 && b == 0));
    cymade_worker_stats per_worker[2];
    cymade_pool_stats stats =
        StatsWhen([](const cymade_pool_stats &s) { return s.completed == 33 && s.running == 1; }, per_worker);
    EXPECT_EQ(per_worker[a].completed, 33u);
    EXPECT_EQ(per_worker[b].completed, 0u) << "worker " << b << " is still blocked";
    EXPECT_EQ(stats.running, 1u);
    EXPECT_EQ(stats.completed, per_worker[0].completed + per_worker[1].completed);
    EXPECT_EQ(stats.stolen, per_worker[0].stolen + per_worker[1].stolen);
    EXPECT_EQ(stats.queued, per_worker[0].queued + per_worker[1].queued);
    if (GetParam() == kRings) {
        // 16 of the 32 were in the blocked worker's ring (the gate job
        // itself may have been stolen too).
        EXPECT_GE(per_worker[a].stolen, 16u);
        EXPECT_LE(per_worker[a].stolen, 17u);
    } else {
        EXPECT_EQ(stats.stolen, 0u) << "one shared queue: nothing to steal";
    }
    gates_[1].Open();
}

int RecordWorker(void *arg, void **) {
    auto *a = static_cast<std::pair<cymade_pool *, std::atomic<int>> *>(arg);
    a->second.store(cymade_pool_current_worker(a->first));
    return 0;
}

TEST_P(PoolTest, CurrentWorkerInsideAndOutsideJobs) {
    Create(2);
    EXPECT_EQ(cymade_pool_current_worker(pool_), -1);
    std::pair<cymade_pool *, std::atomic<int>> arg{pool_, -2};
    cymade_future *f = nullptr;
    ASSERT_EQ(cymade_pool_submit(pool_, RecordWorker, &arg, &f), CYMADE_OK);
    WaitDone(f);
    cymade_future_release(f);
    EXPECT_GE(arg.second.load(), 0);
    EXPECT_LT(arg.second.load(), 2);

    // Inside a job of another pool, this pool's answer is -1.
    cymade_pool *other = nullptr;
    cymade_pool_options options = Options(1);
    ASSERT_EQ(CreatePool(&other, options), CYMADE_OK);
    std::pair<cymade_pool *, std::atomic<int>> foreign{pool_, -2};
    ASSERT_EQ(cymade_pool_submit(other, RecordWorker, &foreign, &f), CYMADE_OK);
    WaitDone(f);
    cymade_future_release(f);
    EXPECT_EQ(foreign.second.load(), -1);
    EXPECT_EQ(cymade_pool_destroy(other), CYMADE_OK);
}

struct HookLog {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<size_t> started, idled, stopped;
    void *context_seen = nullptr;
};

void OnStart(size_t worker, void *context) {
    auto *log = static_cast<HookLog *>(context);
    std::lock_guard<std::mutex> lock(log->mutex);
    log->started.push_back(worker);
    log->context_seen = context;
    log->changed.notify_all();
}
void OnIdle(size_t worker, void *context) {
    auto *log = static_cast<HookLog *>(context);
    std::lock_guard<std::mutex> lock(log->mutex);
    log->idled.push_back(worker);
    log->changed.notify_all();
}
void OnStop(size_t worker, void *context) {
    auto *log = static_cast<HookLog *>(context);
    std::lock_guard<std::mutex> lock(log->mutex);
    log->stopped.push_back(worker);
    log->changed.notify_all();
}

TEST_P(PoolTest, WorkerHooksRunOnEveryWorker) {
    HookLog log;
    cymade_pool_options options = Options(2);
    options.on_worker_start = OnStart;
    options.on_worker_idle = OnIdle;
    options.on_worker_stop = OnStop;
    options.hook_context = &log;
    ASSERT_EQ(CreatePool(&pool_, options), CYMADE_OK);
    {
        std::unique_lock<std::mutex> lock(log.mutex);
        ASSERT_TRUE(log.changed.wait_for(lock, std::chrono::seconds(10), [&] {
            std::set<size_t> idle(log.idled.begin(), log.idled.end());
            return log.started.size() == 2 && idle.size() == 2;
        })) << "every worker starts and then reports idle";
    }
    ASSERT_EQ(cymade_pool_destroy(pool_), CYMADE_OK);
    pool_ = nullptr;
    std::sort(log.started.begin(), log.started.end());
    std::sort(log.stopped.begin(), log.stopped.end());
    EXPECT_EQ(log.started, (std::vector<size_t>{0, 1}));
    EXPECT_EQ(log.stopped, (std::vector<size_t>{0, 1}));
    EXPECT_EQ(log.context_seen, &log);
}

// ---------------------------------------------------------------------------
// Allocation failure
// ---------------------------------------------------------------------------

TEST_P(PoolTest, SubmitOutOfMemoryQueuesNothing) {
    UseTestAllocator();
    Create(2);
    std::atomic<int> ran{0};
    cymade_future *f = kSentinel;
    TestAllocator::FailAfter(0);
    for (int64_t priority : {int64_t{0}, int64_t{-1}, int64_t{1}}) {
        EXPECT_EQ(cymade_pool_schedule(pool_, priority, CountJob, &ran, &f), CYMADE_ENOMEM) << priority;
    }
    EXPECT_EQ(cymade_pool_submit(pool_, CountJob, &ran, &f), CYMADE_ENOMEM);
    TestAllocator::Succeed();
    EXPECT_EQ(f, kSentinel);
    EXPECT_EQ(Stats().queued, 0u);
    ASSERT_EQ(cymade_pool_shutdown(pool_, true, false), CYMADE_OK);
    EXPECT_EQ(ran.load(), 0);
    EXPECT_EQ(Stats().completed, 0u);
}

// A fire-and-forget normal submit (no future) allocates nothing, so it
// succeeds even when every allocation fails (while its ring has room).
TEST_P(PoolTest, FireAndForgetSubmitNeedsNoAllocation) {
    if (GetParam() == kWfcqueue) {
        GTEST_SKIP() << "the wfcqueue strategy allocates a node per job by design";
    }
    UseTestAllocator();
    Create(2);
    std::atomic<int> ran{0};
    TestAllocator::FailAfter(0);
    for (int i = 0; i < 10; i++) {
        ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &ran, nullptr), CYMADE_OK);
    }
    TestAllocator::Succeed();
    ASSERT_EQ(cymade_pool_shutdown(pool_, true, false), CYMADE_OK);
    EXPECT_EQ(ran.load(), 10);
}

// The future allocates, then the urgent/background heap's first growth
// fails: ENOMEM, and the class counters must not be left raised.
TEST_P(PoolTest, PriorityHeapOutOfMemoryLeavesPoolUsable) {
    UseTestAllocator();
    Create(1);
    std::atomic<int> ran{0};
    cymade_future *f = kSentinel;
    TestAllocator::FailAfter(1);
    EXPECT_EQ(cymade_pool_schedule(pool_, -5, CountJob, &ran, &f), CYMADE_ENOMEM);
    TestAllocator::FailAfter(1);
    EXPECT_EQ(cymade_pool_schedule(pool_, 5, CountJob, &ran, &f), CYMADE_ENOMEM);
    TestAllocator::Succeed();
    EXPECT_EQ(f, kSentinel);
    EXPECT_EQ(Stats().queued, 0u);
    // A leaked urgent count would block this normal job forever.
    std::atomic<int> normal_ran{0};
    ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &normal_ran, &f), CYMADE_OK);
    WaitDone(f);
    cymade_future_release(f);
    // And both classes still work.
    for (int64_t priority : {int64_t{-5}, int64_t{1}}) {
        ASSERT_EQ(cymade_pool_schedule(pool_, priority, CountJob, &normal_ran, &f), CYMADE_OK);
        WaitDone(f);
        cymade_future_release(f);
    }
    ASSERT_EQ(cymade_pool_shutdown(pool_, true, false), CYMADE_OK); // a leaked background count would hang here
    EXPECT_EQ(ran.load(), 0);
    EXPECT_EQ(normal_ran.load(), 3);
}

// A full ring whose growth fails: ENOMEM, nothing queued, earlier jobs run.
TEST_P(PoolTest, RingGrowthOutOfMemoryKeepsEarlierJobs) {
    if (GetParam() != kRings) {
        GTEST_SKIP() << "the mutex strategy has no rings to grow";
    }
    UseTestAllocator();
    Create(1, 2);
    BlockWorkers(1);
    std::vector<std::atomic<int>> runs(3);
    std::atomic<int> failed_ran{0};
    std::vector<cymade_future *> futures;
    for (int i = 0; i < 2; i++) { // fills the 2-cell ring
        futures.push_back(nullptr);
        ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &runs[i], &futures.back()), CYMADE_OK);
    }
    cymade_future *f = kSentinel;
    TestAllocator::FailAfter(1); // the future succeeds, the bigger ring fails
    EXPECT_EQ(cymade_pool_submit(pool_, CountJob, &failed_ran, &f), CYMADE_ENOMEM);
    TestAllocator::Succeed();
    EXPECT_EQ(f, kSentinel);
    cymade_pool_stats stats = Stats();
    EXPECT_EQ(stats.queued, 2u);
    EXPECT_EQ(stats.ring_grows, 0u);
    futures.push_back(nullptr);
    ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &runs[2], &futures.back()), CYMADE_OK);
    EXPECT_EQ(Stats().ring_grows, 1u);
    EXPECT_EQ(Stats().queued, 3u);
    gates_[0].Open();
    for (cymade_future *done : futures) {
        WaitDone(done);
        cymade_future_release(done);
    }
    ASSERT_EQ(cymade_pool_shutdown(pool_, true, false), CYMADE_OK);
    for (auto &r : runs) {
        EXPECT_EQ(r.load(), 1);
    }
    EXPECT_EQ(failed_ran.load(), 0);
}

// ---------------------------------------------------------------------------
// Fork
// ---------------------------------------------------------------------------

TEST_P(PoolTest, ForkChildGetsEforkedAndParentPoolKeepsWorking) {
    Create(2);
    std::atomic<int> ran{0};
    cymade_future *f = nullptr;
    ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &ran, &f), CYMADE_OK);
    WaitDone(f);
    cymade_future_release(f);
    cymade_pool *pool = pool_;
    const queue_strategy *strategy = GetParam();
    int code = cymade_test::RunInChild(
        [pool, strategy] {
            std::atomic<int> child_ran{0};
            cymade_future *child_future = kSentinel;
            if (cymade_pool_submit(pool, CountJob, &child_ran, &child_future) != CYMADE_EFORKED)
                return 10;
            if (child_future != kSentinel)
                return 11;
            if (cymade_pool_schedule(pool, -1, CountJob, &child_ran, nullptr) != CYMADE_EFORKED)
                return 12;
            if (cymade_pool_schedule(pool, 1, CountJob, &child_ran, nullptr) != CYMADE_EFORKED)
                return 13;
            cymade_pool_stats stats;
            if (cymade_pool_get_stats(pool, &stats, nullptr) != CYMADE_EFORKED)
                return 14;
            if (cymade_pool_shutdown(pool, true, true) != CYMADE_EFORKED)
                return 15;
            if (cymade_pool_destroy(pool) != CYMADE_EFORKED)
                return 16;
            // pool.h: create a new pool in the child; it works.  Not under
            // ThreadSanitizer: it kills a child of a multithreaded parent
            // that starts threads (die_after_fork, exit 66).
            if (CYMADE_TEST_TSAN)
                return 0;
            cymade_pool_options options;
            cymade_pool_options_init(&options, 2);
            cymade_pool *fresh = nullptr;
            if (pool_create_with_strategy(&fresh, &options, strategy) != CYMADE_OK)
                return 20;
            if (cymade_pool_submit(fresh, CountJob, &child_ran, &child_future) != CYMADE_OK)
                return 21;
            if (cymade_future_wait(child_future, kWaitLong) != CYMADE_OK)
                return 22;
            cymade_future_release(child_future);
            if (cymade_pool_destroy(fresh) != CYMADE_OK)
                return 23;
            return child_ran.load() == 1 ? 0 : 24;
        },
        std::chrono::seconds(20));
    EXPECT_EQ(code, 0) << "child exit code (-1: hung and was killed, 128+n: died of signal n)";
    ASSERT_EQ(cymade_pool_submit(pool_, CountJob, &ran, &f), CYMADE_OK);
    WaitDone(f);
    cymade_future_release(f);
    EXPECT_EQ(ran.load(), 2);
}

} // namespace
