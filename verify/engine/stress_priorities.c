/*
 * stress_priorities - the priority classes' promises (core/include/cymade/
 * pool.h), each forced deterministically rather than hoped for in a race:
 *
 *   shutdown: background jobs queued far in the future when the pool shuts
 *     down; shutdown without cancel_pending runs every one of them (and
 *     without waiting for their delays), with cancel_pending every one ends
 *     CANCELLED (or DONE, if a worker took it first); none is lost.  Both with wait=true (then every future must
 *     be final at once) and wait=false (then every future must become final;
 *     a lost one never does, and the watchdog of verify/stress/stress.h
 *     names it).
 *   delay: a background job of priority P starts no sooner than P ms after
 *     the last foreground job finished (its end time is taken inside the
 *     job, so before the engine counted it: the check is on the safe side).
 *   urgent order: on a one-worker pool held by a gate job, urgent jobs
 *     queued in a shuffled order of priorities run lowest value first.
 *   urgent first: on a two-worker pool, a normal job submitted while an
 *     urgent one runs on the other worker sees what the urgent job wrote
 *     (plain data): it starts only after the urgent job finished, and the
 *     urgent slot's release orders the write before it (TSan reports the
 *     read otherwise).
 *   background behind the last look: on a one-worker pool, a background
 *     job scheduled after the idle worker's last look for work but before
 *     it announced itself as a sleeper (its wake-up then finds no one to
 *     wake) still runs.  The pool's strategy is the rings' with a park
 *     that stops at its entry until the job is scheduled, so the window
 *     that is a few instructions wide in a real run is open every time.
 *     (The fuzz replay, verify/fuzz, also runs the mutex queue's park.)
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cymade/pool.h"
#include "monotonic_clock.h"
#include "queue_strategy.h"
#include "verify/stress/stress.h"

#define MAIN_SLOT 0
#define BACKGROUND_JOBS 8
/* Far beyond the test's run time: such a job only runs thanks to shutdown. */
#define FAR_FUTURE_MS 600000
#define DELAY_MS 100
#define FOREGROUND_MS 20
#define URGENT_JOBS 8

static void sleep_ms(unsigned ms) {
    struct timespec pause = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    nanosleep(&pause, NULL);
}

/* Counts its runs in *arg. */
static int counted_job(void *arg, void **result) {
    (void)result;
    /* relaxed: read after the future became final, which orders it. */
    cymade_atomic_u64_fetch_add(arg, 1, memory_order_relaxed);
    return 0;
}

static const char *const STATE_NAMES[] = {"PENDING", "RUNNING", "DONE", "CANCELLED"};

/* Waits for `future` under the watchdog, as `what` with `number`. */
static void wait_watched(cymade_future *future, const char *what, uint64_t number) {
    stress_watch(MAIN_SLOT, "main", 0, what, number);
    STRESS_CHECK(&stress_main_tally, cymade_future_wait(future, -1) == CYMADE_OK);
    stress_unwatch(MAIN_SLOT);
}

/* ------------------------------------------------------------------------ */
/* shutdown                                                                 */

/* With cancel_pending, a job that a worker took before the cancel reached
 * it may still run (shutdown sets closing, which ends the delays, before it
 * cancels): DONE or CANCELLED, never lost. */
