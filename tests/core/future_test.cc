// Unit tests of cymade/future.h: the state machine, waits with timeouts,
// done-callbacks, reference counting and embedder-allocated futures.  The
// engine's side of the state machine (start/complete) comes from
// future_internal.h, so no pool is needed.
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <thread>
#include <vector>

#include "test_support.h"

#include "cymade/future.h"
extern "C" {
#include "cymade/internal/future_internal.h"
}

namespace {

using cymade_test::kMs;

int NoJob(void *, void **) {
    return 0;
}

std::atomic<int> g_freed{0};
void CountFree(cymade_future *) {
    g_freed.fetch_add(1);
}

class FutureTest : public ::testing::Test {
  protected:
    void SetUp() override {
        g_freed.store(0);
        cymade_future_init(&future_, NoJob, this, CountFree);
    }
    void TearDown() override {
        // Tests that release the caller's reference set released_.
        if (!released_) {
            cymade_future_release(&future_);
        }
        EXPECT_EQ(g_freed.load(), 1) << "free_fn must run exactly once, at the last release";
    }
    uint32_t Waiters() {
        return (uint32_t)(cymade_atomic_u64_load(&future_.state, memory_order_acquire) >> 32);
    }

    cymade_future future_;
    bool released_ = false;
};

TEST_F(FutureTest, InitIsPendingWithOneReference) {
    EXPECT_EQ(cymade_future_get_state(&future_), CYMADE_FUTURE_PENDING);
    EXPECT_EQ(cymade_atomic_u64_load(&future_.references, memory_order_relaxed), 1u);
    EXPECT_EQ(future_.job, &NoJob);
    EXPECT_EQ(future_.job_arg, this);
    EXPECT_EQ(cymade_future_result(&future_), nullptr);
    EXPECT_EQ(cymade_future_status(&future_), 0);
}

TEST_F(FutureTest, RetainReleaseFreesOnlyAtLastRelease) {
    cymade_future_retain(&future_);
    cymade_future_retain(&future_);
    cymade_future_release(&future_);
    cymade_future_release(&future_);
    EXPECT_EQ(g_freed.load(), 0);
    cymade_future_release(&future_);
    EXPECT_EQ(g_freed.load(), 1);
    released_ = true;
}

TEST_F(FutureTest, StartThenCompleteDeliversResultAndStatus) {
    int payload = 0;
    ASSERT_TRUE(future_start(&future_));
    EXPECT_EQ(cymade_future_get_state(&future_), CYMADE_FUTURE_RUNNING);
    EXPECT_FALSE(future_start(&future_)) << "RUNNING cannot start again";
    future_complete(&future_, &payload, 42);
    EXPECT_EQ(cymade_future_get_state(&future_), CYMADE_FUTURE_DONE);
    EXPECT_EQ(cymade_future_result(&future_), &payload);
    EXPECT_EQ(cymade_future_status(&future_), 42);
    EXPECT_FALSE(future_start(&future_)) << "DONE is final";
}

TEST_F(FutureTest, CancelSucceedsOnlyWhilePending) {
    EXPECT_TRUE(cymade_future_cancel(&future_));
    EXPECT_EQ(cymade_future_get_state(&future_), CYMADE_FUTURE_CANCELLED);
    EXPECT_FALSE(cymade_future_cancel(&future_)) << "a second cancel must report false";
    EXPECT_FALSE(future_start(&future_)) << "a cancelled job must never start";
    EXPECT_EQ(cymade_future_get_state(&future_), CYMADE_FUTURE_CANCELLED);
}

TEST_F(FutureTest, IsFinalOnlyWhenDoneOrCancelled) {
    EXPECT_FALSE(cymade_future_is_final(&future_)) << "PENDING";
    ASSERT_TRUE(future_start(&future_));
    EXPECT_FALSE(cymade_future_is_final(&future_)) << "RUNNING";
    future_complete(&future_, nullptr, 0);
    EXPECT_TRUE(cymade_future_is_final(&future_)) << "DONE";
}

TEST_F(FutureTest, IsFinalOnceCancelled) {
    ASSERT_TRUE(cymade_future_cancel(&future_));
    EXPECT_TRUE(cymade_future_is_final(&future_));
}

TEST_F(FutureTest, CancelFailsWhileRunningAndWhenDone) {
    ASSERT_TRUE(future_start(&future_));
    EXPECT_FALSE(cymade_future_cancel(&future_));
    EXPECT_EQ(cymade_future_get_state(&future_), CYMADE_FUTURE_RUNNING);
    future_complete(&future_, nullptr, 0);
    EXPECT_FALSE(cymade_future_cancel(&future_));
    EXPECT_EQ(cymade_future_get_state(&future_), CYMADE_FUTURE_DONE);
}

TEST_F(FutureTest, WaitTimesOutOnPendingAndRunning) {
    EXPECT_EQ(cymade_future_wait(&future_, 0), CYMADE_ETIMEDOUT);
    uint64_t start = monotonic_clock_ns();
    EXPECT_EQ(cymade_future_wait(&future_, 20 * kMs), CYMADE_ETIMEDOUT);
    EXPECT_GE(monotonic_clock_ns() - start, 20 * kMs) << "the timeout must not expire early";
    ASSERT_TRUE(future_start(&future_));
    EXPECT_EQ(cymade_future_wait(&future_, 5 * kMs), CYMADE_ETIMEDOUT);
    EXPECT_EQ(Waiters(), 0u) << "a timed-out waiter must withdraw its announcement";
    future_complete(&future_, nullptr, 0);
}

TEST_F(FutureTest, WaitReturnsAtOnceWhenFinal) {
    ASSERT_TRUE(cymade_future_cancel(&future_));
    EXPECT_EQ(cymade_future_wait(&future_, 0), CYMADE_OK);
    EXPECT_EQ(cymade_future_wait(&future_, -1), CYMADE_OK);

    cymade_future done;
    cymade_future_init(&done, NoJob, nullptr, CountFree);
    ASSERT_TRUE(future_start(&done));
    future_complete(&done, nullptr, 0);
    EXPECT_EQ(cymade_future_wait(&done, 0), CYMADE_OK);
    EXPECT_EQ(cymade_future_wait(&done, -1), CYMADE_OK);
    cymade_future_release(&done);
    EXPECT_EQ(g_freed.load(), 1);
    g_freed.store(0);
}

TEST_F(FutureTest, CompletionWakesEverySleepingWaiter) {
    constexpr int kWaiters = 3;
    int payload = 0;
    std::atomic<int> woke{0};
    std::vector<std::thread> waiters;
    for (int i = 0; i < kWaiters; i++) {
        waiters.emplace_back([&, i] {
            // Half wait forever, half with a long timeout.
            int rc = cymade_future_wait(&future_, i % 2 ? cymade_test::kWaitLong : -1);
            EXPECT_EQ(rc, CYMADE_OK);
            EXPECT_EQ(cymade_future_result(&future_), &payload);
            EXPECT_EQ(payload, 7) << "the job's writes must be visible after wait";
            woke.fetch_add(1);
        });
    }
    // The waiter count in the state word's high half tells us they announced.
    uint64_t deadline = monotonic_clock_ns() + 10000 * kMs;
    while (Waiters() < kWaiters && monotonic_clock_ns() < deadline) {
        std::this_thread::yield();
    }
    ASSERT_EQ(Waiters(), (uint32_t)kWaiters);
    std::this_thread::sleep_for(std::chrono::milliseconds(10)); // let them reach the futex
    EXPECT_EQ(woke.load(), 0);
    ASSERT_TRUE(future_start(&future_));
    payload = 7;
    future_complete(&future_, &payload, 0);
    for (auto &t : waiters) {
        t.join();
    }
    EXPECT_EQ(woke.load(), kWaiters);
    EXPECT_EQ(Waiters(), 0u);
}

TEST_F(FutureTest, CancelWakesWaiters) {
    std::thread waiter([&] { EXPECT_EQ(cymade_future_wait(&future_, -1), CYMADE_OK); });
    while (Waiters() < 1) {
        std::this_thread::yield();
    }
    ASSERT_TRUE(cymade_future_cancel(&future_));
    waiter.join();
}

void OnSignal(int) {}

TEST_F(FutureTest, WaitInterruptedBySignalReturnsEintr) {
    if (CYMADE_TEST_TSAN) {
        GTEST_SKIP() << "ThreadSanitizer defers signal delivery out of raw futex syscalls";
    }
    struct sigaction action = {}, previous = {};
    action.sa_handler = OnSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; // no SA_RESTART
    ASSERT_EQ(sigaction(SIGUSR1, &action, &previous), 0);
    std::atomic<int> rc{1};
    std::atomic<bool> returned{false};
    pthread_t handle;
    std::thread waiter([&] {
        handle = pthread_self();
        rc.store(cymade_future_wait(&future_, cymade_test::kWaitLong));
        returned.store(true);
    });
    while (Waiters() < 1) {
        std::this_thread::yield();
    }
    uint64_t deadline = monotonic_clock_ns() + 5000 * kMs;
    while (!returned.load() && monotonic_clock_ns() < deadline) {
        pthread_kill(waiter.native_handle(), SIGUSR1);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    waiter.join();
    (void)handle;
    EXPECT_EQ(rc.load(), CYMADE_EINTR);
    EXPECT_EQ(cymade_future_get_state(&future_), CYMADE_FUTURE_PENDING);
    sigaction(SIGUSR1, &previous, nullptr);
}

struct CallbackLog {
    std::mutex mutex;
    std::vector<int> order;
    std::vector<std::thread::id> threads;
};

struct CallbackArg {
    CallbackLog *log;
    int id;
};

void RecordCallback(cymade_future *, void *arg) {
    auto *a = static_cast<CallbackArg *>(arg);
    std::lock_guard<std::mutex> lock(a->log->mutex);
    a->log->order.push_back(a->id);
    a->log->threads.push_back(std::this_thread::get_id());
}

TEST_F(FutureTest, CallbacksRunOnceInRegistrationOrderOnCompletingThread) {
    CallbackLog log;
    std::vector<CallbackArg> args;
    for (int i = 0; i < 5; i++) {
        args.push_back({&log, i});
    }
    for (auto &a : args) {
        ASSERT_EQ(cymade_future_add_done_callback(&future_, RecordCallback, &a), CYMADE_OK);
    }
    EXPECT_TRUE(log.order.empty()) << "callbacks must wait for completion";
    std::thread::id completer;
    std::thread([&] {
        completer = std::this_thread::get_id();
        ASSERT_TRUE(future_start(&future_));
        future_complete(&future_, nullptr, 0);
    }).join();
    ASSERT_EQ(log.order, (std::vector<int>{0, 1, 2, 3, 4}));
    for (auto id : log.threads) {
        EXPECT_EQ(id, completer);
    }
    // Nothing runs a second time: neither a late wait nor release.
    EXPECT_EQ(cymade_future_wait(&future_, 0), CYMADE_OK);
    EXPECT_EQ(log.order.size(), 5u);
}

TEST_F(FutureTest, CallbackAddedAfterCompletionRunsAtOnceOnAddingThread) {
    ASSERT_TRUE(future_start(&future_));
    future_complete(&future_, nullptr, 0);
    CallbackLog log;
    CallbackArg a{&log, 9};
    ASSERT_EQ(cymade_future_add_done_callback(&future_, RecordCallback, &a), CYMADE_OK);
    ASSERT_EQ(log.order, std::vector<int>{9});
    EXPECT_EQ(log.threads[0], std::this_thread::get_id());
}

TEST_F(FutureTest, CallbacksRunOnCancelOnCancellingThread) {
    CallbackLog log;
    CallbackArg before{&log, 1}, after{&log, 2};
    ASSERT_EQ(cymade_future_add_done_callback(&future_, RecordCallback, &before), CYMADE_OK);
    std::thread::id canceller;
    std::thread([&] {
        canceller = std::this_thread::get_id();
        EXPECT_TRUE(cymade_future_cancel(&future_));
    }).join();
    ASSERT_EQ(cymade_future_add_done_callback(&future_, RecordCallback, &after), CYMADE_OK);
    ASSERT_EQ(log.order, (std::vector<int>{1, 2}));
    EXPECT_EQ(log.threads[0], canceller);
    EXPECT_EQ(log.threads[1], std::this_thread::get_id());
}

TEST_F(FutureTest, AddDoneCallbackRejectsNull) {
    EXPECT_EQ(cymade_future_add_done_callback(nullptr, RecordCallback, nullptr), CYMADE_EINVAL);
    EXPECT_EQ(cymade_future_add_done_callback(&future_, nullptr, nullptr), CYMADE_EINVAL);
}

TEST_F(FutureTest, AddDoneCallbackOutOfMemoryRegistersNothing) {
    CallbackLog log;
    CallbackArg a{&log, 1};
    {
        cymade_test::ScopedTestAllocator allocator;
        cymade_test::TestAllocator::FailAfter(0);
        EXPECT_EQ(cymade_future_add_done_callback(&future_, RecordCallback, &a), CYMADE_ENOMEM);
    }
    ASSERT_TRUE(future_start(&future_));
    future_complete(&future_, nullptr, 0);
    EXPECT_TRUE(log.order.empty()) << "a callback whose registration failed must never run";
}

TEST_F(FutureTest, ReleaseOfNeverCompletedFutureDropsCallbacksUnrun) {
    CallbackLog log;
    CallbackArg a{&log, 1}, b{&log, 2};
    ASSERT_EQ(cymade_future_add_done_callback(&future_, RecordCallback, &a), CYMADE_OK);
    ASSERT_EQ(cymade_future_add_done_callback(&future_, RecordCallback, &b), CYMADE_OK);
    cymade_future_release(&future_); // LeakSanitizer checks the nodes are freed
    released_ = true;
    EXPECT_TRUE(log.order.empty());
}

// Adders race the completer: each callback runs exactly once, whether it was
// queued before the seal or ran at once after it.
TEST_F(FutureTest, ConcurrentAddersAndCompleterRunEachCallbackOnce) {
    constexpr int kThreads = 3, kPerThread = 300;
    std::vector<std::atomic<int>> runs(kThreads * kPerThread);
    auto count = [](cymade_future *, void *arg) { static_cast<std::atomic<int> *>(arg)->fetch_add(1); };
    std::atomic<bool> go{false};
    std::vector<std::thread> adders;
    for (int t = 0; t < kThreads; t++) {
        adders.emplace_back([&, t] {
            while (!go.load()) {
            }
            for (int i = 0; i < kPerThread; i++) {
                ASSERT_EQ(cymade_future_add_done_callback(&future_, count, &runs[t * kPerThread + i]), CYMADE_OK);
            }
        });
    }
    go.store(true);
    ASSERT_TRUE(future_start(&future_));
    future_complete(&future_, nullptr, 0);
    for (auto &t : adders) {
        t.join();
    }
    for (size_t i = 0; i < runs.size(); i++) {
        ASSERT_EQ(runs[i].load(), 1) << "callback " << i;
    }
}

TEST(FutureCreate, AllocatedFutureIsPendingAndFreedThroughAllocator) {
    cymade_test::ScopedTestAllocator allocator;
    cymade_future *f = future_create(NoJob, nullptr);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(cymade_future_get_state(f), CYMADE_FUTURE_PENDING);
    EXPECT_EQ(cymade_test::TestAllocator::allocations.load(), 1);
    cymade_future_release(f);
}

TEST(FutureCreate, OutOfMemoryReturnsNull) {
    cymade_test::ScopedTestAllocator allocator;
    cymade_test::TestAllocator::FailAfter(0);
    EXPECT_EQ(future_create(NoJob, nullptr), nullptr);
}

} // namespace
