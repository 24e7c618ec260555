// Unit tests of the internal job heap (core/src/job_heap.h): ordering by
// (priority, sequence) and out-of-memory behaviour.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "test_support.h"

#include "cymade/future.h"
extern "C" {
#include "cymade/internal/job_heap.h"
}

namespace {

int NoJob(void *, void **) {
    return 0;
}

std::vector<cymade_future> MakeFutures(size_t n) {
    std::vector<cymade_future> futures(n);
    for (auto &f : futures) {
        cymade_future_init(&f, NoJob, nullptr, nullptr);
    }
    return futures;
}

TEST(JobHeap, EmptyHeapPeeksAndPopsNull) {
    job_heap heap;
    job_heap_init(&heap);
    EXPECT_EQ(job_heap_peek(&heap), nullptr);
    EXPECT_EQ(job_heap_pop(&heap), nullptr);
    EXPECT_EQ(heap.size, 0u);
    job_heap_destroy(&heap);
}

TEST(JobHeap, OrdersByPriorityThenSequence) {
    auto futures = MakeFutures(6);
    // (priority, sequence) pushed out of order; expected pop order by index.
    const int64_t priorities[] = {5, -3, 5, 0, -3, -10};
    const uint64_t sequences[] = {4, 7, 2, 1, 3, 9};
    job_heap heap;
    job_heap_init(&heap);
    for (size_t i = 0; i < futures.size(); i++) {
        futures[i].priority = priorities[i];
        futures[i].sequence = sequences[i];
        ASSERT_EQ(job_heap_push(&heap, &futures[i]), CYMADE_OK);
    }
    EXPECT_EQ(job_heap_peek(&heap), &futures[5]);
    const size_t expected[] = {5, 4, 1, 3, 2, 0};
    for (size_t index : expected) {
        EXPECT_EQ(job_heap_peek(&heap), &futures[index]);
        EXPECT_EQ(job_heap_pop(&heap), &futures[index]);
    }
    EXPECT_EQ(job_heap_pop(&heap), nullptr);
    job_heap_destroy(&heap);
}

TEST(JobHeap, RandomisedMatchesSort) {
    constexpr size_t kJobs = 1000; // several capacity doublings
    auto futures = MakeFutures(kJobs);
    std::mt19937_64 random(42);
    job_heap heap;
    job_heap_init(&heap);
    std::vector<cymade_future *> sorted;
    for (size_t i = 0; i < kJobs; i++) {
        futures[i].priority = (int64_t)(random() % 21) - 10;
        futures[i].sequence = i;
        sorted.push_back(&futures[i]);
    }
    std::shuffle(sorted.begin(), sorted.end(), random);
    for (cymade_future *f : sorted) {
        ASSERT_EQ(job_heap_push(&heap, f), CYMADE_OK);
    }
    std::sort(sorted.begin(), sorted.end(), [](const cymade_future *a, const cymade_future *b) {
        return a->priority != b->priority ? a->priority < b->priority : a->sequence < b->sequence;
    });
    for (cymade_future *f : sorted) {
        ASSERT_EQ(job_heap_pop(&heap), f);
    }
    EXPECT_EQ(heap.size, 0u);
    job_heap_destroy(&heap);
}

TEST(JobHeap, FirstPushOutOfMemoryLeavesHeapEmpty) {
    cymade_test::ScopedTestAllocator allocator;
    auto futures = MakeFutures(1);
    job_heap heap;
    job_heap_init(&heap);
    cymade_test::TestAllocator::FailAfter(0);
    EXPECT_EQ(job_heap_push(&heap, &futures[0]), CYMADE_ENOMEM);
    EXPECT_EQ(heap.size, 0u);
    EXPECT_EQ(job_heap_peek(&heap), nullptr);
    cymade_test::TestAllocator::Succeed();
    EXPECT_EQ(job_heap_push(&heap, &futures[0]), CYMADE_OK);
    EXPECT_EQ(job_heap_pop(&heap), &futures[0]);
    job_heap_destroy(&heap);
}

TEST(JobHeap, GrowthOutOfMemoryLeavesHeapUnchanged) {
    cymade_test::ScopedTestAllocator allocator;
    auto futures = MakeFutures(64);
    job_heap heap;
    job_heap_init(&heap);
    size_t pushed = 0;
    // Fill to the first capacity, then make the doubling fail.
    ASSERT_EQ(job_heap_push(&heap, &futures[pushed]), CYMADE_OK);
    pushed++;
    while (heap.size < heap.capacity) {
        futures[pushed].priority = -(int64_t)pushed;
        futures[pushed].sequence = pushed;
        ASSERT_EQ(job_heap_push(&heap, &futures[pushed]), CYMADE_OK);
        pushed++;
    }
    size_t capacity = heap.capacity;
    cymade_test::TestAllocator::FailAfter(0);
    futures[pushed].priority = -1000; // would become the minimum
    EXPECT_EQ(job_heap_push(&heap, &futures[pushed]), CYMADE_ENOMEM);
    EXPECT_EQ(heap.size, pushed);
    EXPECT_EQ(heap.capacity, capacity);
    EXPECT_EQ(job_heap_peek(&heap), &futures[pushed - 1]) << "the failed job must not be in the heap";
    cymade_test::TestAllocator::Succeed();
    // Everything already queued still pops, in order.
    for (size_t i = pushed; i-- > 0;) {
        ASSERT_EQ(job_heap_pop(&heap), &futures[i]);
    }
    EXPECT_EQ(job_heap_pop(&heap), nullptr);
    job_heap_destroy(&heap);
}

} // namespace