static void check_shutdown(bool wait, bool cancel_pending) {
    cymade_pool_options options;
    cymade_pool_options_init(&options, 2);
    cymade_pool *pool;
    STRESS_CHECK(&stress_main_tally, cymade_pool_create(&pool, &options) == CYMADE_OK);
    cymade_atomic_u64 runs[BACKGROUND_JOBS];
    cymade_future *futures[BACKGROUND_JOBS];
    for (unsigned j = 0; j < BACKGROUND_JOBS; j++) {
        cymade_atomic_u64_init(&runs[j], 0);
        STRESS_CHECK(&stress_main_tally,
                     cymade_pool_schedule(pool, FAR_FUTURE_MS + j, counted_job, &runs[j], &futures[j]) == CYMADE_OK);
    }
    stress_watch(MAIN_SLOT, "main", 0, "shutdown with # background jobs queued", BACKGROUND_JOBS);
    STRESS_CHECK(&stress_main_tally, cymade_pool_shutdown(pool, wait, cancel_pending) == CYMADE_OK);
    stress_unwatch(MAIN_SLOT);
    for (unsigned j = 0; j < BACKGROUND_JOBS; j++) {
        if (!wait) {
            wait_watched(futures[j], "shutdown(wait=false): future of background job # not done", j);
        }
        cymade_future_state state = cymade_future_get_state(futures[j]);
        bool expected = state == CYMADE_FUTURE_DONE || (cancel_pending && state == CYMADE_FUTURE_CANCELLED);
        if (!expected) {
            printf("FAIL shutdown(wait=%d, cancel_pending=%d): background job %u ended %s, not %s\n", wait,
                   cancel_pending, j, STATE_NAMES[state], cancel_pending ? "DONE or CANCELLED" : "DONE");
        }
        STRESS_CHECK(&stress_main_tally, expected);
        /* relaxed: see counted_job. */
        uint64_t ran = cymade_atomic_u64_load(&runs[j], memory_order_relaxed);
        STRESS_CHECK(&stress_main_tally, ran == (state == CYMADE_FUTURE_DONE ? 1u : 0u));
        cymade_future_release(futures[j]);
    }
    STRESS_CHECK(&stress_main_tally, cymade_pool_destroy(pool) == CYMADE_OK);
}

/* ------------------------------------------------------------------------ */
/* delay                                                                    */

typedef struct timed_job {
    cymade_atomic_u64 at_ns; /* the foreground job's end, the background job's start */
} timed_job;

static int foreground_job(void *arg, void **result) {
    (void)result;
    timed_job *job = arg;
    sleep_ms(FOREGROUND_MS);
    /* relaxed: read after the future's wait, which orders it. */
    cymade_atomic_u64_store(&job->at_ns, monotonic_clock_ns(), memory_order_relaxed);
    return 0;
}

static int background_job(void *arg, void **result) {
    (void)result;
    timed_job *job = arg;
    /* relaxed: read after the future's wait, which orders it. */
    cymade_atomic_u64_store(&job->at_ns, monotonic_clock_ns(), memory_order_relaxed);
    return 0;
}

static void check_delay(unsigned attempt) {
    cymade_pool_options options;
    cymade_pool_options_init(&options, 2);
    cymade_pool *pool;
    STRESS_CHECK(&stress_main_tally, cymade_pool_create(&pool, &options) == CYMADE_OK);
    timed_job foreground, background;
    cymade_atomic_u64_init(&foreground.at_ns, 0);
    cymade_atomic_u64_init(&background.at_ns, 0);
    cymade_future *foreground_future, *background_future;
    STRESS_CHECK(&stress_main_tally,
                 cymade_pool_submit(pool, foreground_job, &foreground, &foreground_future) == CYMADE_OK);
    STRESS_CHECK(&stress_main_tally,
                 cymade_pool_schedule(pool, DELAY_MS, background_job, &background, &background_future) == CYMADE_OK);
    wait_watched(foreground_future, "delay attempt #: foreground job not done", attempt);
    wait_watched(background_future, "delay attempt #: background job not done", attempt);
    /* relaxed: ordered by the waits above. */
    uint64_t foreground_end = cymade_atomic_u64_load(&foreground.at_ns, memory_order_relaxed);
    uint64_t background_start = cymade_atomic_u64_load(&background.at_ns, memory_order_relaxed);
    bool on_time = background_start >= foreground_end + (uint64_t)DELAY_MS * 1000000u;
    if (!on_time) {
        printf("FAIL delay: background job started %.1f ms after the last foreground job finished, before its %d ms\n",
               ((double)background_start - (double)foreground_end) / 1e6, DELAY_MS);
    }
    STRESS_CHECK(&stress_main_tally, on_time);
    cymade_future_release(foreground_future);
    cymade_future_release(background_future);
    STRESS_CHECK(&stress_main_tally, cymade_pool_destroy(pool) == CYMADE_OK);
}

/* ------------------------------------------------------------------------ */
/* urgent order                                                             */

