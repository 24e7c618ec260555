/*
 * pool.c - workers, priority classes and the pool's lifecycle.
 *
 * The normal path is a strategy push (lock-free for the rings) and, on the
 * worker side, a strategy pop followed by ONE atomic load of
 * `priority_state`.  That word is zero unless something unusual is going on
 * (an urgent job outstanding, a background job queued, or a cancelling
 * shutdown), and only then does a worker take the slow path.
 *
 * Urgent rule.  The urgent count is raised (seq_cst) before the job enters
 * the urgent heap, and a worker checks the word (seq_cst) after popping a
 * normal job.  If the check sees an urgent job, the normal job is kept
 * aside in the worker's stash and started once no urgent job is outstanding,
 * so no normal job starts after an urgent submit has returned.
 *
 * Background rule.  A background job becomes due `priority` ms after the
 * last urgent or normal job finished.  Workers count their foreground
 * completions in single-writer counters (no shared writes on the fast path);
 * an idle worker that sees a background job queued watches the sum and
 * restarts the delay whenever it changed.  It re-checks at least every
 * millisecond, so a background job may start up to ~1 ms late, never early.
 *
 * Worker threads.  A worker is claimed (live_workers raised, then `closing`
 * checked, both seq_cst, so a shutdown that waits either sees the claim or
 * the claimer sees the shutdown), started by the start_worker hook or a
 * POSIX thread, and runs cymade_pool_run_worker until the pool is shut down
 * and drained; leaving, it lowers live_workers under the lifecycle lock and
 * signals waiting shutdowns.  No lock is held while waiting for workers, so
 * shutdowns from any threads, workers included, never wait for each other.
 */
#include "cymade/pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#include "alloc.h"
#include "cpu_relax.h"
#include "cymade/cacheline.h"
#include "futex.h"
#include "future_internal.h"
#include "job_heap.h"
#include "queue_strategy.h"
#include "queued_job.h"
#include "rcu.h"

#define POOL_MAGIC UINT64_C(0x63796d6164656f6b) /* "cymadeok" */
#define POOL_DEAD UINT64_C(0xdeadbeefdeadbeef)

/* priority_state layout: urgent jobs queued or running in the low 32 bits,
 * background jobs queued in bits 32..62, and the cancelling flag on top. */
#define URGENT_ONE UINT64_C(1)
#define URGENT_MASK UINT64_C(0xffffffff)
#define BACKGROUND_ONE (UINT64_C(1) << 32)
#define BACKGROUND_MASK (UINT64_C(0x7fffffff) << 32)
#define CANCELLING (UINT64_C(1) << 63)

/* Attempts before parking: long enough to catch a job submitted right
 * behind the last one, short enough not to burn a core; every few rounds
 * the spinner yields, since on an oversubscribed machine the submitter it
 * is waiting for may need its core. */
#define SPIN_ROUNDS 256
#define SPINS_PER_YIELD 16
#define BACKGROUND_POLL_NS UINT64_C(1000000)

/* worker.thread_state: whether a thread was asked to run the worker. */
enum { WORKER_UNCLAIMED = 0, WORKER_STARTING = 1, WORKER_RUNNING = 2 };

typedef struct worker {
    _Alignas(CYMADE_CACHELINE_SIZE) cymade_pool *pool;
    size_t index;
    pthread_t thread;
    bool joinable;        /* the engine started `thread` and joins it */
    bool ran_a_job;       /* an on-demand worker's first job was started for it */
    cymade_atomic_u64 thread_state;
    queued_job stash; /* a normal job popped while an urgent one was outstanding */
    bool has_stash;
    bool stash_stolen;
    /* Single-writer counters: only this worker stores, anyone may load. */
    cymade_atomic_u64 foreground_completed; /* urgent and normal jobs */
    cymade_atomic_u64 background_completed;
    cymade_atomic_u64 stolen;
    cymade_atomic_u64 running;
} worker;

struct cymade_pool {
    uint64_t magic;
    uint64_t fork_generation;
    const queue_strategy *strategy;
    job_queue *queue;
    size_t worker_count;
    worker *workers;
    cymade_pool_options options;

