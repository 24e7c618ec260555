#include "cymade/atomic.h"

#include <gtest/gtest.h>

TEST(AtomicU64, FetchAddReturnsOld) {
    cymade_atomic_u64 a;
    cymade_atomic_u64_init(&a, 41);
    EXPECT_EQ(cymade_atomic_u64_fetch_add(&a, 1, memory_order_relaxed), 41u);
    EXPECT_EQ(cymade_atomic_u64_load(&a, memory_order_relaxed), 42u);
}