typedef struct urgent_order {
    cymade_atomic_u64 gate_open;
    cymade_atomic_u64 gate_running;
    cymade_atomic_u64 ran;                /* urgent jobs started so far */
    cymade_atomic_u64 order[URGENT_JOBS]; /* -priority of the n-th to start */
    int64_t priorities[URGENT_JOBS];
} urgent_order;

static urgent_order order_state;

static int gate_job(void *arg, void **result) {
    (void)arg;
    (void)result;
    /* release/acquire: the main thread queues the urgent jobs only once the
     * gate runs, and the gate holds the only worker until they are queued. */
    cymade_atomic_u64_store(&order_state.gate_running, 1, memory_order_release);
    while (cymade_atomic_u64_load(&order_state.gate_open, memory_order_acquire) == 0) {
        sched_yield();
    }
    return 0;
}

static int urgent_job(void *arg, void **result) {
    (void)result;
    const int64_t *priority = arg;
    /* relaxed: one worker runs these one after another; the main thread
     * reads them after waiting for every future. */
    uint64_t n = cymade_atomic_u64_fetch_add(&order_state.ran, 1, memory_order_relaxed);
    cymade_atomic_u64_store(&order_state.order[n], (uint64_t) - *priority, memory_order_relaxed);
    return 0;
}

static void check_urgent_order(stress_rng *rng, unsigned attempt) {
    cymade_pool_options options;
    cymade_pool_options_init(&options, 1);
    cymade_pool *pool;
    STRESS_CHECK(&stress_main_tally, cymade_pool_create(&pool, &options) == CYMADE_OK);
    cymade_atomic_u64_init(&order_state.gate_open, 0);
    cymade_atomic_u64_init(&order_state.gate_running, 0);
    cymade_atomic_u64_init(&order_state.ran, 0);
    for (unsigned j = 0; j < URGENT_JOBS; j++) {
        order_state.priorities[j] = -1 - (int64_t)j;
    }
    for (unsigned j = URGENT_JOBS - 1; j > 0; j--) { /* Fisher-Yates */
        unsigned other = (unsigned)stress_rng_below(rng, j + 1);
        int64_t swap = order_state.priorities[j];
        order_state.priorities[j] = order_state.priorities[other];
        order_state.priorities[other] = swap;
    }
    cymade_future *gate;
    STRESS_CHECK(&stress_main_tally, cymade_pool_submit(pool, gate_job, NULL, &gate) == CYMADE_OK);
    stress_watch(MAIN_SLOT, "main", 0, "urgent order attempt #: the gate job to start", attempt);
    /* acquire: see gate_job. */
    while (cymade_atomic_u64_load(&order_state.gate_running, memory_order_acquire) == 0) {
        sched_yield();
    }
    stress_unwatch(MAIN_SLOT);
    cymade_future *futures[URGENT_JOBS];
    for (unsigned j = 0; j < URGENT_JOBS; j++) {
        STRESS_CHECK(&stress_main_tally, cymade_pool_schedule(pool, order_state.priorities[j], urgent_job,
                                                              &order_state.priorities[j], &futures[j]) == CYMADE_OK);
    }
    /* release: see gate_job. */
    cymade_atomic_u64_store(&order_state.gate_open, 1, memory_order_release);
    wait_watched(gate, "urgent order attempt #: gate job not done", attempt);
    cymade_future_release(gate);
    for (unsigned j = 0; j < URGENT_JOBS; j++) {
        wait_watched(futures[j], "urgent order attempt #: an urgent job not done", attempt);
        cymade_future_release(futures[j]);
    }
    bool ascending = true;
    for (unsigned n = 0; n < URGENT_JOBS; n++) {
        /* relaxed: ordered by the waits above. */
        ascending = ascending && cymade_atomic_u64_load(&order_state.order[n], memory_order_relaxed) == URGENT_JOBS - n;
    }
    if (!ascending) {
        printf("FAIL urgent order: urgent jobs ran out of priority order:");
        for (unsigned n = 0; n < URGENT_JOBS; n++) {
            /* relaxed: ordered by the waits above. */
            printf(" %" PRId64, -(int64_t)cymade_atomic_u64_load(&order_state.order[n], memory_order_relaxed));
        }
        printf(" (lowest value first expected)\n");
    }
    STRESS_CHECK(&stress_main_tally, ascending);
    STRESS_CHECK(&stress_main_tally, cymade_pool_destroy(pool) == CYMADE_OK);
}

