/*
 * stress_pool - the whole pool through its public API (cymade/pool.h),
 * over the rings and, on odd rounds, the mutex baseline
 * (core/baselines/baseline_strategies.h), under TSan.
 *
 * Every round: a pool of 2 or 3 workers (rings of 2 cells, so they grow),
 * started at once or, every other pair of rounds, on demand;
 * 3 producer threads submit normal jobs plus some urgent (priority < 0) and
 * background (priority 1..2 ms) ones, and cancel some of their futures
 * racing the job start; a shutdown thread calls
 * cymade_pool_shutdown(wait=true, cancel_pending=random) while they are still
 * submitting.  Checks:
 *   - every accepted submit ends DONE xor CANCELLED, and its job ran exactly
 *     once iff DONE (a per-job counter); a successful cancel means CANCELLED;
 *     without cancel_pending, a job nobody cancelled ends DONE (a shutdown
 *     that waits runs what was queued);
 *   - a submit that starts after shutdown returned gets CYMADE_ESHUTDOWN;
 *   - urgent rule: no normal or background job STARTS while an urgent job
 *     is running.  A job's body cannot see when its worker decided to start
 *     it, only that the decision came after the worker's previous job ended.
 *     So each job records a tick (a global counter) at its end, per worker,
 *     and each urgent job its start tick while it runs; a non-urgent job
 *     that finds an urgent job running which started before its worker's
 *     previous job ended was started while that urgent job was running: a
 *     violation.  (A normal job started before the urgent one was queued may
 *     legitimately still be running, and is not flagged.)
 *   - liveness: a round whose shutdown does not return while no job ends is
 *     a deadlock or a lost wakeup, which the watchdog of
 *     verify/stress/stress.h reports.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include "baseline_strategies.h"
#include "cymade/pool.h"
#include "verify/stress/stress.h"

#define PRODUCERS 3
#define JOBS_PER_PRODUCER 250
#define MAX_WORKERS 3
#define URGENT_SLOTS 64
#define SHUTTER_SLOT 0 /* the watchdog's (verify/stress/stress.h) */

enum kind { NORMAL, URGENT, BACKGROUND };

typedef struct job_record {
    cymade_atomic_u64 runs;
    enum kind kind;
    int submit_rc;
    bool cancelled_by_us;
    cymade_future *future;
    struct round *round;
} job_record;

typedef struct round {
    cymade_pool *pool;
    job_record jobs[PRODUCERS][JOBS_PER_PRODUCER];
    cymade_atomic_u64 submitted; /* submit attempts so far */
    uint64_t shutdown_after;     /* attempts before shutting down */
    bool cancel_pending;
    cymade_atomic_u64 shutdown_returned;
    cymade_atomic_u64 clock;
    cymade_atomic_u64 last_end[MAX_WORKERS];
    cymade_atomic_u64 urgent_start[URGENT_SLOTS]; /* 0: free, else start tick */
    cymade_atomic_u64 violations;
    cymade_atomic_u64 late_accepts;
    uint64_t number; /* for the watchdog's message */
} round;

static void spin_a_little(unsigned n) {
    for (volatile unsigned i = 0; i < n; i++) {
    }
}

