/*
 * cymade/future.h - the completion handle of a job.
 *
 * State machine:  PENDING -> RUNNING -> DONE
 *                 PENDING -> CANCELLED
 * Every transition happens once; DONE and CANCELLED are final.
 *
 * Thread safety: every function may be called from any thread, on a future
 * the caller holds a reference to.
 * Memory ordering: whatever the job wrote before it returned, and the result
 * and status it stored, happen-before the return of a wait that returns
 * CYMADE_OK, a cymade_future_get_state or cymade_future_is_final that sees
 * the final state, and every done-callback.  A cancel that returns true
 * happens-before the same observers seeing CANCELLED.
 *
 * Lifetime: a future is reference counted.  cymade_pool_submit hands the
 * caller one reference (when it asks for the future); the pool holds its own
 * until the job has run or been cancelled.  cymade_future_release drops one.
 */
#ifndef CYMADE_FUTURE_H
#define CYMADE_FUTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "cymade/atomic.h"
#include "cymade/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cymade_future_state {
    CYMADE_FUTURE_PENDING = 0,
    CYMADE_FUTURE_RUNNING = 1,
    CYMADE_FUTURE_DONE = 2,
    CYMADE_FUTURE_CANCELLED = 3,
} cymade_future_state;

typedef struct cymade_future cymade_future;

/* A job: runs `arg`, may store a result pointer in *result, and returns a
 * status that the future reports (0 conventionally means success). */
typedef int (*cymade_job_fn)(void *arg, void **result);

/* Called once the future is DONE or CANCELLED, on the thread that completed
 * or cancelled it (or at once, on the adding thread, if it already was). */
typedef void (*cymade_done_callback_fn)(cymade_future *future, void *arg);

typedef struct cymade_done_callback cymade_done_callback;

/* The future's fields are public only so that embedders (the Python
 * extension) can place one inside their own objects; use the functions. */
struct cymade_future {
    cymade_atomic_u64 state; /* low 32 bits: cymade_future_state; high: sleeping waiters */
    cymade_atomic_u64 references;
    cymade_atomic_ptr callbacks; /* a stack of cymade_done_callback, sealed on completion */
    cymade_job_fn job;
    void *job_arg;
    void *result;
    int status;
    int64_t priority;
    uint64_t sequence;                      /* submission order, breaks priority ties */
    void (*free_fn)(cymade_future *future); /* how to free it at the last release */
    /* Optional embedder hook, NULL by default: runs exactly once, on the
     * completing or cancelling thread, right after the state became final and
     * before done-callbacks and waiters are woken.  Set it after
     * cymade_future_init, before submitting. */
    void (*final_fn)(cymade_future *future);
};

/* Prepares an embedder-allocated future for cymade_pool_submit_future: state
 * PENDING, one reference (the caller's), no callbacks; `free_fn` runs at the
 * last release.  Not an atomic operation: no other thread may see the future
 * yet.  Cannot fail. */
void cymade_future_init(cymade_future *future, cymade_job_fn job, void *job_arg,
                        void (*free_fn)(cymade_future *future));

/* The current state (acquire: a DONE answer makes the result visible). */
cymade_future_state cymade_future_get_state(const cymade_future *future);

/* Whether the future is DONE or CANCELLED: its state will never change
 * again.  Same ordering as cymade_future_get_state. */
bool cymade_future_is_final(const cymade_future *future);

/* Waits until DONE or CANCELLED, sleeping (futex) rather than spinning.
 * `timeout_ns` < 0 waits forever, 0 only checks.  Returns CYMADE_OK (final;
 * see the ordering above), CYMADE_ETIMEDOUT, or CYMADE_EINTR when a signal
 * arrived (the caller decides whether to wait again).  Any number of threads
 * may wait at once. */
int cymade_future_wait(cymade_future *future, int64_t timeout_ns);

/* Cancels a PENDING future; returns true if this call cancelled it (the job
 * will never run; callbacks run and waiters wake on this thread), false if
 * it was already running, done or cancelled.  Of racing cancels and the
 * job's start, exactly one wins. */
bool cymade_future_cancel(cymade_future *future);

/* The job's result pointer and status.  Plain reads: call them only after
 * observing DONE (a wait, a state query or a callback), which orders them
 * after the job's writes. */
void *cymade_future_result(const cymade_future *future);
int cymade_future_status(const cymade_future *future);

/* Registers `callback`; it runs exactly once, on the thread that completes
 * or cancels the future, or at once on this thread if it already is final.
 * Callbacks run in the order they were registered.  Returns CYMADE_OK,
 * CYMADE_EINVAL for a NULL future or callback, or CYMADE_ENOMEM (nothing
 * registered) when out of memory. */
int cymade_future_add_done_callback(cymade_future *future, cymade_done_callback_fn callback, void *arg);

/* Takes one more reference; the caller must already hold one. */
void cymade_future_retain(cymade_future *future);

/* Drops one reference; the last one frees the future through its free_fn
 * (with any callbacks never run).  Everything the releasing threads did
 * with the future happens-before the free. */
void cymade_future_release(cymade_future *future);

#ifdef __cplusplus
}
#endif

#endif /* CYMADE_FUTURE_H */