#define URGENT_FIRST_ROUNDS 300
#define URGENT_FIRST_HOLD_NS 100000

/* One round of "urgent first": a holder job keeps worker A busy, so the
 * urgent job runs on worker B; the normal job is submitted once the urgent
 * one runs, and the holder is let go, so A takes the normal job while the
 * urgent one still runs (the urgent job waits for the holder's end, then a
 * little more).  A must then wait for the urgent job, and learns that it
 * ended only from the urgent count. */
typedef struct urgent_first {
    cymade_atomic_u64 holder_running;
    cymade_atomic_u64 holder_released;
    cymade_atomic_u64 holder_done;
    uint64_t urgent_wrote; /* plain: ordered by the urgent rule alone */
    uint64_t normal_saw;   /* plain: read after waiting for the normal job */
} urgent_first;

static int holder_job(void *arg, void **result) {
    (void)result;
    urgent_first *state = arg;
    /* release/acquire: plain handshakes with the main thread and the
     * urgent job; none involves the normal job's worker's view of
     * urgent_wrote. */
    cymade_atomic_u64_store(&state->holder_running, 1, memory_order_release);
    while (cymade_atomic_u64_load(&state->holder_released, memory_order_acquire) == 0) {
        sched_yield();
    }
    cymade_atomic_u64_store(&state->holder_done, 1, memory_order_release);
    return 0;
}

static int urgent_writer(void *arg, void **result) {
    (void)result;
    urgent_first *state = arg;
    /* acquire: see holder_job. */
    while (cymade_atomic_u64_load(&state->holder_done, memory_order_acquire) == 0) {
        sched_yield();
    }
    uint64_t until = monotonic_clock_ns() + URGENT_FIRST_HOLD_NS;
    while (monotonic_clock_ns() < until) {
    }
    state->urgent_wrote++;
    return 0;
}

static int normal_reader(void *arg, void **result) {
    (void)result;
    urgent_first *state = arg;
    state->normal_saw = state->urgent_wrote;
    return 0;
}

static void check_urgent_first(void) {
    cymade_pool_options options;
    cymade_pool_options_init(&options, 2);
    cymade_pool *pool;
    STRESS_CHECK(&stress_main_tally, cymade_pool_create(&pool, &options) == CYMADE_OK);
    urgent_first state;
    state.urgent_wrote = 0;
    for (uint64_t round = 1; round <= URGENT_FIRST_ROUNDS; round++) {
        cymade_atomic_u64_init(&state.holder_running, 0);
        cymade_atomic_u64_init(&state.holder_released, 0);
        cymade_atomic_u64_init(&state.holder_done, 0);
        cymade_future *holder;
        cymade_future *urgent;
        cymade_future *normal;
        STRESS_CHECK(&stress_main_tally, cymade_pool_submit(pool, holder_job, &state, &holder) == CYMADE_OK);
        stress_watch(MAIN_SLOT, "main", 0, "urgent first round #: the holder job to start", round);
        /* acquire: see holder_job. */
        while (cymade_atomic_u64_load(&state.holder_running, memory_order_acquire) == 0) {
            sched_yield();
        }
        STRESS_CHECK(&stress_main_tally, cymade_pool_schedule(pool, -1, urgent_writer, &state, &urgent) == CYMADE_OK);
        stress_watch(MAIN_SLOT, "main", 0, "urgent first round #: the urgent job to start", round);
        while (cymade_future_get_state(urgent) == CYMADE_FUTURE_PENDING) {
            sched_yield();
        }
        STRESS_CHECK(&stress_main_tally, cymade_pool_submit(pool, normal_reader, &state, &normal) == CYMADE_OK);
        /* release: see holder_job. */
        cymade_atomic_u64_store(&state.holder_released, 1, memory_order_release);
        wait_watched(normal, "urgent first round #: the normal job not done", round);
        wait_watched(urgent, "urgent first round #: the urgent job not done", round);
        wait_watched(holder, "urgent first round #: the holder job not done", round);
        if (state.normal_saw != round) {
            printf("FAIL urgent first: round %" PRIu64 ": a normal job submitted after an urgent one saw %" PRIu64
                   " urgent runs\n",
                   round, state.normal_saw);
        }
        STRESS_CHECK(&stress_main_tally, state.normal_saw == round);
        cymade_future_release(normal);
        cymade_future_release(urgent);
        cymade_future_release(holder);
    }
    STRESS_CHECK(&stress_main_tally, cymade_pool_destroy(pool) == CYMADE_OK);
}

