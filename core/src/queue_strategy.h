/*
 * queue_strategy.h - how the pool stores normal-priority jobs.
 *
 * The pool's worker loop, priorities and lifecycle are written once against
 * this interface; the strategies differ only in the queue and in how an idle
 * worker sleeps.  That makes the benchmarks compare queues, not pools.  The
 * engine ships one strategy, ring_queue.c; the baselines it is measured
 * against live outside it, in core/baselines/.
 */
#ifndef CYMADE_QUEUE_STRATEGY_H
#define CYMADE_QUEUE_STRATEGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cymade/pool.h"
#include "queued_job.h"

typedef struct job_queue job_queue;

typedef struct queue_strategy {
    const char *name;
    /* NULL when out of memory or on a bad capacity. */
    job_queue *(*create)(size_t workers, size_t ring_capacity);
    /* Frees the queue; it must be empty and no thread may use it any more. */
    void (*destroy)(job_queue *queue);
    /* Appends `job` near `worker_hint` (any value; reduced modulo the active
     * workers, see set_active) and wakes a parked worker.  CYMADE_OK, or CYMADE_ENOMEM or
     * CYMADE_ESHUTDOWN (after close) with nothing queued. */
    int (*push)(job_queue *queue, size_t worker_hint, queued_job job);
    /* Takes the next job for `worker` into *job: its own first, then
     * others' (*stolen is then set).  False when every queue looked empty. */
    bool (*pop)(job_queue *queue, size_t worker, queued_job *job, bool *stolen);
    /* Pushes and steals involve only the first `workers` workers' queues
     * from now on (1 <= workers <= the count given to create, which is the
     * initial value): a pool whose workers start on demand keeps jobs where
     * a worker runs.  Only ever raised.  Strategies with one shared queue
     * ignore it. */
    void (*set_active)(job_queue *queue, size_t workers);
    /* Sleeps until woken, the CLOCK_MONOTONIC deadline (NULL: none), or at
     * once if a job is queued or `has_other_work(context)` is true.  The
     * re-check happens after the sleeper is announced, so a push or a
     * wake_all that follows a false re-check always wakes it.
     * has_other_work must not call back into the strategy (it may run
     * under the strategy's lock). */
    void (*park)(job_queue *queue, bool (*has_other_work)(void *context), void *context,
                 const struct timespec *deadline);
    /* Makes every later push fail with CYMADE_ESHUTDOWN.  A push that
     * succeeded happened before the close, so its job will be popped. */
    void (*close)(job_queue *queue);
    /* True once closed and every job has been popped. */
    bool (*is_drained)(job_queue *queue);
    /* Brackets a worker's spinning search for work, so that pushes need not
     * wake a parked worker while one is already looking (may be no-ops).
     * search_end(found=true) wakes a parked worker in its turn: jobs pushed
     * during the search woke nobody, and the searcher takes only one. */
    void (*search_begin)(job_queue *queue);
    void (*search_end)(job_queue *queue, bool found);
    /* Wakes every parked worker (call after making has_other_work true). */
    void (*wake_all)(job_queue *queue);
    /* Jobs queued at `worker` (snapshot) and how often its ring grew. */
    void (*worker_counts)(job_queue *queue, size_t worker, uint64_t *queued, uint64_t *grows);
} queue_strategy;

/* The engine's strategy (ring_queue.c): what cymade_pool_create uses. */
extern const queue_strategy ring_queue_strategy;

/* cymade_pool_create over `strategy`, for the benchmarks and tests that
 * measure the baselines (core/baselines/baseline_strategies.h) against the
 * rings.  CYMADE_EINVAL also for a NULL strategy. */
int pool_create_with_strategy(cymade_pool **pool, const cymade_pool_options *options, const queue_strategy *strategy);

#endif /* CYMADE_QUEUE_STRATEGY_H */
