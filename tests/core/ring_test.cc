// Unit tests of the internal Vyukov ring (core/src/ring.h): capacities, FIFO,
// full, close, drained, wrap-around and concurrent exactly-once delivery.
#include <gtest/gtest.h>

#include <cstdint>
#include <thread>
#include <vector>

#include "test_support.h"

// The internal headers are C11: give them C++ spellings and C linkage.
#define _Alignas(x) alignas(x)
#include "cymade/atomic.h"
#ifndef CYMADE_RCU_RWLOCK
#include <urcu/urcu-bp.h>
#endif
extern "C" {
#include "cymade/internal/ring.h"
}
#undef _Alignas

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

// Rings carry two-word queued_jobs; tests tag them through `arg`.
queued_job Item(uintptr_t v) {
    return queued_job{nullptr, reinterpret_cast<void *>(v)};
}
uintptr_t Tag(const queued_job &job) {
    return reinterpret_cast<uintptr_t>(job.arg);
}

struct RingDeleter {
    void operator()(ring *r) const {
        ring_free(r);
    }
};
using RingPtr = std::unique_ptr<ring, RingDeleter>;

TEST(Ring, CreateRejectsBadCapacities) {
    for (size_t capacity : {size_t{0}, size_t{1}, size_t{3}, size_t{6}, size_t{1000}, SIZE_MAX}) {
        EXPECT_EQ(ring_create(capacity), nullptr) << "capacity " << capacity;
    }
}

TEST(Ring, CreateAcceptsPowersOfTwo) {
    for (size_t capacity : {size_t{2}, size_t{4}, size_t{64}, size_t{1024}}) {
        RingPtr r(ring_create(capacity));
        ASSERT_NE(r, nullptr);
        EXPECT_EQ(ring_capacity(r.get()), capacity);
        EXPECT_EQ(ring_size(r.get()), 0u);
        EXPECT_FALSE(ring_is_closed(r.get()));
    }
}

// Regression (fixed in 25892a5): ring_create computed sizeof(ring) +
// capacity * sizeof(ring_cell) without an overflow check; with 24-byte cells a
// capacity of 2**61 or more wrapped to sizeof(ring) and the init loop wrote
// far past the block (SIGSEGV).  Runs in a child so a crash fails only this
// test.
TEST(Ring, CreateHugeCapacityFailsCleanly) {
    int code = cymade_test::RunInChild(
        [] {
            for (int bits = 58; bits <= 63; bits++) {
                if (ring_create(size_t{1} << bits) != nullptr) {
                    return bits;
                }
            }
            return 0;
        },
        std::chrono::seconds(20));
    EXPECT_EQ(code, 0) << "exit n < 64: ring_create(2**n) returned a ring; 128+n: died of signal n";
}

TEST(Ring, CreateFailsWhenOutOfMemory) {
    cymade_test::ScopedTestAllocator allocator;
    cymade_test::TestAllocator::FailAfter(0);
    EXPECT_EQ(ring_create(8), nullptr);
    EXPECT_EQ(cymade_test::TestAllocator::failures.load(), 1);
}

TEST(Ring, FifoUntilFullThenEmpty) {
    RingPtr r(ring_create(8));
    ASSERT_NE(r, nullptr);
    queued_job out = Item(999);
    EXPECT_EQ(ring_try_pop(r.get(), &out), -1);
    EXPECT_EQ(Tag(out), 999u) << "a failed pop must not write *job";
    for (uintptr_t i = 1; i <= 8; i++) {
        ASSERT_EQ(ring_try_push(r.get(), Item(i)), RING_PUSHED);
        EXPECT_EQ(ring_size(r.get()), i);
    }
    EXPECT_EQ(ring_try_push(r.get(), Item(9)), RING_FULL);
    EXPECT_EQ(ring_size(r.get()), 8u);
    for (uintptr_t i = 1; i <= 8; i++) {
        ASSERT_EQ(ring_try_pop(r.get(), &out), 0);
        EXPECT_EQ(Tag(out), (uintptr_t)i);
    }
    EXPECT_EQ(ring_try_pop(r.get(), &out), -1);
    EXPECT_EQ(ring_size(r.get()), 0u);
}

TEST(Ring, NullItemsAreItems) {
    RingPtr r(ring_create(2));
    ASSERT_NE(r, nullptr);
    ASSERT_EQ(ring_try_push(r.get(), queued_job{nullptr, nullptr}), RING_PUSHED);
    ASSERT_EQ(ring_try_push(r.get(), Item(7)), RING_PUSHED);
    queued_job out = Item(1);
    ASSERT_EQ(ring_try_pop(r.get(), &out), 0);
    EXPECT_EQ(Tag(out), 0u);
    EXPECT_EQ(out.fn, nullptr);
    ASSERT_EQ(ring_try_pop(r.get(), &out), 0);
    EXPECT_EQ(Tag(out), (uintptr_t)7);
    EXPECT_EQ(ring_try_pop(r.get(), &out), -1);
}

