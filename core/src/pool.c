/*
 * pool.c - the public pool API: creation, submission, shutdown and
 * destruction, worker starts (at creation or on demand), the fork check and
 * statistics.  The workers' loop is worker.c; urgent and background jobs are
 * priority_classes.c; the worker-claim handshake is stated in
 * pool_internal.h.
 *
 * The normal submit path is a strategy push (lock-free for the rings) and,
 * in on-demand pools only, one more load (claim_worker).
 */
#include "cymade/pool.h"

#include <pthread.h>

#include "alloc.h"
#include "cymade/cacheline.h"
#include "future_internal.h"
#include "job_heap.h"
#include "pool_internal.h"
#include "priority_classes.h"
#include "queue_strategy.h"
#include "queued_job.h"
#include "rcu.h"
#include "worker.h"

/* Tells pools from other pointers; it cannot tell a destroyed pool (pool.h). */
#define POOL_MAGIC UINT64_C(0x63796d6164656f6b) /* "cymadeok" */

/* ---------------------------------------------------------------------------
 * Fork: the child keeps the pool's memory but none of its threads.
 * ------------------------------------------------------------------------- */

static cymade_atomic_u64 fork_generation;
static pthread_once_t fork_hook_once = PTHREAD_ONCE_INIT;

static void count_fork_in_child(void) {
    /* relaxed: the child is single-threaded here. */
    cymade_atomic_u64_fetch_add(&fork_generation, 1, memory_order_relaxed);
}

static void install_fork_hook(void) {
    pthread_atfork(NULL, NULL, count_fork_in_child);
}

/* CYMADE_OK if `pool` is a pool of this process (or was one: pool.h). */
static int check_pool(const cymade_pool *pool) {
    if (pool == NULL || pool->magic != POOL_MAGIC) {
        return CYMADE_EINVAL;
    }
    /* relaxed: only ever changed in a fork child before it has threads. */
    if (cymade_atomic_u64_load(&fork_generation, memory_order_relaxed) != pool->fork_generation) {
        return CYMADE_EFORKED;
    }
    return CYMADE_OK;
}

/* ---------------------------------------------------------------------------
 * Worker threads: claims and starts (the handshake is in pool_internal.h)
 * ------------------------------------------------------------------------- */

/* The round-robin cursor of submits from threads that are not workers.
 * Each worker's ring receives SUBMIT_RUN_LENGTH consecutive jobs before the
 * next ring's turn (cymade/pool.h).  One job per ring in turn put every push
 * in a different ring, so each push and each pop moved a cache line between
 * the submitter and a worker draining the same few cells; runs of
 * consecutive cells share lines.  With a single submitter this took 2 and 4
 * workers from 3.3e7 to 3.9e7 and from 3.0e7 to 4.4e7 no-op jobs/s
 * (bench/c/pool_throughput.c, medians of 6).  Idle workers steal, so a
 * burst shorter than a run still spreads. */
#define SUBMIT_RUN_LENGTH 16
static POOL_TLS size_t submit_cursor;

/* idle_workers works like ThreadPoolExecutor's idle semaphore: a worker
 * going idle after a job adds one (not a new worker: the submit that
 * started it is about to queue its job), and a submit takes one instead of
 * starting a worker, so a burst of submits starts workers even before the
 * idle one woke up; a worker leaving idleness takes back its own one if no
 * submit did.  False if there was none. */
bool pool_take_idle_worker(cymade_pool *pool) {
    /* relaxed: a heuristic, see next_job in worker.c. */
    uint64_t idle = cymade_atomic_u64_load(&pool->idle_workers, memory_order_relaxed);
    while (idle > 0 && !cymade_atomic_u64_compare_exchange_weak(&pool->idle_workers, &idle, idle - 1,
                                                                memory_order_relaxed, memory_order_relaxed)) {
    }
    return idle > 0;
}

void pool_release_worker_claim(cymade_pool *pool) {
    pthread_mutex_lock(&pool->lifecycle_lock);
    /* seq_cst: pairs with shutdown's wait, as every access to the count. */
    if (cymade_atomic_u64_fetch_sub(&pool->live_workers, 1, memory_order_seq_cst) == 1) {
        pthread_cond_broadcast(&pool->workers_left);
    }
    pthread_mutex_unlock(&pool->lifecycle_lock);
}

