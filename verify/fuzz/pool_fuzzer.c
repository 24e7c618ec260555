/*
 * pool_fuzzer - a libFuzzer harness over the engine's public C API
 * (cymade/pool.h, cymade/future.h, cymade/error.h, cymade/alloc.h), with
 * pools created through pool_create_with_strategy (queue_strategy.h).
 *
 * Each input is a program: a sequence of at most MAX_OPS operations, one
 * opcode byte followed by its argument bytes (see run_operation).  Missing
 * bytes read as zero, so every input is valid.  The operations create a pool
 * (1..4 workers, the rings or a baseline strategy of baseline_strategies.h,
 * rings of 2..64 cells so that they grow),
 * submit and schedule jobs of every priority class with or without a future,
 * submit embedder futures, cancel, wait, add done-callbacks, read stats,
 * shut down with random flags, destroy, make invalid calls, and arm an
 * allocation failure (through cymade_set_allocator) for the next call.
 *
 * One thread (the fuzzer's) submits everything, which makes the checks
 * exact.  A violation prints what broke and aborts, so libFuzzer reports a
 * crash and saves the input.  Checked while running:
 *   - a job body runs at most once, and its future (if held) is RUNNING;
 *   - urgent rule: a normal or background job submitted after an urgent
 *     submit returned does not start before that urgent job finished or was
 *     cancelled.  (A job submitted earlier may legitimately start alongside
 *     an urgent one: its worker may have checked for urgent work before the
 *     urgent submit, so only the submit order gives a sound check.)
 *   - background rule: a background job of priority p starts at least p ms
 *     after the pool was created, unless shutdown (which releases background
 *     jobs early) has begun;
 *   - cancel returns true only for a PENDING future, and a cancelled job
 *     never runs; a wait that returns OK sees a final state and the result;
 *   - every documented error code (bad arguments, submits after shutdown,
 *     out of memory only when an allocation was made to fail), and a failed
 *     submit leaves *future untouched.
 * Checked when each pool ends (always before the input ends):
 *   - every accepted job ran exactly once XOR ended CANCELLED: held futures
 *     are DONE with one run (and its result) or CANCELLED with none; jobs
 *     without a held future ran once unless a cancelling shutdown happened;
 *   - stats: completed == all runs, cancelled == the jobs the pool
 *     cancelled, nothing queued or running;
 *   - every done-callback ran exactly once, every embedder future was freed
 *     exactly once; LeakSanitizer checks the rest.
 */
#define _GNU_SOURCE /* clock_gettime, nanosleep, posix_memalign under -std=c11 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cymade/alloc.h"
#include "cymade/error.h"
#include "cymade/future.h"
#include "cymade/pool.h"
#include "monotonic_clock.h"
#include "baseline_strategies.h"

#define MAX_OPS 64
#define MAX_JOBS 512
#define MAX_BURST 16
#define MAX_WORKERS 4
#define MAX_SPIN_NS 6000
#define NS_PER_MS INT64_C(1000000)

/* ---------------------------------------------------------------------------
 * Failing loudly, reading the input
 * ------------------------------------------------------------------------- */

/* The first violation aborts; a second thread that finds one meanwhile (a
 * worker and the fuzzer's thread often do) waits for the abort instead of
 * racing it, which would garble the sanitizer's report. */
static atomic_bool violation_reported;

static void report_violation(const char *condition, int line) {
    if (atomic_exchange(&violation_reported, true)) {
        for (;;) {
            pause();
        }
    }
    fprintf(stderr, "pool_fuzzer: invariant violated (pool_fuzzer.c:%d): %s: ", line, condition);
}