    _Alignas(CYMADE_CACHELINE_SIZE) cymade_atomic_u64 priority_state;

    _Alignas(CYMADE_CACHELINE_SIZE) pthread_mutex_t priority_lock;
    job_heap urgent;
    job_heap background;
    uint64_t next_sequence;
    bool priority_closed;
    uint64_t watched_completions;  /* background rule, see above */
    uint64_t watched_since_ns;

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

/* CYMADE_OK if `pool` looks alive and belongs to this process. */
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
 * Workers
 * ------------------------------------------------------------------------- */

/* initial-exec: the engine is also linked into a dlopen()ed Python
 * extension, where the default model costs a __tls_get_addr call on every
 * submit; two words fit glibc's static TLS reserve for such modules. */
#define POOL_TLS _Thread_local __attribute__((tls_model("initial-exec")))

static POOL_TLS worker *current_worker;
static POOL_TLS size_t submit_cursor;

/* Single-writer increment: a plain load and store, no locked instruction. */
static void counter_increment(cymade_atomic_u64 *counter) {
    /* relaxed: statistics and the background watch tolerate staleness. */
    cymade_atomic_u64_store(counter, cymade_atomic_u64_load(counter, memory_order_relaxed) + 1,
                            memory_order_relaxed);
}

static void release_urgent_slot(cymade_pool *pool) {
    /* acq_rel: the last urgent job's completion must be visible to workers
     * that resume normal jobs after reading the count drop to zero. */
    uint64_t before = cymade_atomic_u64_fetch_sub(&pool->priority_state, URGENT_ONE, memory_order_acq_rel);
    if ((before & URGENT_MASK) == 1) {
        pool->strategy->wake_all(pool->queue);
    }
}

static void count_cancelled(cymade_pool *pool) {
    /* relaxed: a statistic. */
    cymade_atomic_u64_fetch_add(&pool->cancelled, 1, memory_order_relaxed);
}

static void cancel_future(cymade_pool *pool, cymade_future *future) {
    if (cymade_future_cancel(future)) {
        count_cancelled(pool);
    }
    if (future->priority < 0) {
        release_urgent_slot(pool);
    }
    cymade_future_release(future);
}

/* A job without a future has no one to tell: it is counted in
 * stats.cancelled, the caller's only window on it. */
static void cancel_queued(cymade_pool *pool, queued_job job) {
    if (job.fn != NULL) {
        count_cancelled(pool);
    } else {
        cancel_future(pool, job.arg);
    }
}

static void run_future(worker *self, cymade_future *future) {
    if (future_start(future)) {
        /* relaxed: statistics. */
        cymade_atomic_u64_store(&self->running, 1, memory_order_relaxed);
        void *result = NULL;
        int status = future->job(future->job_arg, &result);
        future_complete(future, result, status);
        cymade_atomic_u64_store(&self->running, 0, memory_order_relaxed);
        counter_increment(future->priority > 0 ? &self->background_completed : &self->foreground_completed);
    }
    if (future->priority < 0) {
        release_urgent_slot(self->pool);
    }
    cymade_future_release(future);
}

static void run_job(worker *self, queued_job job) {
    if (job.fn == NULL) {
        run_future(self, job.arg);
        return;
    }
    /* relaxed: statistics. */
    cymade_atomic_u64_store(&self->running, 1, memory_order_relaxed);
    void *ignored_result = NULL;
    job.fn(job.arg, &ignored_result);
    cymade_atomic_u64_store(&self->running, 0, memory_order_relaxed);
    counter_increment(&self->foreground_completed);
}

static uint64_t foreground_completions(cymade_pool *pool) {
    uint64_t total = 0;
    for (size_t i = 0; i < pool->worker_count; i++) {
        /* relaxed: the watch only needs to notice a change. */
        total += cymade_atomic_u64_load(&pool->workers[i].foreground_completed, memory_order_relaxed);
    }
    return total;
}

/* Takes the most urgent job, or NULL. */
static cymade_future *take_urgent(cymade_pool *pool) {
    pthread_mutex_lock(&pool->priority_lock);
    cymade_future *job = job_heap_pop(&pool->urgent);
    pthread_mutex_unlock(&pool->priority_lock);
    return job;
}

/* Takes the lowest background job if it is due; otherwise sets *wake_at to
 * when to look again. */
static cymade_future *take_background(cymade_pool *pool, uint64_t *wake_at) {
    uint64_t now = futex_monotonic_ns();
    uint64_t completions = foreground_completions(pool);
    cymade_future *job = NULL;
    pthread_mutex_lock(&pool->priority_lock);
    if (completions != pool->watched_completions) {
        pool->watched_completions = completions;
        pool->watched_since_ns = now;
    }
    cymade_future *lowest = job_heap_peek(&pool->background);
    if (lowest != NULL) {
        /* Saturating: a priority of centuries must not wrap around to "now". */
        uint64_t headroom_ns = UINT64_MAX - pool->watched_since_ns;
        uint64_t delay_ms = (uint64_t)lowest->priority;
        uint64_t due = pool->watched_since_ns + (delay_ms > headroom_ns / 1000000u ? headroom_ns : delay_ms * 1000000u);
        /* acquire: pairs with the urgent submit's count raise. */
        bool urgent = (cymade_atomic_u64_load(&pool->priority_state, memory_order_acquire) & URGENT_MASK) != 0;
        /* After shutdown no foreground job can arrive: the pool is as idle
         * as it will ever be, so background jobs no longer wait. */
        bool closing = cymade_atomic_u64_load(&pool->closing, memory_order_relaxed) != 0;
        if (!urgent && (now >= due || closing)) {
            job = job_heap_pop(&pool->background);
            /* relaxed: the heap itself is guarded by the lock. */
            cymade_atomic_u64_fetch_sub(&pool->priority_state, BACKGROUND_ONE, memory_order_relaxed);
        } else {
            *wake_at = due < now + BACKGROUND_POLL_NS ? due : now + BACKGROUND_POLL_NS;
        }
    }
    pthread_mutex_unlock(&pool->priority_lock);
    return job;
}

/* Shut down and nothing left for this worker: it may exit once the queue
 * is drained too. */
static bool worker_may_exit(worker *self) {
    /* acquire: closing is stored after the queue and the priority heaps were
     * closed, so once it is seen no urgent or background job can arrive any
     * more and the fresh read below is final.  (Judging from a state read
     * before closing could miss a job scheduled just before shutdown.) */
    if (self->has_stash || cymade_atomic_u64_load(&self->pool->closing, memory_order_acquire) == 0) {
        return false;
    }
    /* seq_cst: as every read of the word, ordered with the class counts. */
    uint64_t state = cymade_atomic_u64_load(&self->pool->priority_state, memory_order_seq_cst);
    return (state & (URGENT_MASK | BACKGROUND_MASK)) == 0;
}

static bool worker_should_exit(worker *self) {
    return worker_may_exit(self) && self->pool->strategy->is_drained(self->pool->queue);
}

/* The park re-check: true if this worker has something to do after all.
 * The strategy has just found its queue empty, so a worker that may exit
 * should wake to do so (and must not call back into the strategy). */
static bool worker_has_other_work(void *context) {
    worker *self = context;
    cymade_pool *pool = self->pool;
    /* seq_cst: part of the park/wake handshake with submitters. */
    uint64_t state = cymade_atomic_u64_load(&pool->priority_state, memory_order_seq_cst);
    if (state & URGENT_MASK) {
        pthread_mutex_lock(&pool->priority_lock);
        bool queued = job_heap_peek(&pool->urgent) != NULL;
        pthread_mutex_unlock(&pool->priority_lock);
        return queued;
    }
    return self->has_stash || worker_may_exit(self);
}

/* One attempt to find this worker a job: its stash, the queues, then the
 * priority classes.  Returns 1 with *job set, 0 for nothing yet, -1 when the
 * pool is shut down and drained.  *wake_at receives when a background job
 * becomes due (0: none). */
static int find_job(worker *self, queued_job *job, uint64_t *wake_at) {
    cymade_pool *pool = self->pool;
    bool stolen = false;
    bool found;
    uint64_t state;
    /* A cancelling shutdown makes this loop drain (and cancel) whatever it
     * pops: a loop, not recursion, as a million queued jobs may be waiting. */
    do {
        found = self->has_stash;
        if (found) {
            *job = self->stash;
            stolen = self->stash_stolen;
            self->has_stash = false;
        } else {
            found = pool->strategy->pop(pool->queue, self->index, job, &stolen);
        }
        /* seq_cst: the one load of the fast path; ordered after the pop so
         * an urgent submit that returned before it is seen (see top). */
        state = cymade_atomic_u64_load(&pool->priority_state, memory_order_seq_cst);
        if (found && (state & CANCELLING)) {
            cancel_queued(pool, *job);
        }
    } while (found && (state & CANCELLING));
    if (found && (state & URGENT_MASK) == 0) {
        if (stolen) {
            counter_increment(&self->stolen);
        }
        return 1;
    }
    if ((state & URGENT_MASK) && !(state & CANCELLING)) {
        if (found) {
            self->stash = *job;
            self->stash_stolen = stolen;
            self->has_stash = true;
        }
        cymade_future *urgent = take_urgent(pool);
        if (urgent != NULL) {
            *job = queued_future(urgent);
            return 1;
        }
    }
    *wake_at = 0;
    if ((state & BACKGROUND_MASK) != 0 && (state & (URGENT_MASK | CANCELLING)) == 0) {
        cymade_future *background = take_background(pool, wake_at);
        if (background != NULL) {
            *job = queued_future(background);
            return 1;
        }
    }
    return worker_should_exit(self) ? -1 : 0;
}

/* Whether an on-demand pool may still start workers, so that its idle
 * workers must be counted.  relaxed: the count only grows, and a stale read
 * merely counts one idle spell more or less. */
static bool starting_on_demand(cymade_pool *pool) {
    return pool->options.start_on_demand &&
           cymade_atomic_u64_load(&pool->started_workers, memory_order_relaxed) < pool->worker_count;
}

static int wait_for_job(worker *self, queued_job *job);

/* idle_workers works like ThreadPoolExecutor's idle semaphore: a worker
 * going idle after a job adds one (not a new worker: the submit that
 * started it is about to queue its job), and a submit takes one instead of
 * starting a worker, so a burst of submits starts workers even before the
 * idle one woke up; a worker leaving idleness takes back its own one if no
 * submit did.  False if there was none. */
static bool take_idle_worker(cymade_pool *pool) {
    /* relaxed: a heuristic, see next_job. */
    uint64_t idle = cymade_atomic_u64_load(&pool->idle_workers, memory_order_relaxed);
    while (idle > 0 && !cymade_atomic_u64_compare_exchange_weak(&pool->idle_workers, &idle, idle - 1,
                                                                memory_order_relaxed, memory_order_relaxed)) {
    }
    return idle > 0;
}

/* Takes the worker's next job into *job, spinning briefly and then parking
 * while there is none; false when the pool is shut down and drained. */
static bool next_job(worker *self, queued_job *job) {
    cymade_pool *pool = self->pool;
    uint64_t wake_at = 0;
    int found = find_job(self, job, &wake_at);
    if (found != 0) {
        return found > 0;
    }
    /* Counted before the idle hook lets the submitter we wait for run (it
     * may be blocked on the Python GIL), so that its next submit finds us.
     * relaxed: a heuristic for on-demand starts; a job submitted meanwhile
     * is never stranded, since a push wakes a parked worker regardless. */
    bool counted_idle = self->ran_a_job && starting_on_demand(pool);
    if (counted_idle) {
        cymade_atomic_u64_fetch_add(&pool->idle_workers, 1, memory_order_relaxed);
    }
    /* Out of work: let the embedder release what it holds (the Python GIL)
     * before spinning, or the submitter we wait for could not run. */
    if (pool->options.on_worker_idle != NULL) {
        pool->options.on_worker_idle(self->index, pool->options.hook_context);
    }
    found = wait_for_job(self, job);
    if (counted_idle) {
        take_idle_worker(pool); /* unless a submit already counted on us */
    }
    return found > 0;
}

/* next_job's idle part: spin, then park, until find_job has an answer. */
static int wait_for_job(worker *self, queued_job *job) {
    cymade_pool *pool = self->pool;
    uint64_t wake_at = 0;
    int found = 0;
    for (;;) {
        pool->strategy->search_begin(pool->queue);
        for (unsigned spin = 0; spin < SPIN_ROUNDS && found == 0; spin++) {
            if (spin % SPINS_PER_YIELD == SPINS_PER_YIELD - 1) {
                sched_yield(); /* let a submitter sharing our core run */
            } else {
                cpu_relax();
            }
            found = find_job(self, job, &wake_at);
        }
        /* A searcher that found work wakes a parked worker (the strategy
         * does), since pushes skipped wake-ups while it searched. */
        pool->strategy->search_end(pool->queue, found > 0);
        if (found != 0) {
            return found;
        }
        struct timespec deadline = {.tv_sec = (time_t)(wake_at / 1000000000u), .tv_nsec = (long)(wake_at % 1000000000u)};
        pool->strategy->park(pool->queue, worker_has_other_work, self, wake_at ? &deadline : NULL);
        /* Woken: search again rather than just look once.  A worker woken
         * by a searcher's hand-off must hand off in its turn if it finds a
         * job, or of several jobs pushed while the first searcher searched
         * (which woke nobody) only two would get a worker. */
    }
}

/* A claim ended: its worker left the loop, or its thread never started. */
static void release_worker_claim(cymade_pool *pool) {
    pthread_mutex_lock(&pool->lifecycle_lock);
    /* seq_cst: pairs with shutdown's wait, as every access to the count. */
    if (cymade_atomic_u64_fetch_sub(&pool->live_workers, 1, memory_order_seq_cst) == 1) {
        pthread_cond_broadcast(&pool->workers_left);
    }
    pthread_mutex_unlock(&pool->lifecycle_lock);
}

static void worker_loop(worker *self) {
    cymade_pool *pool = self->pool;
    current_worker = self;
    if (pool->options.on_worker_start != NULL) {
        pool->options.on_worker_start(self->index, pool->options.hook_context);
    }
    for (queued_job job; next_job(self, &job);) {
        self->ran_a_job = true;
        run_job(self, job);
    }
    /* A worker parked while a job of the others was still pending (a
     * background job, say) waits for a wake-up to notice it may exit too. */
    pool->strategy->wake_all(pool->queue);
    if (pool->options.on_worker_stop != NULL) {
        pool->options.on_worker_stop(self->index, pool->options.hook_context);
    }
    current_worker = NULL;
    release_worker_claim(pool); /* the last touch: the pool may be freed after it */
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
    if (!cymade_atomic_u64_compare_exchange_strong(&self->thread_state, &expected, WORKER_RUNNING,
                                                   memory_order_acquire, memory_order_relaxed)) {
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
    /* seq_cst: the claim, then the closing check (see the top). */
    cymade_atomic_u64_fetch_add(&pool->live_workers, 1, memory_order_seq_cst);
    if (cymade_atomic_u64_load(&pool->closing, memory_order_seq_cst) != 0) {
        release_worker_claim(pool);
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
        release_worker_claim(pool);
        return rc;
    }
    /* release: a submitter that sees the count sees the worker's ring active. */
    cymade_atomic_u64_store(&pool->started_workers, index + 1, memory_order_release);
    return CYMADE_OK;
}

/* On-demand pools: starts a worker if none is free for the job just queued
 * (queued first, as ThreadPoolExecutor does, so that the new worker finds
 * it at once).  A worker that cannot start is not the submit's failure: the
 * job waits for a worker that a later submit starts, or shutdown cancels
 * it (cymade_pool_shutdown). */
static void start_worker_on_demand(cymade_pool *pool) {
    if (take_idle_worker(pool)) {
        return;
    }
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

/* After queuing: the submit path's one extra load. */
static void ensure_worker(cymade_pool *pool) {
    if (starting_on_demand(pool)) {
        start_worker_on_demand(pool);
    }
}

/* ---------------------------------------------------------------------------
 * Creation
 * ------------------------------------------------------------------------- */

void cymade_pool_options_init(cymade_pool_options *options, size_t workers) {
    *options = (cymade_pool_options){
        .workers = workers,
        .strategy = CYMADE_STRATEGY_RINGS,
        .ring_capacity = CYMADE_POOL_DEFAULT_RING_CAPACITY,
    };
}

static const queue_strategy *strategy_for(cymade_strategy strategy) {
    switch (strategy) {
    case CYMADE_STRATEGY_RINGS: return &ring_queue_strategy;
    case CYMADE_STRATEGY_MUTEX: return &mutex_queue_strategy;
    case CYMADE_STRATEGY_WFCQUEUE: return &wfcq_queue_strategy;
    }
    return NULL;
}

static void abort_create(cymade_pool *pool);

int cymade_pool_create(cymade_pool **out, const cymade_pool_options *options) {
    if (out == NULL || options == NULL || options->workers < 1 || options->workers > CYMADE_POOL_MAX_WORKERS) {
        return CYMADE_EINVAL;
    }
    size_t capacity = options->ring_capacity ? options->ring_capacity : CYMADE_POOL_DEFAULT_RING_CAPACITY;
    const queue_strategy *strategy = strategy_for(options->strategy);
    if (strategy == NULL || capacity < 2 || (capacity & (capacity - 1)) != 0) {
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
    cymade_atomic_u64_init(&pool->priority_state, 0);
    pthread_mutex_init(&pool->priority_lock, NULL);
    job_heap_init(&pool->urgent);
    job_heap_init(&pool->background);
    pool->next_sequence = 0;
    pool->priority_closed = false;
    pool->watched_completions = 0;
    pool->watched_since_ns = futex_monotonic_ns();
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
        worker *w = &workers[i];
        w->pool = pool;
        w->index = i;
        w->joinable = false;
        w->ran_a_job = false;
        cymade_atomic_u64_init(&w->thread_state, WORKER_UNCLAIMED);
        w->has_stash = false;
        w->stash_stolen = false;
        cymade_atomic_u64_init(&w->foreground_completed, 0);
        cymade_atomic_u64_init(&w->background_completed, 0);
        cymade_atomic_u64_init(&w->stolen, 0);
        cymade_atomic_u64_init(&w->running, 0);
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
    int rc = CYMADE_OK;
    pthread_mutex_lock(&pool->priority_lock);
    if (pool->priority_closed) {
        rc = CYMADE_ESHUTDOWN;
    } else if (job->priority < 0) {
        job->sequence = pool->next_sequence++;
        /* seq_cst: raised before the job is visible, and ordered against
         * workers' fast-path load (the urgent rule, see top). */
        cymade_atomic_u64_fetch_add(&pool->priority_state, URGENT_ONE, memory_order_seq_cst);
        rc = job_heap_push(&pool->urgent, job);
    } else {
        job->sequence = pool->next_sequence++;
        rc = job_heap_push(&pool->background, job);
        if (rc == CYMADE_OK) {
            /* seq_cst: part of the park/wake handshake with idle workers. */
            cymade_atomic_u64_fetch_add(&pool->priority_state, BACKGROUND_ONE, memory_order_seq_cst);
        }
    }
    pthread_mutex_unlock(&pool->priority_lock);
    if (rc == CYMADE_OK) {
        pool->strategy->wake_all(pool->queue);
    } else if (rc == CYMADE_ENOMEM && job->priority < 0) {
        /* Outside the lock: the wake-up may take the queue's lock, which a
         * parking worker holds while it takes ours (worker_has_other_work). */
        release_urgent_slot(pool);
    }
    return rc;
}

/* Queues a normal-priority job: the lock-free fast path. */
static int enqueue_normal(cymade_pool *pool, queued_job job) {
    worker *self = current_worker;
    size_t hint = (self != NULL && self->pool == pool) ? self->index : submit_cursor++;
    return pool->strategy->push(pool->queue, hint, job);
}

/* Queues `future`, which already carries the pool's reference. */
static int enqueue(cymade_pool *pool, cymade_future *future) {
    int rc = future->priority != 0 ? enqueue_prioritised(pool, future) : enqueue_normal(pool, queued_future(future));
    if (rc == CYMADE_OK) {
        ensure_worker(pool);
    }
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

int cymade_pool_schedule(cymade_pool *pool, int64_t priority, cymade_job_fn job, void *arg,
                         cymade_future **future) {
    int rc = check_pool(pool);
    if (rc != CYMADE_OK) {
        return rc;
    }
    if (job == NULL) {
        return CYMADE_EINVAL;
    }
    if (priority == 0 && future == NULL) {
        rc = enqueue_normal(pool, (queued_job){.fn = job, .arg = arg}); /* no allocation */
        if (rc == CYMADE_OK) {
            ensure_worker(pool);
        }
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
        cancel_queued(pool, job);
    }
    pthread_mutex_lock(&pool->priority_lock);
    job_heap urgent = pool->urgent;
    job_heap background = pool->background;
    job_heap_init(&pool->urgent);
    job_heap_init(&pool->background);
    /* relaxed: the heaps are guarded by the lock. */
    cymade_atomic_u64_fetch_sub(&pool->priority_state, BACKGROUND_ONE * background.size, memory_order_relaxed);
    pthread_mutex_unlock(&pool->priority_lock);
    for (cymade_future *future; (future = job_heap_pop(&urgent)) != NULL;) {
        cancel_future(pool, future);
    }
    for (cymade_future *future; (future = job_heap_pop(&background)) != NULL;) {
        cancel_future(pool, future);
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
    job_heap_destroy(&pool->urgent);
    job_heap_destroy(&pool->background);
    pthread_mutex_destroy(&pool->priority_lock);
    pthread_mutex_destroy(&pool->lifecycle_lock);
    pthread_cond_destroy(&pool->workers_left);
    pthread_mutex_destroy(&pool->start_lock);
    cymade_free(pool->workers);
    pool->magic = POOL_DEAD; /* catches some uses after destroy */
    cymade_free(pool);
}

/* Refuses new jobs from now on (idempotent). */
static void close_pool(cymade_pool *pool) {
    pthread_mutex_lock(&pool->lifecycle_lock);
    if (cymade_atomic_u64_load(&pool->closing, memory_order_relaxed) == 0) {
        pool->strategy->close(pool->queue);
        pthread_mutex_lock(&pool->priority_lock);
        pool->priority_closed = true;
        pthread_mutex_unlock(&pool->priority_lock);
        /* seq_cst: a worker that reads closing sees the queue closed, and a
         * worker claim either sees it or is seen by the wait (see the top). */
        cymade_atomic_u64_store(&pool->closing, 1, memory_order_seq_cst);
    }
    pthread_mutex_unlock(&pool->lifecycle_lock);
}

/* Waits, without holding any lock, until every claimed worker left its loop. */
static void wait_for_workers(cymade_pool *pool) {
    pthread_mutex_lock(&pool->lifecycle_lock);
    /* seq_cst: see the top. */
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
        /* seq_cst: workers check the flag on every popped job from now on. */
        cymade_atomic_u64_fetch_or(&pool->priority_state, CANCELLING, memory_order_seq_cst);
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
    pthread_mutex_lock(&pool->priority_lock);
    stats->queued += pool->urgent.size + pool->background.size;
    pthread_mutex_unlock(&pool->priority_lock);
    stats->cancelled = cymade_atomic_u64_load(&pool->cancelled, memory_order_relaxed);
    return CYMADE_OK;
}

int cymade_pool_current_worker(const cymade_pool *pool) {
    worker *self = current_worker;
    return (self != NULL && self->pool == pool) ? (int)self->index : -1;
}
