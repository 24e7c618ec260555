/*
 * cymade/pool.h - a thread pool with a lock-free normal path and priorities.
 *
 * Queues.  Every worker owns a growable multi-producer/multi-
 * consumer ring (Vyukov's bounded MPMC ring; a full ring is replaced by one
 * twice its size, and the old one is freed through RCU once drained).
 * Submitters push round-robin, 16 consecutive jobs to a ring before the
 * next ring's turn (a thread-local cursor, so no shared counter; runs keep
 * the submitter and each worker on different cache lines of the ring);
 * a worker that submits pushes to its own ring.  A worker pops its own ring
 * and steals from the others when it is empty.
 *
 * Priority classes (cymade_pool_schedule):
 *   priority < 0  urgent: runs before anything else, lowest value first.
 *                 Once cymade_pool_schedule has returned for an urgent job,
 *                 no normal or background job submitted after that return
 *                 starts while any urgent job is queued or running.  (A job
 *                 submitted earlier may already have been taken by a worker
 *                 and run alongside it.)  Several urgent jobs may run at once.
 *   priority == 0 normal: FIFO per ring, the lock-free fast path.
 *   priority > 0  background: starts only when no urgent job is pending and
 *                 at least `priority` ms have passed since the last urgent or
 *                 normal job finished (or since the pool started), lowest
 *                 value first.  Once the pool is shut down no more work can
 *                 arrive, so queued background jobs stop waiting (a
 *                 shutdown that waits is not held up by their delays).
 *
 * Guarantees: every job that a submit accepted (returned CYMADE_OK) either
 * runs exactly once or ends CANCELLED, and its future says which.
 *
 * Memory ordering: everything the submitting thread did before a submit
 * that returns CYMADE_OK happens-before the job runs; everything the job did
 * happens-before whoever observes its future final (future.h).
 *
 * Thread safety: every function may be called from any thread at once, the
 * pool's own jobs included, except that cymade_pool_destroy must be the last
 * call on a pool (no other may be in flight), and neither it nor
 * cymade_pool_shutdown with wait=true may be called from one of the pool's
 * own workers (CYMADE_EINVAL: it would wait for itself).
 *
 * Fork: a pool created before fork() returns CYMADE_EFORKED from every call
 * in the child (its workers did not survive the fork); create a new pool.
 */
#ifndef CYMADE_POOL_H
#define CYMADE_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cymade/error.h"
#include "cymade/future.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cymade_pool cymade_pool;

typedef struct cymade_pool_options {
    size_t workers;       /* the most workers: >= 1 and <= CYMADE_POOL_MAX_WORKERS */
    size_t ring_capacity; /* initial cells per ring (power of two >= 2); 0: default */
    /* false (default): every worker starts in cymade_pool_create.
     * true: none does; a submit starts one more worker whenever fewer than
     * `workers` have started and no idle worker is left that an earlier
     * submit has not already counted on, as
     * concurrent.futures.ThreadPoolExecutor does, so a large `workers` costs
     * nothing until the load needs it. */
    bool start_on_demand;
    /* Optional: starts worker `worker` on a thread of the embedder's, which
     * must call cymade_pool_run_worker(pool, worker).  Returns CYMADE_OK, or
     * an error code if no thread could be started.  NULL: the engine starts
     * a POSIX thread and joins it in cymade_pool_destroy.  Called from
     * cymade_pool_create, or for on-demand starts from the submitting thread
     * inside the submit call, after the job was queued, with no engine lock
     * held but the start lock (one start at a time; a submit that finds a
     * start under way does not wait for it).  An on-demand start that fails
     * does not fail the submit: the pool carries on with the workers it has,
     * a later submit tries again, and if no worker ever starts, shutdown
     * with wait (or destroy) cancels the queued jobs. */
    int (*start_worker)(cymade_pool *pool, size_t worker, void *context);
    /* Optional hooks, run on each worker thread: at start; whenever it runs
     * out of work, before it spins and parks; and at exit.  The Python
     * extension releases the GIL in on_idle (a worker must not spin holding
     * it). */
    void (*on_worker_start)(size_t worker, void *context);
    void (*on_worker_idle)(size_t worker, void *context);
    void (*on_worker_stop)(size_t worker, void *context);
    void *hook_context; /* passed to start_worker and the hooks */
} cymade_pool_options;

