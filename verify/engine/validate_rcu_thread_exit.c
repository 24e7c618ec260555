/*
 * validate_rcu_thread_exit - a read-side section entered from a thread-exit
 * destructor, after liburcu-bp has released the thread's registry entry,
 * still holds back grace periods.
 *
 * rcu.c's production read side caches the thread's liburcu-bp entry; liburcu
 * releases that entry in its own thread-exit destructor, and code that runs
 * in a later destructor (a submit from a thread-local's destructor) must not
 * mark the released entry, which grace periods no longer look at.  Each round
 * starts a thread that uses RCU, then, from its destructor, enters a section
 * and keeps it open while another thread runs cymade_rcu_synchronize: that
 * call must not return before the section ends.
 *
 * glibc runs destructors in the order the keys were created, and liburcu
 * creates its key at its first registration, before this test's; the
 * destructor still waits for liburcu's (it re-arms itself until the thread's
 * entry is gone), so the test does not depend on that order.  Under the
 * rwlock stand-in there is no entry to wait for.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "cymade/atomic.h"
#include "rcu.h"
#include "verify/stress/stress.h"

#ifndef CYMADE_RCU_RWLOCK
#include <urcu/static/urcu-bp.h>
#endif

/* How long synchronize must stay blocked behind the open section: far
 * longer than a grace period with no reader takes. */
#define HOLD_NS 50000000L
#define ROUNDS 20

typedef struct round_state {
    cymade_atomic_u64 section_open; /* the exiting thread is inside its section */
    cymade_atomic_u64 synchronized; /* cymade_rcu_synchronize has returned */
} round_state;

static pthread_key_t exit_key;

static void sleep_ns(long ns) {
    struct timespec delay = {.tv_sec = 0, .tv_nsec = ns};
    nanosleep(&delay, NULL);
}

static bool urcu_entry_released(void) {
#ifdef CYMADE_RCU_RWLOCK
    return true;
#else
    return URCU_TLS(urcu_bp_reader) == NULL;
#endif
}

static void *synchronizer(void *arg) {
    round_state *round = arg;
    cymade_rcu_synchronize();
    /* release: pairs with the exiting thread's acquire load. */
    cymade_atomic_u64_store(&round->synchronized, 1, memory_order_release);
    return NULL;
}

static void exit_destructor(void *arg) {
    round_state *round = arg;
    if (!urcu_entry_released()) {
        pthread_setspecific(exit_key, round); /* liburcu's destructor runs in a later pass */
        return;
    }
    cymade_rcu_read_lock();
    /* relaxed: a flag polled by the main thread, which reads nothing else. */
    cymade_atomic_u64_store(&round->section_open, 1, memory_order_relaxed);
    pthread_t waiting;
    pthread_create(&waiting, NULL, synchronizer, round);
    sleep_ns(HOLD_NS);
    /* acquire: pairs with the synchronizer's release. */
    bool returned_early = cymade_atomic_u64_load(&round->synchronized, memory_order_acquire) != 0;
    cymade_rcu_read_unlock();
    pthread_join(waiting, NULL);
    STRESS_CHECK(&stress_main_tally, !returned_early);
    STRESS_CHECK(&stress_main_tally, cymade_atomic_u64_load(&round->synchronized, memory_order_acquire) == 1);
}

static void *exiting_thread(void *arg) {
    cymade_rcu_read_lock(); /* registers the thread with liburcu, and caches its entry */
    cymade_rcu_read_unlock();
    pthread_setspecific(exit_key, arg);
    return NULL;
}

static void run_validate_rcu_thread_exit(const stress_options *options) {
    (void)options;
    cymade_rcu_init();
    cymade_rcu_read_lock(); /* liburcu creates its thread-exit key before ours */
    cymade_rcu_read_unlock();
    pthread_key_create(&exit_key, exit_destructor);
    for (int i = 0; i < ROUNDS; i++) {
        round_state round;
        cymade_atomic_u64_init(&round.section_open, 0);
        cymade_atomic_u64_init(&round.synchronized, 0);
        pthread_t exiting;
        pthread_create(&exiting, NULL, exiting_thread, &round);
        pthread_join(exiting, NULL);
        STRESS_CHECK(&stress_main_tally, cymade_atomic_u64_load(&round.section_open, memory_order_relaxed) == 1);
    }
    pthread_key_delete(exit_key);
    printf("validate_rcu_thread_exit: %d rounds\n", ROUNDS);
}

int main(void) {
    return stress_main("validate_rcu_thread_exit", run_validate_rcu_thread_exit);
}