/* ------------------------------------------------------------------------ */
/* background behind the last look                                          */

/* The handshake between the held park and the main thread; a pool of the
 * held strategy has one worker, so one park. */
static cymade_atomic_u64 park_held;     /* the next park stops at its entry */
static cymade_atomic_u64 park_reached;  /* the worker stopped there */
static cymade_atomic_u64 park_released; /* the main thread let it go on */

static void held_park(job_queue *queue, bool (*has_other_work)(void *context), void *context,
                      const struct timespec *deadline) {
    /* relaxed, as every access to the three flags: the engine's own
     * handshake (the state word against the eventcount) must make the job
     * visible to the re-check, so the test adds no ordering of its own. */
    if (cymade_atomic_u64_exchange(&park_held, 0, memory_order_relaxed) != 0) {
        cymade_atomic_u64_store(&park_reached, 1, memory_order_relaxed);
        while (cymade_atomic_u64_load(&park_released, memory_order_relaxed) == 0) {
            sched_yield();
        }
    }
    ring_queue_strategy.park(queue, has_other_work, context, deadline);
}

static void check_background_behind_last_look(void) {
    queue_strategy held = ring_queue_strategy;
    held.park = held_park;
    cymade_atomic_u64_store(&park_held, 1, memory_order_relaxed);
    cymade_atomic_u64_store(&park_reached, 0, memory_order_relaxed);
    cymade_atomic_u64_store(&park_released, 0, memory_order_relaxed);

    cymade_pool_options options;
    cymade_pool_options_init(&options, 1);
    cymade_pool *pool;
    STRESS_CHECK(&stress_main_tally, pool_create_with_strategy(&pool, &options, &held) == CYMADE_OK);
    /* The worker finds nothing (its last look sees no background job, so
     * it means to park without a deadline) and stops at the park. */
    stress_watch(MAIN_SLOT, "main", 0, "the idle worker to park", 0);
    while (cymade_atomic_u64_load(&park_reached, memory_order_relaxed) == 0) {
        sched_yield();
    }
    stress_unwatch(MAIN_SLOT);
    cymade_atomic_u64 runs;
    cymade_atomic_u64_init(&runs, 0);
    cymade_future *background;
    STRESS_CHECK(&stress_main_tally, cymade_pool_schedule(pool, 1, counted_job, &runs, &background) == CYMADE_OK);
    cymade_atomic_u64_store(&park_released, 1, memory_order_relaxed);
    wait_watched(background, "background job scheduled behind the last look", 0);
    /* relaxed: ordered by the wait above. */
    STRESS_CHECK(&stress_main_tally, cymade_atomic_u64_load(&runs, memory_order_relaxed) == 1);
    cymade_future_release(background);
    STRESS_CHECK(&stress_main_tally, cymade_pool_destroy(pool) == CYMADE_OK);
}

static void run_priorities(const stress_options *options) {
    stress_rng rng;
    stress_rng_seed(&rng, options->seed, 0);
    check_shutdown(true, false);
    check_shutdown(true, true);
    check_shutdown(false, false);
    check_shutdown(false, true);
    for (unsigned attempt = 0; attempt < 3; attempt++) {
        check_delay(attempt);
    }
    for (unsigned attempt = 0; attempt < 4; attempt++) {
        check_urgent_order(&rng, attempt);
    }
    check_urgent_first();
    check_background_behind_last_look();
}

int main(void) {
    return stress_main("priorities", run_priorities);
}