TEST(Ring, CloseFailsPushesButDrains) {
    RingPtr r(ring_create(4));
    ASSERT_NE(r, nullptr);
    ASSERT_EQ(ring_try_push(r.get(), Item(1)), RING_PUSHED);
    ASSERT_EQ(ring_try_push(r.get(), Item(2)), RING_PUSHED);
    EXPECT_FALSE(ring_is_drained(r.get())) << "open ring is never drained";
    ring_close(r.get());
    EXPECT_TRUE(ring_is_closed(r.get()));
    ring_close(r.get()); // idempotent
    EXPECT_TRUE(ring_is_closed(r.get()));
    EXPECT_EQ(ring_try_push(r.get(), Item(3)), RING_CLOSED);
    EXPECT_EQ(ring_size(r.get()), 2u) << "the closed bit must not count as items";
    EXPECT_FALSE(ring_is_drained(r.get()));
    queued_job out = Item(0);
    ASSERT_EQ(ring_try_pop(r.get(), &out), 0);
    EXPECT_EQ(Tag(out), (uintptr_t)1);
    EXPECT_FALSE(ring_is_drained(r.get()));
    ASSERT_EQ(ring_try_pop(r.get(), &out), 0);
    EXPECT_EQ(Tag(out), (uintptr_t)2);
    EXPECT_TRUE(ring_is_drained(r.get()));
    EXPECT_EQ(ring_try_pop(r.get(), &out), -1);
    EXPECT_EQ(ring_try_push(r.get(), Item(4)), RING_CLOSED);
}

TEST(Ring, FullRingThatIsClosedReportsClosed) {
    RingPtr r(ring_create(2));
    ASSERT_NE(r, nullptr);
    ASSERT_EQ(ring_try_push(r.get(), Item(1)), RING_PUSHED);
    ASSERT_EQ(ring_try_push(r.get(), Item(2)), RING_PUSHED);
    ring_close(r.get());
    EXPECT_EQ(ring_try_push(r.get(), Item(3)), RING_CLOSED);
}

TEST(Ring, EmptyClosedRingIsDrained) {
    RingPtr r(ring_create(2));
    ASSERT_NE(r, nullptr);
    EXPECT_FALSE(ring_is_drained(r.get()));
    ring_close(r.get());
    EXPECT_TRUE(ring_is_drained(r.get()));
}

TEST(Ring, WrapsAroundOverManyLaps) {
    RingPtr r(ring_create(4));
    ASSERT_NE(r, nullptr);
    uintptr_t next_push = 1, next_pop = 1;
    // Varying fill levels so the positions cross every cell in every state.
    for (int lap = 0; lap < 50000; lap++) {
        int fill = 1 + lap % 4;
        for (int i = 0; i < fill; i++) {
            ASSERT_EQ(ring_try_push(r.get(), Item(next_push++)), RING_PUSHED);
        }
        if (fill == 4) {
            ASSERT_EQ(ring_try_push(r.get(), Item(0)), RING_FULL);
        }
        for (int i = 0; i < fill; i++) {
            queued_job out = Item(0);
            ASSERT_EQ(ring_try_pop(r.get(), &out), 0);
            ASSERT_EQ(Tag(out), next_pop++);
        }
    }
    EXPECT_EQ(ring_size(r.get()), 0u);
    ring_close(r.get());
    EXPECT_TRUE(ring_is_drained(r.get()));
}

// Two producers and two consumers through a small ring: every item arrives
// exactly once, and each producer's items arrive in its push order.
TEST(Ring, ConcurrentProducersAndConsumersDeliverExactlyOnce) {
    constexpr uintptr_t kPerProducer = 20000;
    RingPtr r(ring_create(16));
    ASSERT_NE(r, nullptr);
    std::vector<std::atomic<int>> seen(2 * kPerProducer);
    std::atomic<uintptr_t> consumed{0};
    std::atomic<bool> order_ok{true};
    auto produce = [&](uintptr_t base) {
        for (uintptr_t i = 0; i < kPerProducer; i++) {
            while (ring_try_push(r.get(), Item(base + i + 1)) != RING_PUSHED) {
                std::this_thread::yield();
            }
        }
    };
    auto consume = [&] {
        uintptr_t last[2] = {0, 0};
        while (consumed.load() < 2 * kPerProducer) {
            queued_job out = Item(0);
            if (ring_try_pop(r.get(), &out) != 0) {
                std::this_thread::yield();
                continue;
            }
            uintptr_t v = Tag(out) - 1;
            seen[v].fetch_add(1);
            uintptr_t producer = v / kPerProducer;
            if (v < last[producer]) {
                order_ok.store(false);
            }
            last[producer] = v;
            consumed.fetch_add(1);
        }
    };
    std::thread p1(produce, 0), p2(produce, kPerProducer), c1(consume), c2(consume);
    p1.join();
    p2.join();
    c1.join();
    c2.join();
    EXPECT_TRUE(order_ok.load()) << "a consumer saw one producer's items out of order";
    for (size_t i = 0; i < seen.size(); i++) {
        ASSERT_EQ(seen[i].load(), 1) << "item " << i;
    }
}

} // namespace