static int job_body(void *arg, void **result) {
    job_record *job = arg;
    round *r = job->round;
    int worker = cymade_pool_current_worker(r->pool);
    cymade_atomic_u64_fetch_add(&job->runs, 1, memory_order_relaxed);
    if (job->kind == URGENT) {
        uint64_t start = cymade_atomic_u64_fetch_add(&r->clock, 1, memory_order_seq_cst) + 1;
        int slot = -1;
        for (int i = 0; i < URGENT_SLOTS && slot < 0; i++) {
            uint64_t expected = 0;
            if (cymade_atomic_u64_compare_exchange_strong(&r->urgent_start[i], &expected, start, memory_order_seq_cst,
                                                          memory_order_relaxed)) {
                slot = i;
            }
        }
        spin_a_little(2000);
        if (slot >= 0) {
            cymade_atomic_u64_store(&r->urgent_start[slot], 0, memory_order_seq_cst);
        }
    } else if (worker >= 0) {
        uint64_t previous_end = cymade_atomic_u64_load(&r->last_end[worker], memory_order_seq_cst);
        for (int i = 0; i < URGENT_SLOTS; i++) {
            uint64_t start = cymade_atomic_u64_load(&r->urgent_start[i], memory_order_seq_cst);
            if (start != 0 && previous_end != 0 && start < previous_end) {
                cymade_atomic_u64_fetch_add(&r->violations, 1, memory_order_relaxed);
                printf("FAIL: a %s job started while urgent job (start tick %" PRIu64
                       ") was running (worker %d's previous job ended at tick %" PRIu64 ")\n",
                       job->kind == NORMAL ? "normal" : "background", start, worker, previous_end);
            }
        }
        spin_a_little(200);
    }
    if (worker >= 0) {
        cymade_atomic_u64_store(&r->last_end[worker],
                                cymade_atomic_u64_fetch_add(&r->clock, 1, memory_order_seq_cst) + 1,
                                memory_order_seq_cst);
    }
    stress_progress(SHUTTER_SLOT);
    *result = job;
    return 0;
}

static void producer(round *r, stress_thread *t) {
    unsigned p = t->index - 1;
    for (unsigned n = 0; n < JOBS_PER_PRODUCER; n++) {
        job_record *job = &r->jobs[p][n];
        uint64_t dice = stress_rng_below(&t->rng, 100);
        job->kind = dice < 10 ? URGENT : dice < 20 ? BACKGROUND : NORMAL;
        job->round = r;
        cymade_atomic_u64_init(&job->runs, 0);
        int64_t priority = job->kind == URGENT       ? -1 - (int64_t)stress_rng_below(&t->rng, 5)
                           : job->kind == BACKGROUND ? 1 + (int64_t)stress_rng_below(&t->rng, 2)
                                                     : 0;
        bool after_shutdown = cymade_atomic_u64_load(&r->shutdown_returned, memory_order_acquire) != 0;
        job->submit_rc = cymade_pool_schedule(r->pool, priority, job_body, job, &job->future);
        cymade_atomic_u64_fetch_add(&r->submitted, 1, memory_order_release);
        stress_progress(SHUTTER_SLOT);
        STRESS_CHECK(&t->tally, job->submit_rc == CYMADE_OK || job->submit_rc == CYMADE_ESHUTDOWN);
        if (after_shutdown && job->submit_rc != CYMADE_ESHUTDOWN) {
            cymade_atomic_u64_fetch_add(&r->late_accepts, 1, memory_order_relaxed);
        }
        if (job->submit_rc == CYMADE_OK && stress_rng_below(&t->rng, 8) == 0) {
            if (stress_rng_below(&t->rng, 2) == 0) {
                sched_yield();
            }
            job->cancelled_by_us = cymade_future_cancel(job->future);
        }
        stress_maybe_yield(&t->rng);
    }
}

/* The shutter waits for the producers, then for shutdown(wait=true), which
 * returns once the workers ran every job and left: a deadlock or a lost
 * wakeup there is the watchdog's.  Submits and job ends beat its slot. */
static void shutter(round *r, stress_thread *t) {
    stress_watch(SHUTTER_SLOT, "shutter", 0, "round #: producers to submit", r->number);
    while (cymade_atomic_u64_load(&r->submitted, memory_order_acquire) < r->shutdown_after) {
        sched_yield();
    }
    stress_watch(SHUTTER_SLOT, "shutter", 0, "round #: shutdown(wait=true) to return", r->number);
    STRESS_CHECK(&t->tally, cymade_pool_shutdown(r->pool, true, r->cancel_pending) == CYMADE_OK);
    stress_unwatch(SHUTTER_SLOT);
    cymade_atomic_u64_store(&r->shutdown_returned, 1, memory_order_release);
}

static void body(stress_thread *t) {
    round *r = t->shared;
    if (t->index == 0) {
        shutter(r, t);
    } else {
        producer(r, t);
    }
}