int cymade_pool_run_worker(cymade_pool *pool, size_t index) {
    int rc = check_pool(pool);
    if (rc != CYMADE_OK) {
        return rc;
    }
    if (index >= pool->worker_count) {
        return CYMADE_EINVAL;
    }
    worker *self = &pool->workers[index];
    uint64_t expected = WORKER_STARTING;
    /* acquire: pairs with the claim's release, so the worker sees the pool
     * as its starter left it (on threads the engine did not create). */
    if (!cymade_atomic_u64_compare_exchange_strong(&self->thread_state, &expected, WORKER_RUNNING, memory_order_acquire,
                                                   memory_order_relaxed)) {
        return CYMADE_EINVAL;
    }
    worker_loop(self);
    return CYMADE_OK;
}

static void *worker_thread_main(void *argument) {
    worker *self = argument;
    cymade_pool_run_worker(self->pool, self->index);
    return NULL;
}

/* Starts the next worker, index started_workers; the caller holds
 * start_lock (or is cymade_pool_create).  CYMADE_ESHUTDOWN once closing. */
static int start_next_worker(cymade_pool *pool) {
    /* relaxed: only changed under start_lock, which we hold. */
    size_t index = (size_t)cymade_atomic_u64_load(&pool->started_workers, memory_order_relaxed);
    worker *self = &pool->workers[index];
    /* seq_cst: the claim, then the closing check (pool_internal.h). */
    cymade_atomic_u64_fetch_add(&pool->live_workers, 1, memory_order_seq_cst);
    if (cymade_atomic_u64_load(&pool->closing, memory_order_seq_cst) != 0) {
        pool_release_worker_claim(pool);
        return CYMADE_ESHUTDOWN;
    }
    pool->strategy->set_active(pool->queue, index + 1);
    /* release: pairs with cymade_pool_run_worker's acquire. */
    cymade_atomic_u64_store(&self->thread_state, WORKER_STARTING, memory_order_release);
    int rc;
    if (pool->options.start_worker != NULL) {
        rc = pool->options.start_worker(pool, index, pool->options.hook_context);
    } else {
        rc = pthread_create(&self->thread, NULL, worker_thread_main, self) == 0 ? CYMADE_OK : CYMADE_EAGAIN;
        self->joinable = rc == CYMADE_OK;
    }
    if (rc != CYMADE_OK) {
        cymade_atomic_u64_store(&self->thread_state, WORKER_UNCLAIMED, memory_order_relaxed); /* relaxed: no thread */
        pool_release_worker_claim(pool);
        return rc;
    }
    /* release: a submitter that sees the count sees the worker's ring active. */
    cymade_atomic_u64_store(&pool->started_workers, index + 1, memory_order_release);
    return CYMADE_OK;
}

/* On-demand pools: starts a worker for the job just queued, none being
 * idle (queued first, as ThreadPoolExecutor does, so that the new worker
 * finds it at once).  A worker that cannot start is not the submit's
 * failure: the job waits for a worker that a later submit starts, or
 * shutdown cancels it (cymade_pool_shutdown). */
static void start_worker_on_demand(cymade_pool *pool) {
    /* A submit never waits for a start under way (the starter may need the
     * Python GIL that this submitter holds): it leaves a request, and
     * whoever holds start_lock serves every request before it leaves, or
     * sees it after unlocking and comes back.  (Skipping the request would
     * strand a job whose only worker is the one being started, if that
     * worker then waits for the job.)
     * seq_cst, with the fence below: the request and the unlock cannot both
     * be missed by the other side. */
    cymade_atomic_u64_fetch_add(&pool->start_requests, 1, memory_order_seq_cst);
    while (cymade_atomic_u64_load(&pool->start_requests, memory_order_seq_cst) != 0 &&
           pthread_mutex_trylock(&pool->start_lock) == 0) {
        for (uint64_t requests = cymade_atomic_u64_exchange(&pool->start_requests, 0, memory_order_seq_cst);
             requests > 0; requests--) {
            /* relaxed: only changed under start_lock, which we hold. */
            if (cymade_atomic_u64_load(&pool->started_workers, memory_order_relaxed) < pool->worker_count) {
                (void)start_next_worker(pool); /* a failure is not the submit's: see above */
            }
        }
        pthread_mutex_unlock(&pool->start_lock);
        cymade_atomic_thread_fence(memory_order_seq_cst);
    }
}

/* What a submit to an on-demand pool does about workers: nothing once
 * every worker started, else count on an idle one or start one. */
typedef enum worker_claim { WORKERS_ALL_STARTED, IDLE_WORKER_CLAIMED, WORKER_TO_START } worker_claim;

/* Before queuing: the submit path's one extra load.  An idle worker is
 * claimed before the job becomes visible: a worker still spinning may pop
 * the job at once and, leaving idleness, take back its own count unless a
 * submit claimed it (worker.c), so a claim made after queuing could find
 * none and start a worker the pool did not need. */
