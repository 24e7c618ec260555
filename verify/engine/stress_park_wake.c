/*
 * stress_park_wake - the eventcount (core/src/eventcount.h) under
 * oversubscription: 4 waiters and 4 notifiers on whatever cores there are.
 *
 * Notifiers make the condition hold (add one unit of work to `available`)
 * and notify one waiter.  Waiters claim units; when none is left they
 * prepare_wait, re-check, and either cancel_wait or wait with NO deadline,
 * so a lost wakeup leaves them asleep for good.  The watchdog
 * (verify/stress/stress.h) fails with `lost wakeup` if work is available,
 * every waiter sleeps, and nothing moves.  Shutdown: a stop flag and a final notify-all.
 * Checks: every unit produced is claimed exactly once (counts), no lost
 * wakeup, and waiters really slept (the futex path was exercised).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "eventcount.h"
#include "verify/stress/stress.h"

#define WAITERS 4
#define NOTIFIERS 4
#define WAITERS_SLOT 0 /* the watchdog's (verify/stress/stress.h) */

typedef struct shared {
    eventcount ec;
    cymade_atomic_u64 available;
    cymade_atomic_u64 produced;
    cymade_atomic_u64 claimed;
    cymade_atomic_u64 sleeping; /* waiters inside eventcount_wait */
    cymade_atomic_u64 sleeps;   /* eventcount_wait calls, a statistic */
    cymade_atomic_u64 notifiers_done;
    cymade_atomic_u64 stop_notifying;
    cymade_atomic_u64 stop;
} shared;

static bool try_claim(shared *s) {
    uint64_t v = cymade_atomic_u64_load(&s->available, memory_order_acquire);
    while (v > 0) {
        if (cymade_atomic_u64_compare_exchange_weak(&s->available, &v, v - 1, memory_order_acq_rel,
                                                    memory_order_acquire)) {
            return true;
        }
    }
    return false;
}

static void waiter(shared *s, stress_thread *t) {
    for (;;) {
        if (try_claim(s)) {
            cymade_atomic_u64_fetch_add(&s->claimed, 1, memory_order_relaxed);
            stress_maybe_yield(&t->rng);
            continue;
        }
        if (cymade_atomic_u64_load(&s->stop, memory_order_acquire)) {
            return;
        }
        stress_maybe_yield(&t->rng);
        uint32_t key = eventcount_prepare_wait(&s->ec);
        stress_maybe_yield(&t->rng);
        /* The re-check: seq_cst loads, the waiter's side of the SB shape. */
        if (cymade_atomic_u64_load(&s->available, memory_order_seq_cst) != 0 ||
            cymade_atomic_u64_load(&s->stop, memory_order_seq_cst) != 0) {
            eventcount_cancel_wait(&s->ec);
            continue;
        }
        cymade_atomic_u64_fetch_add(&s->sleeping, 1, memory_order_seq_cst);
        cymade_atomic_u64_fetch_add(&s->sleeps, 1, memory_order_relaxed);
        eventcount_wait(&s->ec, key, NULL);
        cymade_atomic_u64_fetch_sub(&s->sleeping, 1, memory_order_seq_cst);
    }
}

static void notifier(shared *s, stress_thread *t) {
    while (!cymade_atomic_u64_load(&s->stop_notifying, memory_order_acquire)) {
        /* Bursts with pauses, so waiters go to sleep between them. */
        uint64_t burst = 1 + stress_rng_below(&t->rng, 4);
        for (uint64_t i = 0; i < burst; i++) {
            cymade_atomic_u64_fetch_add(&s->produced, 1, memory_order_relaxed);
            /* release store of the condition, as a queue push would do
             * (the notify's seq_cst fence orders it before its load). */
            cymade_atomic_u64_fetch_add(&s->available, 1, memory_order_release);
            eventcount_notify(&s->ec, 1);
            stress_maybe_yield(&t->rng);
        }
        if (stress_rng_below(&t->rng, 4) == 0) {
            struct timespec pause = {.tv_sec = 0, .tv_nsec = (long)stress_rng_below(&t->rng, 50000)};
            nanosleep(&pause, NULL);
        } else {
            sched_yield();
        }
    }
    cymade_atomic_u64_fetch_add(&s->notifiers_done, 1, memory_order_acq_rel);
}

