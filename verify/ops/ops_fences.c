/* Fences have no result to check single-threaded; what this pins down is
 * that both fences accept every order and leave surrounding accesses (the
 * program's own view of memory) intact.  Their ordering effect is the litmus
 * suite's job. */
#include "check.h"

#include "cymade/atomic.h"

#include <signal.h>

/* Written by the signal handler, read by the interrupted code: the case
 * atomic_signal_fence exists for. */
static volatile sig_atomic_t handler_saw_value;
static cymade_atomic_u64 signal_shared;

static void record_shared_value(int signal_number) {
    (void)signal_number;
    /* Relaxed: the handler runs on the same thread, so the signal fence
     * before raise() is all the ordering needed. */
    handler_saw_value = (sig_atomic_t)cymade_atomic_u64_load(&signal_shared, memory_order_relaxed);
}

void ops_test_fences(void) {
    cymade_atomic_u64 a;
    cymade_atomic_u64_init(&a, 0);
    for (size_t i = 0; i < OPS_FENCE_ORDER_COUNT; i++) {
        memory_order order = OPS_FENCE_ORDERS[i];
        ops_context("thread_fence order=%s", memory_order_name(order));
        cymade_atomic_u64_store(&a, i + 1, memory_order_relaxed);
        cymade_atomic_thread_fence(order);
        CHECK(cymade_atomic_u64_load(&a, memory_order_relaxed) == i + 1);

        ops_context("signal_fence order=%s", memory_order_name(order));
        cymade_atomic_u64_store(&a, i + 100, memory_order_relaxed);
        cymade_atomic_signal_fence(order);
        CHECK(cymade_atomic_u64_load(&a, memory_order_relaxed) == i + 100);
    }

    ops_context("signal_fence before raise");
    void (*previous_handler)(int) = signal(SIGUSR1, record_shared_value);
    CHECK(previous_handler != SIG_ERR);
    cymade_atomic_u64_init(&signal_shared, 0);
    cymade_atomic_u64_store(&signal_shared, 42, memory_order_relaxed);
    cymade_atomic_signal_fence(memory_order_release);
    CHECK(raise(SIGUSR1) == 0);
    cymade_atomic_signal_fence(memory_order_acquire);
    CHECK(handler_saw_value == 42);
    /* Only != SIG_ERR: ISO C lets delivery reset the handler to SIG_DFL. */
    CHECK(signal(SIGUSR1, previous_handler) != SIG_ERR);
}