static worker_claim claim_worker(cymade_pool *pool) {
    if (!pool_starting_on_demand(pool)) {
        return WORKERS_ALL_STARTED;
    }
    return pool_take_idle_worker(pool) ? IDLE_WORKER_CLAIMED : WORKER_TO_START;
}

/* After queuing (`queued`: the push's result): starts the worker the claim
 * asked for, or gives back an idle worker's count if nothing was queued. */
static void settle_worker_claim(cymade_pool *pool, worker_claim claim, int queued) {
    if (queued != CYMADE_OK) {
        if (claim == IDLE_WORKER_CLAIMED) {
            /* relaxed: a heuristic, as in pool_take_idle_worker. */
            cymade_atomic_u64_fetch_add(&pool->idle_workers, 1, memory_order_relaxed);
        }
    } else if (claim == WORKER_TO_START) {
        start_worker_on_demand(pool);
    }
}

/* ---------------------------------------------------------------------------
 * Creation
 * ------------------------------------------------------------------------- */

void cymade_pool_options_init(cymade_pool_options *options, size_t workers) {
    *options = (cymade_pool_options){
        .workers = workers,
        .ring_capacity = CYMADE_POOL_DEFAULT_RING_CAPACITY,
    };
}

static void abort_create(cymade_pool *pool);

int cymade_pool_create(cymade_pool **out, const cymade_pool_options *options) {
    return pool_create_with_strategy(out, options, &ring_queue_strategy);
}

int pool_create_with_strategy(cymade_pool **out, const cymade_pool_options *options, const queue_strategy *strategy) {
    if (out == NULL || options == NULL || strategy == NULL || options->workers < 1 ||
        options->workers > CYMADE_POOL_MAX_WORKERS) {
        return CYMADE_EINVAL;
    }
    size_t capacity = options->ring_capacity ? options->ring_capacity : CYMADE_POOL_DEFAULT_RING_CAPACITY;
    if (capacity < 2 || (capacity & (capacity - 1)) != 0) {
        return CYMADE_EINVAL;
    }
    pthread_once(&fork_hook_once, install_fork_hook);
    cymade_rcu_init();

    cymade_pool *pool = cymade_aligned_alloc(CYMADE_CACHELINE_SIZE, sizeof *pool);
    worker *workers = cymade_aligned_alloc(CYMADE_CACHELINE_SIZE, options->workers * sizeof *workers);
    job_queue *queue = strategy->create(options->workers, capacity);
    if (pool == NULL || workers == NULL || queue == NULL) {
        cymade_free(pool);
        cymade_free(workers);
        if (queue != NULL) {
            strategy->destroy(queue);
        }
        return CYMADE_ENOMEM;
    }
    pool->magic = POOL_MAGIC;
    /* relaxed: only a fork child changes it, before it has other threads. */
    pool->fork_generation = cymade_atomic_u64_load(&fork_generation, memory_order_relaxed);
    pool->strategy = strategy;
    pool->queue = queue;
    pool->worker_count = options->workers;
    pool->workers = workers;
    pool->options = *options;
    priority_classes_init(&pool->priorities);
    cymade_atomic_u64_init(&pool->closing, 0);
    cymade_atomic_u64_init(&pool->cancelled, 0);
    pthread_mutex_init(&pool->lifecycle_lock, NULL);
    pthread_cond_init(&pool->workers_left, NULL);
    pthread_mutex_init(&pool->start_lock, NULL);
    cymade_atomic_u64_init(&pool->started_workers, 0);
    cymade_atomic_u64_init(&pool->live_workers, 0);
    cymade_atomic_u64_init(&pool->idle_workers, 0);
    cymade_atomic_u64_init(&pool->start_requests, 0);

    for (size_t i = 0; i < pool->worker_count; i++) {
        worker_init(&workers[i], pool, i);
    }
    if (options->start_on_demand) {
        strategy->set_active(queue, 1); /* worker 0's ring takes the first jobs */
    }
    for (size_t i = 0; !options->start_on_demand && i < pool->worker_count; i++) {
        int rc = start_next_worker(pool);
        if (rc != CYMADE_OK) {
            abort_create(pool);
            return rc;
        }
    }
    *out = pool;
    return CYMADE_OK;
}

/* ---------------------------------------------------------------------------
 * Submission
 * ------------------------------------------------------------------------- */

