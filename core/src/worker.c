/*
 * worker.c - the worker loop: find a job (stash, queue with stealing, then
 * the priority classes), spin, park, run it.
 *
 * The normal path is a strategy pop followed by ONE atomic load of the
 * priority state word (priority_classes_state), which is zero unless an
 * urgent job is outstanding, a background job is queued, or a cancelling
 * shutdown began; only then does a worker take the slow path.  The urgent
 * and background rules are stated in priority_classes.h; this file holds
 * the worker's half of each (the stash, the completion counters).
 */
#include "worker.h"

#include <sched.h>
#include <time.h>

#include "cpu_relax.h"
#include "future_internal.h"
#include "queue_strategy.h"

/* Attempts before parking: long enough to catch a job submitted right
 * behind the last one, short enough not to burn a core; every few rounds
 * the spinner yields, since on an oversubscribed machine the submitter it
 * is waiting for may need its core. */
#define SPIN_ROUNDS 256
#define SPINS_PER_YIELD 16

POOL_TLS worker *current_worker;

/* What one look for work found. */
typedef enum find_result {
    JOB_FOUND,    /* a job to run */
    JOB_NONE_YET, /* nothing now; look again, or park */
    POOL_DRAINED, /* shut down, and nothing left for this worker: exit */
} find_result;

void worker_init(worker *self, cymade_pool *pool, size_t index) {
    self->pool = pool;
    self->index = index;
    self->joinable = false;
    self->ran_a_job = false;
    cymade_atomic_u64_init(&self->thread_state, WORKER_UNCLAIMED);
    self->has_stash = false;
    self->stash_stolen = false;
    self->parks_untimed = false;
    cymade_atomic_u64_init(&self->foreground_completed, 0);
    cymade_atomic_u64_init(&self->background_completed, 0);
    cymade_atomic_u64_init(&self->stolen, 0);
    cymade_atomic_u64_init(&self->running, 0);
}

/* Single-writer increment: a plain load and store, no locked instruction. */
static void counter_increment(cymade_atomic_u64 *counter) {
    /* relaxed: statistics and the background watch tolerate staleness. */
    cymade_atomic_u64_store(counter, cymade_atomic_u64_load(counter, memory_order_relaxed) + 1, memory_order_relaxed);
}

