#include "eventcount.h"

#include "futex.h"

#define EPOCH_MASK UINT64_C(0xffffffff)
#define WAITER_ONE (UINT64_C(1) << 32)
#define WAITER_MASK (UINT64_C(0xffff) << 32)
#define SEARCHER_ONE (UINT64_C(1) << 48)
#define SEARCHER_MASK (UINT64_C(0xffff) << 48)

void eventcount_init(eventcount *ec) {
    cymade_atomic_u64_init(&ec->state, 0);
}

uint32_t eventcount_prepare_wait(eventcount *ec) {
    /* seq_cst: the announcement must be ordered before the condition re-check
     * (the fence below) against the notifier's fence; see eventcount.h. */
    uint64_t previous = cymade_atomic_u64_fetch_add(&ec->state, WAITER_ONE, memory_order_seq_cst);
    cymade_atomic_thread_fence(memory_order_seq_cst);
    return (uint32_t)(previous & EPOCH_MASK);
}

void eventcount_cancel_wait(eventcount *ec) {
    /* relaxed: withdrawing only makes notifiers skip a syscall. */
    cymade_atomic_u64_fetch_sub(&ec->state, WAITER_ONE, memory_order_relaxed);
}

void eventcount_wait(eventcount *ec, uint32_t key, const struct timespec *deadline) {
    /* The kernel compares the epoch atomically with queueing us, so a notify
     * that bumped it after our prepare makes this return at once. */
    futex_wait_low32(&ec->state, key, deadline);
    eventcount_cancel_wait(ec);
}

/* Bumps the epoch (without carrying into the counts) and wakes `count`. */
static void wake(eventcount *ec, uint64_t state, int count) {
    uint64_t next;
    do {
        next = (state & ~EPOCH_MASK) | ((state + 1) & EPOCH_MASK);
        /* release: a woken waiter that re-reads the epoch sees our condition. */
    } while (
        !cymade_atomic_u64_compare_exchange_weak(&ec->state, &state, next, memory_order_release, memory_order_relaxed));
    futex_wake(&ec->state, count);
}

/* The notifier's side of the handshake: the caller's condition store, a
 * seq_cst fence (pairs with the fence in prepare_wait), then this load. */
static uint64_t load_after_fence(eventcount *ec) {
    cymade_atomic_thread_fence(memory_order_seq_cst);
    /* relaxed: the fence above provides the ordering. */
    return cymade_atomic_u64_load(&ec->state, memory_order_relaxed);
}

void eventcount_notify(eventcount *ec, int count) {
    uint64_t state = load_after_fence(ec);
    if ((state & WAITER_MASK) != 0) {
        wake(ec, state, count);
    }
}

void eventcount_notify_idle(eventcount *ec) {
    /* seq_cst: ordered after the caller's seq_cst RMW (see eventcount.h). */
    uint64_t state = cymade_atomic_u64_load(&ec->state, memory_order_seq_cst);
    if ((state & WAITER_MASK) != 0 && (state & SEARCHER_MASK) == 0) {
        wake(ec, state, 1);
    }
}

void eventcount_search_begin(eventcount *ec) {
    /* relaxed: becoming a searcher only lets notifiers skip a wake-up, which
     * is safe because a searcher re-checks before it can sleep. */
    cymade_atomic_u64_fetch_add(&ec->state, SEARCHER_ONE, memory_order_relaxed);
}

void eventcount_search_end(eventcount *ec, bool found) {
    /* seq_cst: the withdrawal must precede the caller's re-check (the
     * fence in prepare_wait) in the store-buffering handshake. */
    uint64_t state = cymade_atomic_u64_fetch_sub(&ec->state, SEARCHER_ONE, memory_order_seq_cst) - SEARCHER_ONE;
    if (found && (state & WAITER_MASK) != 0 && (state & SEARCHER_MASK) == 0) {
        wake(ec, state, 1);
    }
}