static void run_pool(const stress_options *options) {
    stress_rng rng;
    stress_rng_seed(&rng, options->seed, 999);
    uint64_t rounds[2] = {0, 0}, accepted = 0, done = 0, cancelled = 0, refused = 0, urgent_done = 0;
    stress_deadline deadline = stress_deadline_after(options->seconds);
    for (uint64_t k = 0; k == 0 || !stress_deadline_passed(&deadline) || rounds[1] == 0; k++) {
        round *r = calloc(1, sizeof *r);
        r->number = k;
        cymade_pool_options po;
        cymade_pool_options_init(&po, 2 + stress_rng_below(&rng, 2));
        po.ring_capacity = 2;
        /* Every other pair of rounds starts its workers on demand, so that
         * submits race worker starts, and shutdown races both. */
        po.start_on_demand = (k / 2) % 2 == 1;
        const queue_strategy *strategy = (k % 2) ? &mutex_queue_strategy : &ring_queue_strategy;
        STRESS_CHECK(&stress_main_tally, pool_create_with_strategy(&r->pool, &po, strategy) == CYMADE_OK);
        r->shutdown_after = stress_rng_below(&rng, PRODUCERS * JOBS_PER_PRODUCER);
        r->cancel_pending = stress_rng_below(&rng, 2) == 0;
        stress_run_threads(1 + PRODUCERS, options->seed + k, body, r);

        /* shutdown(wait=true) returned: every accepted job is final. */
        for (unsigned p = 0; p < PRODUCERS; p++) {
            for (unsigned n = 0; n < JOBS_PER_PRODUCER; n++) {
                job_record *job = &r->jobs[p][n];
                uint64_t runs = cymade_atomic_u64_load(&job->runs, memory_order_relaxed);
                if (job->submit_rc != CYMADE_OK) {
                    refused++;
                    STRESS_CHECK(&stress_main_tally, runs == 0);
                    continue;
                }
                accepted++;
                cymade_future_state state = cymade_future_get_state(job->future);
                STRESS_CHECK(&stress_main_tally, state == CYMADE_FUTURE_DONE || state == CYMADE_FUTURE_CANCELLED);
                STRESS_CHECK(&stress_main_tally, runs == (state == CYMADE_FUTURE_DONE ? 1u : 0u));
                STRESS_CHECK(&stress_main_tally, !job->cancelled_by_us || state == CYMADE_FUTURE_CANCELLED);
                STRESS_CHECK(&stress_main_tally,
                             r->cancel_pending || job->cancelled_by_us || state == CYMADE_FUTURE_DONE);
                if (state == CYMADE_FUTURE_DONE) {
                    STRESS_CHECK(&stress_main_tally, cymade_future_result(job->future) == job);
                    done++;
                    urgent_done += job->kind == URGENT;
                } else {
                    cancelled++;
                }
                cymade_future_release(job->future);
            }
        }
        STRESS_CHECK(&stress_main_tally, cymade_atomic_u64_load(&r->violations, memory_order_relaxed) == 0);
        uint64_t late = cymade_atomic_u64_load(&r->late_accepts, memory_order_relaxed);
        if (late != 0) {
            printf("FAIL: %" PRIu64 " submits accepted after shutdown returned\n", late);
        }
        STRESS_CHECK(&stress_main_tally, late == 0);
        STRESS_CHECK(&stress_main_tally, cymade_pool_submit(r->pool, job_body, NULL, NULL) == CYMADE_ESHUTDOWN);
        STRESS_CHECK(&stress_main_tally, cymade_pool_destroy(r->pool) == CYMADE_OK);
        rounds[k % 2]++;
        free(r);
    }
    printf("stress_pool: %" PRIu64 " rings + %" PRIu64 " mutex rounds; %" PRIu64 " accepted (%" PRIu64 " done, %" PRIu64
           " urgent; %" PRIu64 " cancelled), %" PRIu64 " refused\n",
           rounds[0], rounds[1], accepted, done, urgent_done, cancelled, refused);
}

int main(void) {
    return stress_main("pool", run_pool);
}
