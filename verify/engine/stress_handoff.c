/*
 * stress_handoff - the searcher hand-off (core/src/eventcount.h,
 * eventcount_search_end) through the public pool API.
 *
 * A push skips the wake-up while a worker is searching (spinning before it
 * parks), since that searcher will find the job.  A searcher that finds one
 * must therefore wake a parked worker in its turn, or jobs pushed during its
 * search wait for a worker that nobody woke: a lost wake-up that costs only
 * parallelism, unless the jobs wait for each other, as here.
 *
 * Every round, on a pool of WORKERS workers (rings):
 *   1. every worker has gone idle (the on_worker_idle hook) and, after a
 *      pause much longer than the spin before parking, is parked;
 *   2. one trivial job wakes one worker, A, which runs it and goes idle
 *      again: its idle hook runs right before it starts searching;
 *   3. at that hook the main thread submits WORKERS barrier jobs as fast as
 *      it can, so that several are pushed while A searches (no public call
 *      runs inside the search itself, so how many varies from round to round;
 *      any round with two or more exercises the hand-off);
 *   4. each barrier job waits until all of the round's jobs have started.
 * All WORKERS jobs must start: with a lost hand-off they never do, and the
 * watchdog (verify/stress/stress.h) names the jobs left waiting.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cymade/pool.h"
#include "verify/stress/stress.h"

#define WORKERS 4
/* Far longer than a worker's spin before it parks (worker.c, SPIN_ROUNDS). */
#define SETTLE_NS 20000000L
#define MAIN_SLOT WORKERS

typedef struct handoff {
    cymade_pool *pool;
    cymade_atomic_u64 round;
    cymade_atomic_u64 idle[WORKERS]; /* 1 from a worker's idle hook until its next job */
    cymade_atomic_u64 idle_spells[WORKERS];
    cymade_atomic_u64 waker_worker; /* worker index + 1 of the round's waker job, 0: not yet */
    cymade_atomic_u64 started;      /* barrier jobs of this round that started */
    cymade_atomic_u64 finished;
} handoff;

static handoff shared;

typedef struct barrier_job {
    unsigned index;
} barrier_job;

static barrier_job barrier_jobs[WORKERS];

/* acq_rel/acquire on idle, idle_spells and waker_worker: the main thread
 * acts on them (starts the next step), so the worker's state change that
 * they announce must be visible to it. */
static void on_idle(size_t worker, void *context) {
    (void)context;
    cymade_atomic_u64_store(&shared.idle[worker], 1, memory_order_release);
    cymade_atomic_u64_fetch_add(&shared.idle_spells[worker], 1, memory_order_acq_rel);
}

static void mark_busy(void) {
    int worker = cymade_pool_current_worker(shared.pool);
    /* release: see on_idle. */
    cymade_atomic_u64_store(&shared.idle[worker], 0, memory_order_release);
}

static int waker_job(void *arg, void **result) {
    (void)arg;
    (void)result;
    mark_busy();
    /* release: see on_idle. */
    cymade_atomic_u64_store(&shared.waker_worker, (uint64_t)cymade_pool_current_worker(shared.pool) + 1,
                            memory_order_release);
    return 0;
}

static void beat_everyone(void) {
    for (unsigned slot = 0; slot <= MAIN_SLOT; slot++) {
        stress_progress(slot);
    }
}

static int run_barrier_job(void *arg, void **result) {
    (void)result;
    barrier_job *job = arg;
    mark_busy();
    /* relaxed: the round number is only part of the watchdog's message. */
    uint64_t round = cymade_atomic_u64_load(&shared.round, memory_order_relaxed);
    stress_watch(job->index, "barrier job #", job->index, "round #: waits for all barrier jobs to start", round);
    /* acq_rel/acquire on started and finished: a counter that the main
     * thread and the other jobs wait on (the waits' exit is the ordering). */
    cymade_atomic_u64_fetch_add(&shared.started, 1, memory_order_acq_rel);
    beat_everyone();
    while (cymade_atomic_u64_load(&shared.started, memory_order_acquire) < WORKERS) {
        sched_yield();
    }
    stress_unwatch(job->index);
    cymade_atomic_u64_fetch_add(&shared.finished, 1, memory_order_acq_rel);
    beat_everyone();
    return 0;
}