void release_urgent_slot(cymade_pool *pool) {
    if (priority_classes_release_urgent(&pool->priorities)) {
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
void cancel_queued_job(cymade_pool *pool, queued_job job) {
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

/* The sum the background watch compares (the background rule). */
static uint64_t foreground_completions(cymade_pool *pool) {
    uint64_t total = 0;
    for (size_t i = 0; i < pool->worker_count; i++) {
        /* relaxed: the watch only needs to notice a change. */
        total += cymade_atomic_u64_load(&pool->workers[i].foreground_completed, memory_order_relaxed);
    }
    return total;
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
    return !priority_state_pending(priority_classes_state(&self->pool->priorities));
}

static bool worker_should_exit(worker *self) {
    return worker_may_exit(self) && self->pool->strategy->is_drained(self->pool->queue);
}

/* The park re-check: true if this worker has something to do after all.
 * The strategy has just found its queue empty, so a worker that may exit
 * should wake to do so (and must not call back into the strategy).  The
 * state word is read as part of the park/wake handshake with submitters:
 * whatever a submitter changed before its wake-up found no announced
 * sleeper must show here. */
static bool worker_has_other_work(void *context) {
    worker *self = context;
    uint64_t state = priority_classes_state(&self->pool->priorities);
    if (priority_state_urgent(state)) {
        return priority_classes_urgent_queued(&self->pool->priorities);
    }
    /* A background job queued after find_job's last look, or skipped then
     * for an urgent job that has finished since, has no deadline in an
     * untimed park, and its wake-up came before this sleeper announced
     * itself: look again, and park until the job is due. */
    if (self->parks_untimed && priority_state_background(state) && !priority_state_cancelling(state)) {
        return true;
    }
    return self->has_stash || worker_may_exit(self);
}

/* One attempt to find this worker a job: its stash, the queues, then the
 * priority classes.  JOB_FOUND sets *job; *wake_at receives when a
 * background job becomes due (0: none). */
static find_result find_job(worker *self, queued_job *job, uint64_t *wake_at) {
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
        /* The one load of the fast path, after the pop: an urgent submit
         * that returned before it is seen (the urgent rule). */
        state = priority_classes_state(&pool->priorities);
        if (found && priority_state_cancelling(state)) {
            cancel_queued_job(pool, *job);
        }
    } while (found && priority_state_cancelling(state));
    if (found && !priority_state_urgent(state)) {
        if (stolen) {
            counter_increment(&self->stolen);
        }
        return JOB_FOUND;
    }
    if (priority_state_urgent(state) && !priority_state_cancelling(state)) {
        if (found) {
            self->stash = *job;
            self->stash_stolen = stolen;
            self->has_stash = true;
        }
        cymade_future *urgent = priority_classes_take_urgent(&pool->priorities);
        if (urgent != NULL) {
            *job = queued_future(urgent);
            return JOB_FOUND;
        }
    }
    *wake_at = 0;
    if (priority_state_background(state) && !priority_state_urgent(state) && !priority_state_cancelling(state)) {
        cymade_future *background =
            priority_classes_take_background(&pool->priorities, foreground_completions(pool), wake_at);
        if (background != NULL) {
            *job = queued_future(background);
            return JOB_FOUND;
        }
    }
    return worker_should_exit(self) ? POOL_DRAINED : JOB_NONE_YET;
}

/* next_job's idle part: spin, then park, until find_job has an answer. */
static find_result wait_for_job(worker *self, queued_job *job) {
    cymade_pool *pool = self->pool;
    uint64_t wake_at = 0;
    find_result found = JOB_NONE_YET;
    for (;;) {
        pool->strategy->search_begin(pool->queue);
        for (unsigned spin = 0; spin < SPIN_ROUNDS && found == JOB_NONE_YET; spin++) {
            if (spin % SPINS_PER_YIELD == SPINS_PER_YIELD - 1) {
                sched_yield(); /* let a submitter sharing our core run */
            } else {
                cpu_relax();
            }
            found = find_job(self, job, &wake_at);
        }
        /* A searcher that found work wakes a parked worker (the strategy
         * does), since pushes skipped wake-ups while it searched. */
        pool->strategy->search_end(pool->queue, found == JOB_FOUND);
        if (found != JOB_NONE_YET) {
            return found;
        }
        struct timespec deadline = {.tv_sec = (time_t)(wake_at / 1000000000u),
                                    .tv_nsec = (long)(wake_at % 1000000000u)};
        self->parks_untimed = wake_at == 0;
        pool->strategy->park(pool->queue, worker_has_other_work, self, wake_at ? &deadline : NULL);
        /* Woken: search again rather than just look once.  A worker woken
         * by a searcher's hand-off must hand off in its turn if it finds a
         * job, or of several jobs pushed while the first searcher searched
         * (which woke nobody) only two would get a worker. */
    }
}

/* Takes the worker's next job into *job, spinning briefly and then parking
 * while there is none; false when the pool is shut down and drained. */
static bool next_job(worker *self, queued_job *job) {
    cymade_pool *pool = self->pool;
    uint64_t wake_at = 0;
    find_result found = find_job(self, job, &wake_at);
    if (found != JOB_NONE_YET) {
        return found == JOB_FOUND;
    }
    /* Counted before the idle hook lets the submitter we wait for run (it
     * may be blocked on the Python GIL), so that its next submit finds us.
     * relaxed: a heuristic for on-demand starts; a job submitted meanwhile
     * is never stranded, since a push wakes a parked worker regardless. */
    bool counted_idle = self->ran_a_job && pool_starting_on_demand(pool);
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
        pool_take_idle_worker(pool); /* unless a submit already counted on us */
    }
    return found == JOB_FOUND;
}

void worker_loop(worker *self) {
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
    pool_release_worker_claim(pool); /* the last touch: the pool may be freed after it */
}
