/*
 * pool_internal.h - the pool object, shared by pool.c (public API,
 * lifecycle, fork check, statistics) and worker.c (the worker loop).
 *
 * Worker threads.  A worker is claimed (live_workers raised, then `closing`
 * checked, both seq_cst, so a shutdown that waits either sees the claim or
 * the claimer sees the shutdown), started by the start_worker hook or a
 * POSIX thread, and runs cymade_pool_run_worker until the pool is shut down
 * and drained; leaving, it lowers live_workers under the lifecycle lock and
 * signals waiting shutdowns (pool_release_worker_claim).  No lock is held
 * while waiting for workers, so shutdowns from any threads, workers
 * included, never wait for each other.
 */
#ifndef CYMADE_POOL_INTERNAL_H
#define CYMADE_POOL_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "cymade/atomic.h"
#include "cymade/pool.h"
#include "priority_classes.h"
#include "queue_strategy.h"

typedef struct worker worker;

struct cymade_pool {
    uint64_t magic;
    uint64_t fork_generation;
    const queue_strategy *strategy;
    job_queue *queue;
    size_t worker_count;
    worker *workers;
    cymade_pool_options options;

    priority_classes priorities;

    cymade_atomic_u64 closing;
    cymade_atomic_u64 cancelled;
    pthread_mutex_t lifecycle_lock;
    pthread_cond_t workers_left; /* live_workers reached 0; under lifecycle_lock */

    /* Worker threads: see the top of this file. */
    pthread_mutex_t start_lock;        /* one start at a time */
    cymade_atomic_u64 started_workers; /* workers below this index have a thread */
    cymade_atomic_u64 live_workers;    /* claimed and not yet out of their loop */
    cymade_atomic_u64 idle_workers;    /* on-demand pools: idle workers no submit has counted on yet */
    cymade_atomic_u64 start_requests;  /* on-demand starts asked for, not yet served */
};

/* Whether an on-demand pool may still start workers, so that its idle
 * workers must be counted.  relaxed: the count only grows, and a stale read
 * merely counts one idle spell more or less. */
static inline bool pool_starting_on_demand(cymade_pool *pool) {
    return pool->options.start_on_demand &&
           cymade_atomic_u64_load(&pool->started_workers, memory_order_relaxed) < pool->worker_count;
}

/* Takes one idle worker that no submit has counted on yet (see idle_workers
 * in pool.c); false if there was none. */
bool pool_take_idle_worker(cymade_pool *pool);

/* A claim ended: its worker left the loop, or its thread never started.
 * The pool may be freed as soon as this returns. */
void pool_release_worker_claim(cymade_pool *pool);

#endif /* CYMADE_POOL_INTERNAL_H */