static int enqueue_prioritised(cymade_pool *pool, cymade_future *job) {
    int rc = priority_classes_push(&pool->priorities, job);
    if (rc == CYMADE_OK) {
        pool->strategy->wake_all(pool->queue);
    } else if (rc == CYMADE_ENOMEM && job->priority < 0) {
        /* Outside the classes' lock: the wake-up may take the queue's lock,
         * which a parking worker holds while it takes the classes' lock
         * (worker_has_other_work in worker.c). */
        release_urgent_slot(pool);
    }
    return rc;
}

/* Queues a normal-priority job: the lock-free fast path. */
static int enqueue_normal(cymade_pool *pool, queued_job job) {
    worker *self = current_worker;
    size_t hint = (self != NULL && self->pool == pool) ? self->index : submit_cursor++ / SUBMIT_RUN_LENGTH;
    return pool->strategy->push(pool->queue, hint, job);
}

/* Queues `future`, which already carries the pool's reference. */
static int enqueue(cymade_pool *pool, cymade_future *future) {
    worker_claim claim = claim_worker(pool);
    int rc = future->priority != 0 ? enqueue_prioritised(pool, future) : enqueue_normal(pool, queued_future(future));
    settle_worker_claim(pool, claim, rc);
    return rc;
}

int cymade_pool_submit_future(cymade_pool *pool, int64_t priority, cymade_future *future) {
    int rc = check_pool(pool);
    if (rc != CYMADE_OK) {
        return rc;
    }
    if (future == NULL || future->job == NULL || cymade_future_get_state(future) != CYMADE_FUTURE_PENDING) {
        return CYMADE_EINVAL;
    }
    future->priority = priority;
    return enqueue(pool, future); /* the caller's reference becomes the pool's */
}

int cymade_pool_schedule(cymade_pool *pool, int64_t priority, cymade_job_fn job, void *arg, cymade_future **future) {
    int rc = check_pool(pool);
    if (rc != CYMADE_OK) {
        return rc;
    }
    if (job == NULL) {
        return CYMADE_EINVAL;
    }
    if (priority == 0 && future == NULL) {
        worker_claim claim = claim_worker(pool);
        rc = enqueue_normal(pool, (queued_job){.fn = job, .arg = arg}); /* no allocation */
        settle_worker_claim(pool, claim, rc);
        return rc;
    }
    cymade_future *created = future_create(job, arg);
    if (created == NULL) {
        return CYMADE_ENOMEM;
    }
    created->priority = priority;
    /* relaxed: the future is still private; one reference for the pool and
     * one for the caller, if they asked for it. */
    cymade_atomic_u64_store(&created->references, future != NULL ? 2 : 1, memory_order_relaxed);
    rc = enqueue(pool, created);
    if (rc != CYMADE_OK) {
        cymade_atomic_u64_store(&created->references, 1, memory_order_relaxed);
        cymade_future_release(created);
    } else if (future != NULL) {
        *future = created;
    }
    return rc;
}

int cymade_pool_submit(cymade_pool *pool, cymade_job_fn job, void *arg, cymade_future **future) {
    return cymade_pool_schedule(pool, 0, job, arg, future);
}

/* ---------------------------------------------------------------------------
 * Shutdown and destruction
 * ------------------------------------------------------------------------- */

static void cancel_everything_queued(cymade_pool *pool) {
    bool stolen;
    for (queued_job job; pool->strategy->pop(pool->queue, 0, &job, &stolen);) {
        cancel_queued_job(pool, job);
    }
    job_heap urgent;
    job_heap background;
    priority_classes_take_all(&pool->priorities, &urgent, &background);
    for (cymade_future *future; (future = job_heap_pop(&urgent)) != NULL;) {
        cancel_queued_job(pool, queued_future(future));
    }
    for (cymade_future *future; (future = job_heap_pop(&background)) != NULL;) {
        cancel_queued_job(pool, queued_future(future));
    }
    job_heap_destroy(&urgent);
    job_heap_destroy(&background);
}

static void free_pool(cymade_pool *pool) {
    /* Every worker has left its loop; the engine's own threads may still be
     * returning from it. */
    for (size_t i = 0; i < pool->worker_count; i++) {
        if (pool->workers[i].joinable) {
            pthread_join(pool->workers[i].thread, NULL);
        }
    }
    pool->strategy->destroy(pool->queue);
    priority_classes_destroy(&pool->priorities);
    pthread_mutex_destroy(&pool->lifecycle_lock);
    pthread_cond_destroy(&pool->workers_left);
    pthread_mutex_destroy(&pool->start_lock);
    cymade_free(pool->workers);
    cymade_free(pool);
}

