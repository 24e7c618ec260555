/*
 * priority_classes.h - the pool's urgent and background jobs (priority != 0):
 * two heaps under one lock, and a packed state word that lets workers skip
 * both with ONE atomic load while neither class has work.
 *
 * The state word holds the urgent jobs queued or running, the background
 * jobs queued, and a CANCELLING flag.  It is zero unless something unusual
 * is going on, and only then does a worker take a slow path.
 *
 * Urgent rule.  The urgent count is raised (seq_cst) before the job enters
 * the urgent heap, and a worker checks the word (seq_cst) after popping a
 * normal job (find_job, worker.c).  If the check sees an urgent job, the
 * normal job is kept aside in the worker's stash and started once no urgent
 * job is outstanding, so no normal job starts after an urgent submit has
 * returned.  The count drops when an urgent job finished or was cancelled
 * (priority_classes_release_urgent), not when it is taken.
 *
 * Background rule.  A background job becomes due `priority` ms after the
 * last urgent or normal job finished.  Workers count their foreground
 * completions in single-writer counters (no shared writes on the fast path);
 * an idle worker that sees a background job queued passes their sum to
 * priority_classes_take_background, which restarts the delay whenever the
 * sum changed.  It re-checks at least every millisecond, so a background job
 * may start up to ~1 ms late, never early.  Once the classes are closed no
 * foreground job can arrive any more, so queued background jobs are due at
 * once.
 *
 * Thread safety: every function may be called from any thread; the heaps
 * and the watch are guarded by the lock, the state word is atomic.
 */
#ifndef CYMADE_PRIORITY_CLASSES_H
#define CYMADE_PRIORITY_CLASSES_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cymade/atomic.h"
#include "cymade/cacheline.h"
#include "job_heap.h"

/* The state word: urgent jobs queued or running in the low 32 bits,
 * background jobs queued in bits 32..62, and the cancelling flag on top. */
#define PRIORITY_URGENT_ONE UINT64_C(1)
#define PRIORITY_URGENT_MASK UINT64_C(0xffffffff)
#define PRIORITY_BACKGROUND_ONE (UINT64_C(1) << 32)
#define PRIORITY_BACKGROUND_MASK (UINT64_C(0x7fffffff) << 32)
#define PRIORITY_CANCELLING (UINT64_C(1) << 63)

typedef struct priority_classes {
    _Alignas(CYMADE_CACHELINE_SIZE) cymade_atomic_u64 state;

    _Alignas(CYMADE_CACHELINE_SIZE) pthread_mutex_t lock;
    job_heap urgent;
    job_heap background;
    uint64_t next_sequence; /* submission order among equal priorities */
    bool closed;
    uint64_t watched_completions; /* background rule, see above */
    uint64_t watched_since_ns;
} priority_classes;

void priority_classes_init(priority_classes *classes);
/* Frees the heaps, which must hold no job any more. */
void priority_classes_destroy(priority_classes *classes);

/* The state word: the workers' fast-path check.  seq_cst: ordered after a
 * worker's pop, so an urgent submit that returned before it is seen (the
 * urgent rule); and part of the park/wake handshake with submitters. */
static inline uint64_t priority_classes_state(priority_classes *classes) {
    return cymade_atomic_u64_load(&classes->state, memory_order_seq_cst);
}

/* An urgent job is queued or running. */
static inline bool priority_state_urgent(uint64_t state) {
    return (state & PRIORITY_URGENT_MASK) != 0;
}

/* A background job is queued. */
static inline bool priority_state_background(uint64_t state) {
    return (state & PRIORITY_BACKGROUND_MASK) != 0;
}

/* An urgent or a background job is outstanding. */
static inline bool priority_state_pending(uint64_t state) {
    return (state & (PRIORITY_URGENT_MASK | PRIORITY_BACKGROUND_MASK)) != 0;
}

/* A cancelling shutdown began: every job popped from now on is cancelled. */
static inline bool priority_state_cancelling(uint64_t state) {
    return (state & PRIORITY_CANCELLING) != 0;
}

/* Queues `job` by its priority (< 0 urgent, > 0 background), giving it the
 * next sequence number.  CYMADE_OK; CYMADE_ESHUTDOWN once closed;
 * CYMADE_ENOMEM, after which an urgent job's count was raised all the same:
 * the caller releases it (priority_classes_release_urgent) outside any lock
 * a parking worker holds. */
int priority_classes_push(priority_classes *classes, cymade_future *job);

/* Ends an urgent job's claim on the count (it finished, was cancelled, or
 * was never queued).  True if it was the last urgent job: the caller then
 * wakes the workers holding normal jobs back. */
bool priority_classes_release_urgent(priority_classes *classes);

/* Takes the most urgent job, or NULL. */
cymade_future *priority_classes_take_urgent(priority_classes *classes);

/* Whether an urgent job is waiting in the heap (not merely running). */
bool priority_classes_urgent_queued(priority_classes *classes);

/* Takes the lowest background job if it is due and no urgent job is
 * outstanding, given the workers' foreground completions so far (the
 * background rule); otherwise NULL, and *wake_at is set to when to look
 * again if a background job is queued (left alone if none). */
cymade_future *priority_classes_take_background(priority_classes *classes, uint64_t foreground_completions,
                                                uint64_t *wake_at);

/* Refuses every later push (idempotent). */
void priority_classes_close(priority_classes *classes);

/* Sets the CANCELLING flag, for good. */
void priority_classes_start_cancelling(priority_classes *classes);

/* Moves every queued job into the caller's `urgent` and `background` heaps
 * (uninitialised on entry; the caller destroys them) and leaves the classes
 * empty.  Urgent jobs keep their claim on the count until released. */
void priority_classes_take_all(priority_classes *classes, job_heap *urgent, job_heap *background);

/* Urgent and background jobs queued (a snapshot). */
uint64_t priority_classes_queued(priority_classes *classes);

#endif /* CYMADE_PRIORITY_CLASSES_H */
