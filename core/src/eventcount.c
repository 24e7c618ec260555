#include "eventcount.h"

#include "futex.h"

#define WAITER_ONE (UINT64_C(1) << 32)
#define EPOCH_MASK UINT64_C(0xffffffff)

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

void eventcount_notify(eventcount *ec, int count) {
    /* seq_cst fence: orders the caller's condition store before the waiter
     * load (store-buffering; pairs with the fence in prepare_wait). */
    cymade_atomic_thread_fence(memory_order_seq_cst);
    /* relaxed: the fence above provides the ordering. */
    uint64_t state = cymade_atomic_u64_load(&ec->state, memory_order_relaxed);
    if ((state >> 32) == 0) {
        return;
    }
    /* Bump the epoch without carrying into the waiter count. */
    uint64_t next;
    do {
        next = (state & ~EPOCH_MASK) | ((state + 1) & EPOCH_MASK);
        /* release: a woken waiter that re-reads the epoch sees our condition. */
    } while (!cymade_atomic_u64_compare_exchange_weak(&ec->state, &state, next, memory_order_release,
                                                      memory_order_relaxed));
    futex_wake(&ec->state, count);
}