/* Refuses new jobs from now on (idempotent). */
static void close_pool(cymade_pool *pool) {
    pthread_mutex_lock(&pool->lifecycle_lock);
    /* relaxed: closing is only stored under lifecycle_lock, which we hold. */
    if (cymade_atomic_u64_load(&pool->closing, memory_order_relaxed) == 0) {
        pool->strategy->close(pool->queue);
        priority_classes_close(&pool->priorities);
        /* seq_cst: a worker that reads closing sees the queue closed, and a
         * worker claim either sees it or is seen by the wait (pool_internal.h). */
        cymade_atomic_u64_store(&pool->closing, 1, memory_order_seq_cst);
    }
    pthread_mutex_unlock(&pool->lifecycle_lock);
}

/* Waits, without holding any lock, until every claimed worker left its loop. */
static void wait_for_workers(cymade_pool *pool) {
    pthread_mutex_lock(&pool->lifecycle_lock);
    /* seq_cst: the wait side of the claim handshake (pool_internal.h). */
    while (cymade_atomic_u64_load(&pool->live_workers, memory_order_seq_cst) != 0) {
        pthread_cond_wait(&pool->workers_left, &pool->lifecycle_lock);
    }
    pthread_mutex_unlock(&pool->lifecycle_lock);
}

/* A worker failed to start: stop the ones that did (nothing was queued). */
static void abort_create(cymade_pool *pool) {
    close_pool(pool);
    pool->strategy->wake_all(pool->queue);
    wait_for_workers(pool);
    free_pool(pool);
}

int cymade_pool_shutdown(cymade_pool *pool, bool wait, bool cancel_pending) {
    int rc = check_pool(pool);
    if (rc != CYMADE_OK) {
        return rc;
    }
    worker *self = current_worker;
    if (wait && self != NULL && self->pool == pool) {
        return CYMADE_EINVAL; /* a worker cannot wait for itself to exit */
    }
    close_pool(pool);
    if (cancel_pending) {
        priority_classes_start_cancelling(&pool->priorities);
        cancel_everything_queued(pool);
    }
    pool->strategy->wake_all(pool->queue);
    if (wait) {
        wait_for_workers(pool);
        /* What is still queued has no worker left to run it: possible only in
         * an on-demand pool none of whose workers could start. */
        cancel_everything_queued(pool);
    }
    return CYMADE_OK;
}

int cymade_pool_destroy(cymade_pool *pool) {
    int rc = check_pool(pool);
    if (rc != CYMADE_OK) {
        return rc;
    }
    worker *self = current_worker;
    if (self != NULL && self->pool == pool) {
        return CYMADE_EINVAL;
    }
    cymade_pool_shutdown(pool, true, false);
    free_pool(pool);
    return CYMADE_OK;
}

/* ---------------------------------------------------------------------------
 * Introspection
 * ------------------------------------------------------------------------- */

int cymade_pool_get_stats(cymade_pool *pool, cymade_pool_stats *stats, cymade_worker_stats *per_worker) {
    int rc = check_pool(pool);
    if (rc != CYMADE_OK) {
        return rc;
    }
    if (stats == NULL) {
        return CYMADE_EINVAL;
    }
    *stats = (cymade_pool_stats){
        .workers = pool->worker_count,
        /* relaxed: a snapshot. */
        .started_workers = (size_t)cymade_atomic_u64_load(&pool->started_workers, memory_order_relaxed),
    };
    for (size_t i = 0; i < pool->worker_count; i++) {
        worker *w = &pool->workers[i];
        cymade_worker_stats one;
        pool->strategy->worker_counts(pool->queue, i, &one.queued, &one.ring_grows);
        /* relaxed: a snapshot of statistics. */
        one.completed = cymade_atomic_u64_load(&w->foreground_completed, memory_order_relaxed) +
                        cymade_atomic_u64_load(&w->background_completed, memory_order_relaxed);
        one.stolen = cymade_atomic_u64_load(&w->stolen, memory_order_relaxed);
        stats->queued += one.queued;
        stats->running += cymade_atomic_u64_load(&w->running, memory_order_relaxed);
        stats->completed += one.completed;
        stats->stolen += one.stolen;
        stats->ring_grows += one.ring_grows;
        if (per_worker != NULL) {
            per_worker[i] = one;
        }
    }
    stats->queued += priority_classes_queued(&pool->priorities);
    stats->cancelled = cymade_atomic_u64_load(&pool->cancelled, memory_order_relaxed);
    return CYMADE_OK;
}

int cymade_pool_current_worker(const cymade_pool *pool) {
    worker *self = current_worker;
    return (self != NULL && self->pool == pool) ? (int)self->index : -1;
}
