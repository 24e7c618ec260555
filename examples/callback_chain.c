/*
 * callback_chain.c - a pipeline of stages linked by done-callbacks.
 *
 * Stage k's job computes value = 3 * value + k.  When a stage's future is
 * done, its done-callback (cymade_future_add_done_callback, run on the
 * worker that completed it) submits the next stage and registers itself on
 * that stage's future, so no thread waits between stages.  The last stage
 * is a future main prepared itself (cymade_future_init) and waits on from
 * the start; the last callback submits it (cymade_pool_submit_future).  If
 * a stage fails or cannot be submitted, the callback cancels that final
 * future instead, so main never waits forever.  Main checks the result
 * against the same computation done serially and exits non-zero if it
 * differs.
 *
 *   cc -std=c11 callback_chain.c $(pkg-config --cflags --libs cymade) -o callback_chain
 */
#include <cymade/atomic.h>
#include <cymade/pool.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>

#define STAGES 10

typedef struct chain {
    cymade_pool *pool;
    cymade_future final_stage; /* stage STAGES, prepared by main */
    /* Each stage reads the value the previous one left; the future of the
     * previous stage orders that write before the next stage's submit. */
    uint64_t value;
    int next_stage;
    cymade_atomic_u64 final_released;
} chain;

static int run_stage(void *arg, void **result) {
    chain *pipeline = arg;
    pipeline->value = 3 * pipeline->value + (uint64_t)pipeline->next_stage;
    *result = &pipeline->value;
    return 0;
}

static void final_stage_freed(cymade_future *future) {
    chain *pipeline = (chain *)((char *)future - offsetof(chain, final_stage));
    cymade_atomic_u64_store(&pipeline->final_released, 1, memory_order_release);
}

/* Ends the chain without running the final stage: its submit reference,
 * meant for the pool, is dropped here. */
static void abandon(chain *pipeline, const char *why) {
    fprintf(stderr, "callback_chain: stage %d: %s\n", pipeline->next_stage, why);
    cymade_future_cancel(&pipeline->final_stage);
    cymade_future_release(&pipeline->final_stage);
}

static void on_stage_done(cymade_future *done, void *arg) {
    chain *pipeline = arg;
    if (cymade_future_get_state(done) != CYMADE_FUTURE_DONE || cymade_future_status(done) != 0) {
        abandon(pipeline, "did not complete");
        return;
    }
    pipeline->next_stage++;
    int error;
    if (pipeline->next_stage == STAGES) {
        /* The pool takes over the reference main kept for this submit. */
        error = cymade_pool_submit_future(pipeline->pool, 0, &pipeline->final_stage);
    } else {
        cymade_future *next;
        error = cymade_pool_submit(pipeline->pool, run_stage, pipeline, &next);
        if (error == CYMADE_OK) {
            /* The pool keeps the future until the job ran and its callbacks
             * did; this callback needs no reference of its own. */
            error = cymade_future_add_done_callback(next, on_stage_done, pipeline);
            cymade_future_release(next);
        }
    }
    if (error != CYMADE_OK) {
        abandon(pipeline, cymade_strerror(error));
    }
}

int main(void) {
    chain pipeline = {.value = 1, .next_stage = 1};
    cymade_atomic_u64_init(&pipeline.final_released, 0);
    cymade_pool_options options;
    cymade_pool_options_init(&options, 2);
    if (cymade_pool_create(&pipeline.pool, &options) != CYMADE_OK) {
        fprintf(stderr, "callback_chain: cannot create the pool\n");
        return 1;
    }
    /* Two references: main's, and the one the last callback hands to the
     * pool with the submit (or drops, if it abandons the chain). */
    cymade_future_init(&pipeline.final_stage, run_stage, &pipeline, final_stage_freed);
    cymade_future_retain(&pipeline.final_stage);

    cymade_future *first;
    int error = cymade_pool_submit(pipeline.pool, run_stage, &pipeline, &first);
    if (error == CYMADE_OK) {
        error = cymade_future_add_done_callback(first, on_stage_done, &pipeline);
        cymade_future_release(first);
    }
    if (error != CYMADE_OK) {
        fprintf(stderr, "callback_chain: first stage: %s\n", cymade_strerror(error));
        return 1;
    }

    /* Waiting works on a future no pool has seen yet: it ends when a
     * callback has submitted it and it ran, or when one cancelled it. */
    error = cymade_future_wait(&pipeline.final_stage, -1);
    int done = error == CYMADE_OK && cymade_future_get_state(&pipeline.final_stage) == CYMADE_FUTURE_DONE;
    uint64_t result = done ? *(const uint64_t *)cymade_future_result(&pipeline.final_stage) : 0;
    cymade_future_release(&pipeline.final_stage);
    /* The pool's reference may outlive the wait by a moment; destroy waits
     * for the workers, and with them for that release. */
    cymade_pool_destroy(pipeline.pool);

    uint64_t expected = 1;
    for (int stage = 1; stage <= STAGES; stage++) {
        expected = 3 * expected + (uint64_t)stage;
    }
    int freed = cymade_atomic_u64_load(&pipeline.final_released, memory_order_acquire) == 1;
    printf("callback_chain: %d stages, result %" PRIu64 ", expected %" PRIu64 "%s\n", STAGES, result, expected,
           freed ? "" : ", final future still referenced");
    return done && result == expected && freed ? 0 : 1;
}