#define CYMADE_POOL_MAX_WORKERS 1024
#define CYMADE_POOL_DEFAULT_RING_CAPACITY 1024

/* Fills `options` with defaults for `workers` workers. */
void cymade_pool_options_init(cymade_pool_options *options, size_t workers);

/* Creates a pool and, unless start_on_demand, starts its workers.
 * CYMADE_EINVAL for a NULL argument or bad option, CYMADE_ENOMEM,
 * CYMADE_EAGAIN (or start_worker's error) if a worker cannot start. */
int cymade_pool_create(cymade_pool **pool, const cymade_pool_options *options);

/* Runs worker `worker` on the calling thread, which a start_worker hook
 * started for it: takes jobs until the pool is shut down and drained, then
 * returns CYMADE_OK.  CYMADE_EINVAL if the engine did not ask for this
 * worker or it already runs; CYMADE_EFORKED.  Once it returns the pool may
 * already be freed. */
int cymade_pool_run_worker(cymade_pool *pool, size_t worker);

/* Queues job(arg) at normal priority.  If `future` is not NULL it receives a
 * new reference to the job's future.  CYMADE_EINVAL (NULL pool or job),
 * CYMADE_ESHUTDOWN, CYMADE_ENOMEM, CYMADE_EFORKED; on error nothing was
 * queued and *future is left untouched.  Everything the caller wrote before
 * the submit is visible to the job. */
int cymade_pool_submit(cymade_pool *pool, cymade_job_fn job, void *arg, cymade_future **future);

/* As cymade_pool_submit, at `priority` (see the classes above). */
int cymade_pool_schedule(cymade_pool *pool, int64_t priority, cymade_job_fn job, void *arg, cymade_future **future);

/* Queues an embedder-initialised future (cymade_future_init) at `priority`.
 * On success the pool takes over the caller's reference (retain first to
 * keep one); on error the caller still owns it.  Submit a future once. */
int cymade_pool_submit_future(cymade_pool *pool, int64_t priority, cymade_future *future);

/* Stops accepting jobs.  With `cancel_pending`, every job not yet started is
 * cancelled; otherwise queued jobs still run.  With `wait`, returns after the
 * workers have finished every job that will run and left their loops (and
 * cancels what no worker is left to run: possible only if none could ever
 * start).  Idempotent, and safe from any thread at once: a call never waits
 * for another one, and wait=false never blocks on the workers.  A later call
 * may add cancel_pending or wait.  Must not be called with wait=true from one
 * of the pool's own workers (CYMADE_EINVAL). */
int cymade_pool_shutdown(cymade_pool *pool, bool wait, bool cancel_pending);

/* Shuts down (waiting, without cancelling) if needed, then frees the pool.
 * Must not be called from one of the pool's own workers (CYMADE_EINVAL).
 * Any later use of the pool is undefined behaviour: the pool's memory is
 * gone, so no call can tell it was destroyed.  (CYMADE_EINVAL for a pointer
 * that is not a pool only catches pointers that never were one.) */
int cymade_pool_destroy(cymade_pool *pool);

typedef struct cymade_worker_stats {
    uint64_t completed; /* jobs this worker ran to completion */
    uint64_t stolen;    /* of those, jobs taken from another worker's ring */
    uint64_t queued;    /* jobs waiting in this worker's ring(s) */
    uint64_t ring_grows;
} cymade_worker_stats;

typedef struct cymade_pool_stats {
    uint64_t queued; /* all classes, not yet started */
    uint64_t running;
    uint64_t completed;
    uint64_t cancelled;
    uint64_t stolen;
    uint64_t ring_grows;
    size_t workers;         /* the most workers (cymade_pool_options.workers) */
    size_t started_workers; /* workers started so far */
} cymade_pool_stats;

/* A snapshot; counters are read without stopping the pool.  `per_worker`
 * may be NULL, else it must hold `stats->workers` entries (query first with
 * per_worker = NULL to learn the count). */
int cymade_pool_get_stats(cymade_pool *pool, cymade_pool_stats *stats, cymade_worker_stats *per_worker);

/* The index of the calling thread if it is one of `pool`'s workers, else -1. */
int cymade_pool_current_worker(const cymade_pool *pool);

#ifdef __cplusplus
}
#endif

#endif /* CYMADE_POOL_H */