static void body(stress_thread *t) {
    shared *s = t->shared;
    if (t->index < WAITERS) {
        waiter(s, t);
    } else {
        notifier(s, t);
    }
}

typedef struct run_args {
    shared *s;
    uint64_t seed;
} run_args;

static void *run(void *argument) {
    run_args *args = argument;
    stress_run_threads(WAITERS + NOTIFIERS, args->seed, body, args->s);
    return NULL;
}

static void run_park_wake(const stress_options *options) {
    shared *s = calloc(1, sizeof *s);
    eventcount_init(&s->ec);
    run_args args = {.s = s, .seed = options->seed};
    pthread_t threads;
    pthread_create(&threads, NULL, run, &args);

    /* Work available, every waiter asleep and nothing claimed means nobody
     * will ever wake them: a lost wakeup, which the watchdog reports.  Any
     * other state is progress. */
    stress_deadline deadline = stress_deadline_after(options->seconds);
    uint64_t last_claimed = UINT64_MAX;
    for (;;) {
        struct timespec tick = {.tv_sec = 0, .tv_nsec = 5000000};
        nanosleep(&tick, NULL);
        if (stress_deadline_passed(&deadline)) {
            cymade_atomic_u64_store(&s->stop_notifying, 1, memory_order_release);
        }
        bool done = cymade_atomic_u64_load(&s->notifiers_done, memory_order_acquire) == NOTIFIERS;
        uint64_t available = cymade_atomic_u64_load(&s->available, memory_order_seq_cst);
        uint64_t claimed = cymade_atomic_u64_load(&s->claimed, memory_order_relaxed);
        uint64_t sleeping = cymade_atomic_u64_load(&s->sleeping, memory_order_seq_cst);
        if (done && available == 0) {
            break;
        }
        if (claimed != last_claimed || available == 0 || sleeping < WAITERS) {
            last_claimed = claimed;
            stress_watch(WAITERS_SLOT, "waiters", 0, "lost wakeup: all asleep with units available, # claimed",
                         claimed);
        }
    }
    stress_watch(WAITERS_SLOT, "waiters", 0, "lost wakeup: asleep through the final notify-all, # claimed",
                 last_claimed);
    /* Final notify-all: the waiters re-check `stop` after announcing. */
    cymade_atomic_u64_store(&s->stop, 1, memory_order_seq_cst);
    eventcount_notify(&s->ec, INT_MAX);
    pthread_join(threads, NULL);
    stress_unwatch(WAITERS_SLOT);

    uint64_t produced = cymade_atomic_u64_load(&s->produced, memory_order_relaxed);
    uint64_t claimed = cymade_atomic_u64_load(&s->claimed, memory_order_relaxed);
    uint64_t sleeps = cymade_atomic_u64_load(&s->sleeps, memory_order_relaxed);
    STRESS_CHECK(&stress_main_tally, claimed == produced);
    STRESS_CHECK(&stress_main_tally, cymade_atomic_u64_load(&s->available, memory_order_relaxed) == 0);
    STRESS_CHECK(&stress_main_tally, cymade_atomic_u64_load(&s->sleeping, memory_order_relaxed) == 0);
    STRESS_CHECK(&stress_main_tally, sleeps > 0);
    STRESS_CHECK(&stress_main_tally, produced > 0);
    printf("stress_park_wake: %" PRIu64 " units, %" PRIu64 " sleeps\n", produced, sleeps);
    free(s);
}

int main(void) {
    return stress_main("park_wake", run_park_wake);
}