#define CHECK(condition, ...)                       \
    do {                                            \
        if (!(condition)) {                         \
            report_violation(#condition, __LINE__); \
            fprintf(stderr, __VA_ARGS__);           \
            fputc('\n', stderr);                    \
            abort();                                \
        }                                           \
    } while (0)

#define CHECK_RC(call, expected)                                                               \
    do {                                                                                       \
        int actual_rc_ = (call);                                                               \
        CHECK(actual_rc_ == (expected), "%s returned %d (%s), expected %d", #call, actual_rc_, \
              cymade_strerror(actual_rc_), (int)(expected));                                   \
    } while (0)

typedef struct byte_reader {
    const uint8_t *data;
    size_t size;
    size_t offset;
} byte_reader;

static uint8_t next_byte(byte_reader *input) {
    return input->offset < input->size ? input->data[input->offset++] : 0;
}

/* A value in [0, count). */
static unsigned pick(byte_reader *input, unsigned count) {
    return next_byte(input) % count;
}

static bool pick_bool(byte_reader *input) {
    return next_byte(input) & 1;
}

/* ---------------------------------------------------------------------------
 * Allocation failures: the installed allocator fails one chosen allocation
 * ------------------------------------------------------------------------- */

/* Successful allocations left before the armed failure; -1: disarmed. */
static atomic_int allocations_before_failure = -1;
static atomic_uint allocation_failures;

static void *fallible_allocate(size_t alignment, size_t size, void *context) {
    (void)context;
    int left = atomic_load(&allocations_before_failure);
    while (left >= 0 && !atomic_compare_exchange_weak(&allocations_before_failure, &left, left - 1)) {
    }
    if (left == 0) {
        atomic_fetch_add(&allocation_failures, 1);
        return NULL;
    }
    void *memory = NULL;
    return posix_memalign(&memory, alignment, size) == 0 ? memory : NULL;
}

static void release_memory(void *memory, void *context) {
    (void)context;
    free(memory);
}

/* The error an allocating call may return: ENOMEM only if an allocation
 * failed since `failures_before` was read. */
static bool out_of_memory_allowed(unsigned failures_before) {
    return atomic_load(&allocation_failures) != failures_before;
}

/* ---------------------------------------------------------------------------
 * The pool under test and its jobs
 * ------------------------------------------------------------------------- */

typedef enum job_class { JOB_NORMAL, JOB_URGENT, JOB_BACKGROUND } job_class;

typedef struct job_record {
    atomic_uint runs;
    atomic_bool finished; /* the body returned */
    atomic_uint callbacks_run;
    unsigned callbacks_added;
    size_t index;
    int64_t priority;
    job_class class;
    unsigned spin_ns;
    size_t urgent_before; /* urgent jobs accepted before this one */
    /* The harness's reference, or NULL.  Atomic: job bodies on the workers
     * read it while the submit that returned it is still storing it. */
    _Atomic(cymade_future *) future;
    cymade_future embedded; /* storage for an embedder future */
    atomic_uint embedded_frees;
    bool is_embedded;
    bool cancelled_by_us;
} job_record;

typedef struct session {
    cymade_pool *pool; /* NULL: no pool */
    size_t workers;
    uint64_t created_ns;
    bool shut_down;             /* a shutdown (or destroy) was called */
    bool cancel_requested;      /* ... with cancel_pending */
    atomic_bool shutdown_begun; /* for job bodies: background may start early */
    atomic_bool cancel_begun;   /* for job bodies: urgent jobs may vanish */
    unsigned cancelled_by_us;
    size_t job_count;
    job_record jobs[MAX_JOBS];
    size_t urgent_count;
    job_record *urgent[MAX_JOBS];
} session;

static session current;

static job_class class_of(int64_t priority) {
    return priority < 0 ? JOB_URGENT : priority == 0 ? JOB_NORMAL : JOB_BACKGROUND;
}

static bool urgent_job_settled(job_record *urgent) {
    if (atomic_load(&urgent->finished) || atomic_load(&current.cancel_begun)) {
        return true;
    }
    cymade_future *future = urgent->future;
    return future != NULL && cymade_future_get_state(future) == CYMADE_FUTURE_CANCELLED;
}

static void check_urgent_rule(const job_record *job) {
    for (size_t i = 0; i < job->urgent_before; i++) {
        CHECK(urgent_job_settled(current.urgent[i]),
              "job %zu (priority %lld) started while urgent job %zu, submitted before it, was outstanding", job->index,
              (long long)job->priority, current.urgent[i]->index);
    }
}

static void check_background_rule(const job_record *job) {
    uint64_t waited_ns = monotonic_clock_ns() - current.created_ns;
    CHECK(atomic_load(&current.shutdown_begun) || waited_ns >= (uint64_t)job->priority * NS_PER_MS,
          "background job %zu (priority %lld ms) started %llu ns after the pool was created", job->index,
          (long long)job->priority, (unsigned long long)waited_ns);
}

static void spin_for(unsigned nanoseconds) {
    uint64_t until = monotonic_clock_ns() + nanoseconds;
    while (monotonic_clock_ns() < until) {
    }
}

static int job_body(void *arg, void **result) {
    job_record *job = arg;
    CHECK(atomic_fetch_add(&job->runs, 1) == 0, "job %zu ran twice", job->index);
    cymade_future *future = job->future;
    if (future != NULL) {
        cymade_future_state state = cymade_future_get_state(future);
        CHECK(state == CYMADE_FUTURE_RUNNING, "job %zu runs while its future is in state %d", job->index, state);
    }
    if (job->class != JOB_URGENT) {
        check_urgent_rule(job);
    }
    if (job->class == JOB_BACKGROUND) {
        check_background_rule(job);
    }
    spin_for(job->spin_ns);
    *result = job;
    atomic_store(&job->finished, true);
    return (int)job->index;
}

static void on_job_done(cymade_future *future, void *arg) {
    job_record *job = arg;
    cymade_future_state state = cymade_future_get_state(future);
    CHECK(state == CYMADE_FUTURE_DONE || state == CYMADE_FUTURE_CANCELLED, "done-callback of job %zu sees state %d",
          job->index, state);
    CHECK(state == CYMADE_FUTURE_CANCELLED ? atomic_load(&job->runs) == 0 : atomic_load(&job->finished),
          "done-callback of job %zu: state %d but %u runs", job->index, state, atomic_load(&job->runs));
    atomic_fetch_add(&job->callbacks_run, 1);
}

static void count_embedded_free(cymade_future *future) {
    job_record *job = future->job_arg;
    atomic_fetch_add(&job->embedded_frees, 1);
}

/* ---------------------------------------------------------------------------
 * Pool lifecycle
 * ------------------------------------------------------------------------- */

static void reset_session(void) {
    memset(&current, 0, sizeof current);
}

static int create_pool(size_t workers, const queue_strategy *strategy, size_t ring_capacity) {
    cymade_pool_options options;
    cymade_pool_options_init(&options, workers);
    options.ring_capacity = ring_capacity;
    reset_session();
    current.workers = workers;
    current.created_ns = monotonic_clock_ns(); /* before: the pool's own clock starts later */
    unsigned failures_before = atomic_load(&allocation_failures);
    int rc = pool_create_with_strategy(&current.pool, &options, strategy);
    CHECK(rc == CYMADE_OK || rc == CYMADE_EAGAIN || (rc == CYMADE_ENOMEM && out_of_memory_allowed(failures_before)),
          "cymade_pool_create returned %d (%s)", rc, cymade_strerror(rc));
    if (rc != CYMADE_OK) {
        current.pool = NULL;
    }
    return rc;
}

static void begin_shutdown(bool cancel_pending) {
    current.shut_down = true;
    atomic_store(&current.shutdown_begun, true);
    if (cancel_pending) {
        current.cancel_requested = true;
        atomic_store(&current.cancel_begun, true);
    }
}

static void shutdown_pool(bool wait, bool cancel_pending) {
    begin_shutdown(cancel_pending);
    CHECK_RC(cymade_pool_shutdown(current.pool, wait, cancel_pending), CYMADE_OK);
}

/* Once every worker has exited: stats must account for every job. */
static void check_final_stats(void) {
    cymade_pool_stats stats;
    CHECK_RC(cymade_pool_get_stats(current.pool, &stats, NULL), CYMADE_OK);
    uint64_t runs = 0;
    uint64_t cancelled_by_pool = 0;
    for (size_t i = 0; i < current.job_count; i++) {
        job_record *job = &current.jobs[i];
        runs += atomic_load(&job->runs);
        if (job->future == NULL) {
            cancelled_by_pool += atomic_load(&job->runs) == 0;
        } else {
            cancelled_by_pool +=
                !job->cancelled_by_us && cymade_future_get_state(job->future) == CYMADE_FUTURE_CANCELLED;
        }
    }
    CHECK(current.cancel_requested || cancelled_by_pool == 0,
          "%llu accepted jobs never ran, and no shutdown cancelled them", (unsigned long long)cancelled_by_pool);
    CHECK(stats.completed == runs, "stats.completed %llu, but %llu jobs ran", (unsigned long long)stats.completed,
          (unsigned long long)runs);
    CHECK(stats.cancelled == cancelled_by_pool, "stats.cancelled %llu, but the pool cancelled %llu jobs",
          (unsigned long long)stats.cancelled, (unsigned long long)cancelled_by_pool);
    CHECK(stats.queued == 0 && stats.running == 0, "after shutdown(wait): %llu queued, %llu running",
          (unsigned long long)stats.queued, (unsigned long long)stats.running);
}

static void check_held_future(job_record *job) {
    cymade_future_state state = cymade_future_get_state(job->future);
    unsigned runs = atomic_load(&job->runs);
    if (state == CYMADE_FUTURE_DONE) {
        CHECK(runs == 1 && cymade_future_result(job->future) == job &&
                  cymade_future_status(job->future) == (int)job->index,
              "job %zu DONE after %u runs, result %p, status %d", job->index, runs, cymade_future_result(job->future),
              cymade_future_status(job->future));
    } else {
        CHECK(state == CYMADE_FUTURE_CANCELLED, "job %zu still in state %d after the pool was destroyed", job->index,
              state);
        CHECK(runs == 0, "job %zu is CANCELLED but ran %u times", job->index, runs);
    }
    CHECK(!job->cancelled_by_us || state == CYMADE_FUTURE_CANCELLED, "job %zu: cancel returned true, state is %d",
          job->index, state);
}

/* Once the pool is destroyed: each job ran once XOR ended cancelled. */
static void check_and_release_job(job_record *job) {
    if (job->future != NULL) {
        check_held_future(job);
    } else {
        CHECK(current.cancel_requested || atomic_load(&job->runs) == 1,
              "job %zu (no future, priority %lld) ran %u times without a cancelling shutdown", job->index,
              (long long)job->priority, atomic_load(&job->runs));
    }
    CHECK(atomic_load(&job->callbacks_run) == job->callbacks_added, "job %zu: %u of %u done-callbacks ran", job->index,
          atomic_load(&job->callbacks_run), job->callbacks_added);
    if (job->future != NULL) {
        cymade_future_release(job->future);
    }
    CHECK(!job->is_embedded || atomic_load(&job->embedded_frees) == 1, "embedder future of job %zu freed %u times",
          job->index, atomic_load(&job->embedded_frees));
}

/* Ends the current pool: through shutdown(wait) and a stats check, or by
 * destroying it while jobs may still be queued. */
static void finish_pool(bool through_shutdown, bool cancel_pending) {
    if (current.pool == NULL) {
        return;
    }
    if (through_shutdown) {
        shutdown_pool(true, cancel_pending);
        check_final_stats();
    } else {
        begin_shutdown(false);
    }
    CHECK_RC(cymade_pool_destroy(current.pool), CYMADE_OK);
    current.pool = NULL;
    for (size_t i = 0; i < current.job_count; i++) {
        check_and_release_job(&current.jobs[i]);
    }
}

static void ensure_pool(void) {
    if (current.pool == NULL) {
        create_pool(2, &ring_queue_strategy, 2);
    }
}

/* ---------------------------------------------------------------------------
 * Submitting
 * ------------------------------------------------------------------------- */

typedef enum future_mode { FUTURE_NONE, FUTURE_HELD, FUTURE_EMBEDDED } future_mode;

static job_record *new_job(int64_t priority, unsigned spin_ns) {
    job_record *job = &current.jobs[current.job_count];
    memset(job, 0, sizeof *job);
    job->index = current.job_count;
    job->priority = priority;
    job->class = class_of(priority);
    job->spin_ns = spin_ns;
    job->urgent_before = current.urgent_count;
    return job;
}

static int submit_embedded(job_record *job) {
    cymade_future_init(&job->embedded, job_body, job, count_embedded_free);
    job->future = &job->embedded;
    job->is_embedded = true;
    cymade_future_retain(job->future); /* the pool takes one reference, we keep one */
    int rc = cymade_pool_submit_future(current.pool, job->priority, job->future);
    if (rc != CYMADE_OK) {
        cymade_future_release(job->future); /* the pool's, which it did not take */
        cymade_future_release(job->future);
        CHECK(atomic_load(&job->embedded_frees) == 1, "rejected embedder future freed %u times",
              atomic_load(&job->embedded_frees));
        job->future = NULL;
    }
    return rc;
}

static int submit_plain(job_record *job, bool hold_future) {
    cymade_future *untouched = (cymade_future *)&current; /* a sentinel no submit may overwrite */
    cymade_future *future = untouched;
    cymade_future **out = hold_future ? &future : NULL;
    /* Normal jobs alternate between the two entry points. */
    int rc = job->priority == 0 && job->index % 2 == 0
                 ? cymade_pool_submit(current.pool, job_body, job, out)
                 : cymade_pool_schedule(current.pool, job->priority, job_body, job, out);
    if (rc == CYMADE_OK && hold_future) {
        job->future = future;
    } else {
        CHECK(future == untouched, "a submit that returned %d wrote *future", rc);
    }
    return rc;
}

/* ENOMEM is allowed after shutdown too: a submit allocates its future
 * before it looks at the pool's state. */
static void check_submit_rc(int rc, unsigned failures_before) {
    int expected = current.shut_down ? CYMADE_ESHUTDOWN : CYMADE_OK;
    CHECK(rc == expected || (rc == CYMADE_ENOMEM && out_of_memory_allowed(failures_before)),
          "a submit%s returned %d (%s)", current.shut_down ? " after shutdown" : "", rc, cymade_strerror(rc));
}

/* Submits one job; it is recorded only if the pool accepted it. */
static void submit_job(int64_t priority, future_mode mode, unsigned spin_ns) {
    if (current.job_count == MAX_JOBS) {
        return;
    }
    job_record *job = new_job(priority, spin_ns);
    unsigned failures_before = atomic_load(&allocation_failures);
    int rc = mode == FUTURE_EMBEDDED ? submit_embedded(job) : submit_plain(job, mode == FUTURE_HELD);
    check_submit_rc(rc, failures_before);
    if (rc == CYMADE_OK) {
        current.job_count++;
        if (job->class == JOB_URGENT) {
            current.urgent[current.urgent_count++] = job;
        }
    }
}

/* ---------------------------------------------------------------------------
 * Operations on held futures
 * ------------------------------------------------------------------------- */

/* A job with a held future, chosen by the input, or NULL. */
static job_record *pick_held(byte_reader *input) {
    unsigned start = next_byte(input);
    for (size_t i = 0; i < current.job_count; i++) {
        job_record *job = &current.jobs[(start + i) % current.job_count];
        if (job->future != NULL) {
            return job;
        }
    }
    return NULL;
}

static void cancel_held(job_record *job) {
    cymade_future_state before = cymade_future_get_state(job->future);
    bool cancelled = cymade_future_cancel(job->future);
    cymade_future_state after = cymade_future_get_state(job->future);
    if (cancelled) {
        CHECK(before == CYMADE_FUTURE_PENDING && after == CYMADE_FUTURE_CANCELLED,
              "cancel of job %zu succeeded: state %d -> %d", job->index, before, after);
        job->cancelled_by_us = true;
        current.cancelled_by_us++;
    } else {
        CHECK(after != CYMADE_FUTURE_PENDING, "cancel of job %zu failed on a PENDING future", job->index);
    }
}

static void wait_held(job_record *job, int64_t timeout_ns) {
    int rc = cymade_future_wait(job->future, timeout_ns);
    CHECK(rc == CYMADE_OK || (rc == CYMADE_ETIMEDOUT && timeout_ns >= 0) || rc == CYMADE_EINTR,
          "wait on job %zu returned %d", job->index, rc);
    if (rc != CYMADE_OK) {
        return;
    }
    cymade_future_state state = cymade_future_get_state(job->future);
    CHECK(state == CYMADE_FUTURE_DONE || state == CYMADE_FUTURE_CANCELLED, "wait on job %zu returned OK in state %d",
          job->index, state);
    CHECK(state != CYMADE_FUTURE_DONE || (atomic_load(&job->finished) && cymade_future_result(job->future) == job),
          "wait on job %zu returned DONE before the job's writes", job->index);
}

static void add_callback_to_held(job_record *job) {
    unsigned failures_before = atomic_load(&allocation_failures);
    int rc = cymade_future_add_done_callback(job->future, on_job_done, job);
    CHECK(rc == CYMADE_OK || (rc == CYMADE_ENOMEM && out_of_memory_allowed(failures_before)),
          "add_done_callback returned %d", rc);
    job->callbacks_added += rc == CYMADE_OK;
}

/* ---------------------------------------------------------------------------
 * Stats and invalid calls
 * ------------------------------------------------------------------------- */

static void check_stats_snapshot(void) {
    cymade_pool_stats stats;
    cymade_worker_stats per_worker[MAX_WORKERS];
    CHECK_RC(cymade_pool_get_stats(current.pool, &stats, NULL), CYMADE_OK);
    CHECK(stats.workers == current.workers, "stats.workers %zu, created with %zu", stats.workers, current.workers);
    CHECK_RC(cymade_pool_get_stats(current.pool, &stats, per_worker), CYMADE_OK);
    uint64_t completed = 0;
    for (size_t i = 0; i < stats.workers; i++) {
        completed += per_worker[i].completed;
    }
    CHECK(completed == stats.completed, "per-worker completions sum to %llu, stats.completed %llu",
          (unsigned long long)completed, (unsigned long long)stats.completed);
    CHECK(stats.running <= stats.workers, "%llu running on %zu workers", (unsigned long long)stats.running,
          stats.workers);
    CHECK(stats.completed + stats.cancelled + current.cancelled_by_us <= current.job_count,
          "%llu completed + %llu cancelled + %u cancelled by us > %zu accepted", (unsigned long long)stats.completed,
          (unsigned long long)stats.cancelled, current.cancelled_by_us, current.job_count);
    CHECK(cymade_pool_current_worker(current.pool) == -1, "the fuzzer's thread counts as a worker");
}

static int dummy_job(void *arg, void **result) {
    (void)arg;
    (void)result;
    return 0;
}

static void check_invalid_create(unsigned which) {
    cymade_pool *pool = NULL;
    cymade_pool_options options;
    cymade_pool_options_init(&options, 1);
    const queue_strategy *strategy = &ring_queue_strategy;
    switch (which % 6) {
    case 0: CHECK_RC(cymade_pool_create(NULL, &options), CYMADE_EINVAL); return;
    case 1: CHECK_RC(cymade_pool_create(&pool, NULL), CYMADE_EINVAL); return;
    case 2: options.workers = 0; break;
    case 3: options.workers = CYMADE_POOL_MAX_WORKERS + 1; break;
    case 4: options.ring_capacity = (which / 6) % 2 ? 1 : 48; break; /* too small / not a power of two */
    default: strategy = NULL; break;
    }
    CHECK_RC(pool_create_with_strategy(&pool, &options, strategy), CYMADE_EINVAL);
    CHECK(pool == NULL, "a failed create wrote the pool");
}

static void check_invalid_submit(unsigned which) {
    cymade_future *untouched = (cymade_future *)&current;
    cymade_future *future = untouched;
    switch (which % 4) {
    case 0: CHECK_RC(cymade_pool_submit(NULL, dummy_job, NULL, &future), CYMADE_EINVAL); break;
    case 1: CHECK_RC(cymade_pool_submit(current.pool, NULL, NULL, &future), CYMADE_EINVAL); break;
    case 2: CHECK_RC(cymade_pool_schedule(current.pool, -1, NULL, NULL, &future), CYMADE_EINVAL); break;
    default: CHECK_RC(cymade_pool_submit_future(current.pool, 0, NULL), CYMADE_EINVAL); break;
    }
    CHECK(future == untouched, "a rejected submit wrote *future");
}

static void forget_future(cymade_future *future) {
    (void)future; /* on the stack */
}

/* A future that is no longer PENDING cannot be submitted. */
static void check_submit_of_finished_future(void) {
    cymade_future future;
    cymade_future_init(&future, dummy_job, NULL, forget_future);
    CHECK(cymade_future_cancel(&future), "cancel of a fresh future failed");
    CHECK_RC(cymade_pool_submit_future(current.pool, 0, &future), CYMADE_EINVAL);
    cymade_future_release(&future);
}

static void check_invalid_misc(unsigned which) {
    cymade_pool_stats stats;
    switch (which % 5) {
    case 0: CHECK_RC(cymade_pool_shutdown(NULL, false, false), CYMADE_EINVAL); break;
    case 1: CHECK_RC(cymade_pool_destroy(NULL), CYMADE_EINVAL); break;
    case 2: CHECK_RC(cymade_pool_get_stats(NULL, &stats, NULL), CYMADE_EINVAL); break;
    case 3: CHECK_RC(cymade_pool_get_stats(current.pool, NULL, NULL), CYMADE_EINVAL); break;
    default: check_submit_of_finished_future(); break;
    }
}

static void check_invalid_call(byte_reader *input) {
    unsigned which = next_byte(input);
    switch (which % 3) {
    case 0: check_invalid_create(which / 3); break;
    case 1: check_invalid_submit(which / 3); break;
    default: check_invalid_misc(which / 3); break;
    }
}

/* ---------------------------------------------------------------------------
 * The operations
 * ------------------------------------------------------------------------- */

enum operation {
    OP_CREATE,
    OP_SUBMIT_BURST,
    OP_SCHEDULE,
    OP_CANCEL,
    OP_WAIT,
    OP_ADD_CALLBACK,
    OP_STATS,
    OP_SHUTDOWN,
    OP_FINISH,
    OP_INVALID,
    OP_FAIL_ALLOCATION,
    OP_PAUSE,
    OP_COUNT
};

/* Priorities: urgent -3..-1, normal, background 1..3 ms (kept tiny). */
static int64_t pick_priority(byte_reader *input) {
    static const int64_t priorities[] = {-3, -2, -1, 0, 0, 1, 2, 3};
    return priorities[pick(input, sizeof priorities / sizeof priorities[0])];
}

static unsigned pick_spin_ns(byte_reader *input) {
    return pick(input, 4) * (MAX_SPIN_NS / 3);
}

/* The strategies op_create picks from, by the corpus's strategy byte
 * (make_corpus.py: 0 rings, 1 mutex, 2 wfcqueue). */
static const queue_strategy *const STRATEGIES[] = {
    &ring_queue_strategy,
    &mutex_queue_strategy,
    &wfcq_queue_strategy,
};

/* liburcu's wait-free queue has no ThreadSanitizer annotations, so under
 * TSan (the replay build, replay_main.c) TSan would report the queue's own
 * hand-offs as races; that build fuzzes the other two strategies. */
#if defined(__SANITIZE_THREAD__)
#define STRATEGIES_FUZZED 2
#else
#define STRATEGIES_FUZZED 3
#endif

static void op_create(byte_reader *input) {
    finish_pool(pick_bool(input), pick_bool(input));
    size_t workers = 1 + pick(input, MAX_WORKERS);
    const queue_strategy *strategy = STRATEGIES[pick(input, STRATEGIES_FUZZED)];
    size_t ring_capacity = (size_t)2 << pick(input, 6); /* 2..64 */
    create_pool(workers, strategy, ring_capacity);
}

/* Normal jobs back to back, to fill small rings and make them grow. */
static void op_submit_burst(byte_reader *input) {
    unsigned count = 1 + pick(input, MAX_BURST);
    future_mode mode = (future_mode)pick(input, 3);
    unsigned spin_ns = pick_spin_ns(input);
    for (unsigned i = 0; i < count; i++) {
        submit_job(0, mode, spin_ns);
    }
}

static void op_schedule(byte_reader *input) {
    int64_t priority = pick_priority(input);
    future_mode mode = (future_mode)pick(input, 3);
    submit_job(priority, mode, pick_spin_ns(input));
}

/* 0..2 ms, or (1 in 16) forever: a lost job or wakeup then hangs the input,
 * which libFuzzer reports as a timeout. */
static int64_t pick_wait_timeout(byte_reader *input) {
    unsigned choice = pick(input, 16);
    return choice == 15 ? -1 : (int64_t)choice * (2 * NS_PER_MS / 14);
}

static void op_on_held(byte_reader *input, enum operation op) {
    job_record *job = pick_held(input);
    if (job == NULL) {
        return;
    }
    switch (op) {
    case OP_CANCEL: cancel_held(job); break;
    case OP_WAIT: wait_held(job, pick_wait_timeout(input)); break;
    default: add_callback_to_held(job); break;
    }
}

static void op_shutdown(byte_reader *input) {
    bool wait = pick_bool(input);
    shutdown_pool(wait, pick_bool(input));
}

static void op_fail_allocation(byte_reader *input) {
    atomic_store(&allocations_before_failure, (int)pick(input, 4));
}

static void op_pause(byte_reader *input) {
    struct timespec pause = {.tv_sec = 0, .tv_nsec = (long)pick(input, 8) * 50000}; /* 0..350 us */
    nanosleep(&pause, NULL);
}

static bool needs_pool(enum operation op) {
    return op != OP_CREATE && op != OP_INVALID && op != OP_FAIL_ALLOCATION;
}

/* POOL_FUZZER_TRACE=1 prints each operation and its bytes (to read a
 * crashing input: `pool_fuzzer crash-...`). */
static bool tracing;

static void trace_operation(const byte_reader *input, size_t start) {
    static const char *const names[OP_COUNT] = {
        "create",   "submit_burst", "schedule", "cancel",          "wait",  "add_callback", "stats",
        "shutdown", "finish",       "invalid",  "fail_allocation", "pause",
    };
    fprintf(stderr, "op %-16s", names[input->data[start] % OP_COUNT]);
    for (size_t i = start + 1; i < input->offset; i++) {
        fprintf(stderr, " %u", input->data[i]);
    }
    fprintf(stderr, "  (pool %p, %zu jobs)\n", (void *)current.pool, current.job_count);
}

static void run_operation(byte_reader *input) {
    size_t start = input->offset;
    enum operation op = (enum operation)pick(input, OP_COUNT);
    if (needs_pool(op)) {
        ensure_pool();
        if (current.pool == NULL) {
            return; /* creating it failed: an allocation was made to fail */
        }
    }
    switch (op) {
    case OP_CREATE: op_create(input); break;
    case OP_SUBMIT_BURST: op_submit_burst(input); break;
    case OP_SCHEDULE: op_schedule(input); break;
    case OP_CANCEL:
    case OP_WAIT:
    case OP_ADD_CALLBACK: op_on_held(input, op); break;
    case OP_STATS: check_stats_snapshot(); break;
    case OP_SHUTDOWN: op_shutdown(input); break;
    case OP_FINISH: finish_pool(pick_bool(input), pick_bool(input)); break;
    case OP_INVALID: check_invalid_call(input); break;
    case OP_FAIL_ALLOCATION: op_fail_allocation(input); break;
    default: op_pause(input); break;
    }
    if (tracing) {
        trace_operation(input, start);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    static const cymade_allocator fallible = {fallible_allocate, release_memory, NULL};
    cymade_set_allocator(&fallible); /* before any pool exists, as alloc.h asks */
    tracing = getenv("POOL_FUZZER_TRACE") != NULL;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    byte_reader input = {data, size, 0};
    atomic_store(&allocations_before_failure, -1);
    reset_session();
    for (unsigned op = 0; op < MAX_OPS && input.offset < input.size; op++) {
        run_operation(&input);
    }
    atomic_store(&allocations_before_failure, -1); /* the final checks must not fail allocations */
    finish_pool(true, false);
    return 0;
}