/* Step 1: every worker idle (parked after the pause), none running a job. */
static void wait_until_all_parked(uint64_t round) {
    stress_watch(MAIN_SLOT, "main", 0, "round #: every worker to go idle", round);
    for (unsigned w = 0; w < WORKERS; w++) {
        /* acquire: see on_idle. */
        while (cymade_atomic_u64_load(&shared.idle[w], memory_order_acquire) == 0) {
            sched_yield();
        }
    }
    stress_unwatch(MAIN_SLOT);
    struct timespec settle = {.tv_sec = 0, .tv_nsec = SETTLE_NS};
    nanosleep(&settle, NULL);
}

static void run_round(uint64_t round) {
    wait_until_all_parked(round);
    /* relaxed: nothing runs that reads these until the submits below. */
    cymade_atomic_u64_store(&shared.round, round, memory_order_relaxed);
    cymade_atomic_u64_store(&shared.waker_worker, 0, memory_order_relaxed);
    cymade_atomic_u64_store(&shared.started, 0, memory_order_relaxed);
    cymade_atomic_u64_store(&shared.finished, 0, memory_order_relaxed);
    uint64_t spells[WORKERS];
    for (unsigned w = 0; w < WORKERS; w++) {
        /* acquire: see on_idle. */
        spells[w] = cymade_atomic_u64_load(&shared.idle_spells[w], memory_order_acquire);
    }

    /* Step 2: wake one worker, and wait (busily: the next step is a race
     * against its search) until it is idle again. */
    STRESS_CHECK(&stress_main_tally, cymade_pool_submit(shared.pool, waker_job, NULL, NULL) == CYMADE_OK);
    stress_watch(MAIN_SLOT, "main", 0, "round #: the waker job to run and its worker to go idle", round);
    uint64_t waker;
    /* acquire: see on_idle. */
    while ((waker = cymade_atomic_u64_load(&shared.waker_worker, memory_order_acquire)) == 0) {
    }
    /* acquire: see on_idle. */
    while (cymade_atomic_u64_load(&shared.idle_spells[waker - 1], memory_order_acquire) == spells[waker - 1]) {
    }

    /* Step 3: the barrier jobs, while that worker searches. */
    for (unsigned j = 0; j < WORKERS; j++) {
        STRESS_CHECK(&stress_main_tally,
                     cymade_pool_submit(shared.pool, run_barrier_job, &barrier_jobs[j], NULL) == CYMADE_OK);
    }
    stress_watch(MAIN_SLOT, "main", 0, "round #: barrier jobs to finish", round);
    /* acquire: see run_barrier_job. */
    while (cymade_atomic_u64_load(&shared.finished, memory_order_acquire) < WORKERS) {
        sched_yield();
    }
    stress_unwatch(MAIN_SLOT);
    /* relaxed: every job finished, and the acquire above saw it. */
    STRESS_CHECK(&stress_main_tally, cymade_atomic_u64_load(&shared.started, memory_order_relaxed) == WORKERS);
}

static void run_handoff(const stress_options *options) {
    for (unsigned j = 0; j < WORKERS; j++) {
        barrier_jobs[j].index = j;
    }
    cymade_pool_options pool_options;
    cymade_pool_options_init(&pool_options, WORKERS);
    pool_options.on_worker_idle = on_idle;
    STRESS_CHECK(&stress_main_tally, cymade_pool_create(&shared.pool, &pool_options) == CYMADE_OK);
    stress_deadline deadline = stress_deadline_after(options->seconds);
    uint64_t rounds = 0;
    do {
        run_round(rounds++);
    } while (!stress_deadline_passed(&deadline));
    STRESS_CHECK(&stress_main_tally, cymade_pool_destroy(shared.pool) == CYMADE_OK);
    printf("stress_handoff: %" PRIu64 " rounds of %d barrier jobs\n", rounds, WORKERS);
}

int main(void) {
    return stress_main("handoff", run_handoff);
}
