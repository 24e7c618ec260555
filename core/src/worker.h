/*
 * worker.h - a pool's worker: what it holds, how it takes its next job
 * (its stash, its queue, stealing, the priority classes), spins, parks, and
 * runs or cancels jobs.
 *
 * Guarantees: every job a worker pops is either run once or, during a
 * cancelling shutdown, cancelled; a normal job popped while an urgent one is
 * outstanding waits in the worker's stash (the urgent rule,
 * priority_classes.h).  worker_loop returns once the pool is shut down and
 * drained, after the worker's last touch of the pool.
 */
#ifndef CYMADE_WORKER_H
#define CYMADE_WORKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "cymade/atomic.h"
#include "cymade/cacheline.h"
#include "pool_internal.h"
#include "queued_job.h"

/* worker.thread_state: whether a thread was asked to run the worker. */
enum { WORKER_UNCLAIMED = 0, WORKER_STARTING = 1, WORKER_RUNNING = 2 };

struct worker {
    _Alignas(CYMADE_CACHELINE_SIZE) cymade_pool *pool;
    size_t index;
    pthread_t thread;
    bool joinable;  /* the engine started `thread` and joins it */
    bool ran_a_job; /* an on-demand worker's first job was started for it */
    cymade_atomic_u64 thread_state;
    queued_job stash; /* a normal job popped while an urgent one was outstanding */
    bool has_stash;
    bool stash_stolen;
    bool parks_untimed; /* the park under way has no deadline: find_job saw no background job */
    /* Single-writer counters: only this worker stores, anyone may load. */
    cymade_atomic_u64 foreground_completed; /* urgent and normal jobs */
    cymade_atomic_u64 background_completed;
    cymade_atomic_u64 stolen;
    cymade_atomic_u64 running;
};

/* initial-exec: the engine is also linked into a dlopen()ed Python
 * extension, where the default model costs a __tls_get_addr call on every
 * submit; two words fit glibc's static TLS reserve for such modules. */
#define POOL_TLS _Thread_local __attribute__((tls_model("initial-exec")))

/* The worker the calling thread runs, or NULL. */
extern POOL_TLS worker *current_worker;

/* Readies workers[index] of `pool` (no thread yet). */
void worker_init(worker *self, cymade_pool *pool, size_t index);

/* Runs the worker on the calling thread until the pool is shut down and
 * drained; then releases its claim (pool_release_worker_claim). */
void worker_loop(worker *self);

/* Ends a queued job that will not run: cancels its future, or counts a
 * fire-and-forget job in stats.cancelled. */
void cancel_queued_job(cymade_pool *pool, queued_job job);

/* Drops an urgent job's claim on the priority state, waking the workers if
 * it was the last. */
void release_urgent_slot(cymade_pool *pool);

#endif /* CYMADE_WORKER_H */
