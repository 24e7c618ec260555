/*
 * stress_future - every way of learning that a job finished must also show
 * what the job wrote (core/src/future.c), under TSan.
 *
 * Each round, a producer submits JOBS jobs to a pool of 2 workers.  A job
 * writes a plain (non-atomic) payload and returns it as its result with
 * status JOB_STATUS.  Before it publishes a future, the producer takes one
 * reference per observer for it; three observer threads then learn of the
 * completion each in its own way and read the status, the result and the
 * payload:
 *   - the poller spins on cymade_future_get_state until DONE (the acquire
 *     load that pairs with the completing transition's release);
 *   - the waiter blocks in cymade_future_wait (its acquire RMW);
 *   - the callback observer registers a done-callback, which reads them in
 *     whichever thread runs it (the completer's acq_rel exchange of the
 *     callback list, or the registering thread after the seal).
 * Each observer then drops its reference; whoever drops the last one frees
 * the future (the acq_rel reference count orders every other observer's
 * reads before the free).  A weakened order on any of these paths leaves a
 * read unordered after the write it needs, which TSan reports; a wrong
 * value is a check failure.  Every wait is watched (stress.h's watchdog).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>

#include "cymade/error.h"
#include "cymade/pool.h"
#include "verify/stress/stress.h"

enum {
    JOBS = 64,
    OBSERVERS = 3,
    JOB_STATUS = 7,
};

#define PAYLOAD_MAGIC UINT64_C(0x5eed5eed5eed5eed)

typedef struct job_payload {
    uint64_t value; /* plain: ordered only by the future's publication */
} job_payload;

typedef struct round_state {
    cymade_pool *pool;
    job_payload payloads[JOBS];
    cymade_atomic_ptr futures[JOBS]; /* published by the producer */
    cymade_atomic_u64 callbacks_checked;
    uint64_t number;
} round_state;

static int write_payload(void *arg, void **result) {
    job_payload *payload = arg;
    payload->value = PAYLOAD_MAGIC;
    *result = payload;
    return JOB_STATUS;
}

/* The reads every observer makes once it knows the job is done. */
static bool completion_is_visible(const cymade_future *future, const job_payload *expected) {
    const job_payload *payload = cymade_future_result(future);
    return cymade_future_status(future) == JOB_STATUS && payload == expected && payload->value == PAYLOAD_MAGIC;
}

typedef struct callback_context {
    round_state *round;
    const job_payload *expected;
    bool visible; /* the callback's verdict, read by the observer */
} callback_context;

static void check_in_callback(cymade_future *future, void *arg) {
    callback_context *context = arg;
    context->visible = completion_is_visible(future, context->expected);
    /* release: the verdict above happens-before the observer's read. */
    cymade_atomic_u64_fetch_add(&context->round->callbacks_checked, 1, memory_order_release);
    stress_progress(OBSERVERS);
}

static cymade_future *await_published(round_state *round, unsigned job, unsigned slot) {
    cymade_future *future;
    /* acquire: pairs with the producer's release, so the future's
     * initialisation and our reference are visible. */
    while ((future = cymade_atomic_ptr_load(&round->futures[job], memory_order_acquire)) == NULL) {
        stress_progress(slot);
        sched_yield();
    }
    return future;
}

static void produce(round_state *round, stress_thread *t) {
    for (unsigned job = 0; job < JOBS; job++) {
        cymade_future *future = NULL;
        int rc = cymade_pool_submit(round->pool, write_payload, &round->payloads[job], &future);
        STRESS_CHECK(&t->tally, rc == CYMADE_OK);
        if (rc != CYMADE_OK) {
            return;
        }
        for (unsigned observer = 0; observer < OBSERVERS; observer++) {
            cymade_future_retain(future);
        }
        /* release: publishes the future (and the references taken for the
         * observers) to their acquire loads. */
        cymade_atomic_ptr_store(&round->futures[job], future, memory_order_release);
        cymade_future_release(future);
        stress_maybe_yield(&t->rng);
    }
}

static void poll_each(round_state *round, stress_thread *t) {
    for (unsigned job = 0; job < JOBS; job++) {
        cymade_future *future = await_published(round, job, t->index);
        while (cymade_future_get_state(future) != CYMADE_FUTURE_DONE) {
            stress_progress(t->index);
            sched_yield();
        }
        STRESS_CHECK(&t->tally, completion_is_visible(future, &round->payloads[job]));
        cymade_future_release(future);
    }
}

static void wait_for_each(round_state *round, stress_thread *t) {
    for (unsigned job = 0; job < JOBS; job++) {
        cymade_future *future = await_published(round, job, t->index);
        STRESS_CHECK(&t->tally, cymade_future_wait(future, -1) == CYMADE_OK);
        STRESS_CHECK(&t->tally, completion_is_visible(future, &round->payloads[job]));
        cymade_future_release(future);
        stress_progress(t->index);
    }
}

static void call_back_for_each(round_state *round, stress_thread *t) {
    callback_context contexts[JOBS];
    for (unsigned job = 0; job < JOBS; job++) {
        cymade_future *future = await_published(round, job, t->index);
        contexts[job] = (callback_context){round, &round->payloads[job], false};
        STRESS_CHECK(&t->tally,
                     cymade_future_add_done_callback(future, check_in_callback, &contexts[job]) == CYMADE_OK);
        cymade_future_release(future);
        stress_maybe_yield(&t->rng);
    }
    /* acquire: pairs with each callback's release (its verdict). */
    while (cymade_atomic_u64_load(&round->callbacks_checked, memory_order_acquire) < JOBS) {
        stress_progress(t->index);
        sched_yield();
    }
    for (unsigned job = 0; job < JOBS; job++) {
        STRESS_CHECK(&t->tally, contexts[job].visible);
    }
}

static const char *const ROLES[OBSERVERS + 1] = {"producer", "poller", "waiter", "callback observer"};

static void run_thread(stress_thread *t) {
    round_state *round = t->shared;
    stress_watch(t->index, ROLES[t->index], 0, "round #: its futures to complete", round->number);
    switch (t->index) {
    case 0: produce(round, t); break;
    case 1: poll_each(round, t); break;
    case 2: wait_for_each(round, t); break;
    default: call_back_for_each(round, t); break;
    }
    stress_unwatch(t->index);
}

static void run_future(const stress_options *options) {
    static round_state round;
    cymade_pool_options pool_options;
    cymade_pool_options_init(&pool_options, 2);
    stress_deadline deadline = stress_deadline_after(options->seconds);
    uint64_t rounds = 0;
    do {
        STRESS_CHECK(&stress_main_tally, cymade_pool_create(&round.pool, &pool_options) == CYMADE_OK);
        for (unsigned job = 0; job < JOBS; job++) {
            round.payloads[job].value = 0;
            cymade_atomic_ptr_init(&round.futures[job], NULL);
        }
        cymade_atomic_u64_init(&round.callbacks_checked, 0);
        round.number = rounds;
        stress_run_threads(OBSERVERS + 1, options->seed + rounds, run_thread, &round);
        STRESS_CHECK(&stress_main_tally, cymade_pool_destroy(round.pool) == CYMADE_OK);
        rounds++;
    } while (!stress_deadline_passed(&deadline));
    printf("stress_future: %" PRIu64 " rounds of %d jobs, %d observers each\n", rounds, JOBS, OBSERVERS);
}

int main(void) {
    return stress_main("future", run_future);
}
