/*
 * priority_classes.c - the urgent and background heaps and their state word
 * (priority_classes.h states the urgent and background rules).
 */
#define _GNU_SOURCE /* clock_gettime (monotonic_clock.h) under -std=c11 */
#include "priority_classes.h"

#include "cymade/error.h"
#include "monotonic_clock.h"

/* How often an idle worker re-checks the background watch at most: the
 * bound on how late a background job may start. */
#define BACKGROUND_POLL_NS UINT64_C(1000000)

void priority_classes_init(priority_classes *classes) {
    cymade_atomic_u64_init(&classes->state, 0);
    pthread_mutex_init(&classes->lock, NULL);
    job_heap_init(&classes->urgent);
    job_heap_init(&classes->background);
    classes->next_sequence = 0;
    classes->closed = false;
    classes->watched_completions = 0;
    classes->watched_since_ns = monotonic_clock_ns();
}

void priority_classes_destroy(priority_classes *classes) {
    job_heap_destroy(&classes->urgent);
    job_heap_destroy(&classes->background);
    pthread_mutex_destroy(&classes->lock);
}

int priority_classes_push(priority_classes *classes, cymade_future *job) {
    int rc = CYMADE_OK;
    pthread_mutex_lock(&classes->lock);
    if (classes->closed) {
        rc = CYMADE_ESHUTDOWN;
    } else if (job->priority < 0) {
        job->sequence = classes->next_sequence++;
        /* seq_cst: raised before the job is visible, and ordered against
         * workers' fast-path load (the urgent rule). */
        cymade_atomic_u64_fetch_add(&classes->state, PRIORITY_URGENT_ONE, memory_order_seq_cst);
        rc = job_heap_push(&classes->urgent, job);
    } else {
        job->sequence = classes->next_sequence++;
        rc = job_heap_push(&classes->background, job);
        if (rc == CYMADE_OK) {
            /* seq_cst: part of the park/wake handshake with idle workers. */
            cymade_atomic_u64_fetch_add(&classes->state, PRIORITY_BACKGROUND_ONE, memory_order_seq_cst);
        }
    }
    pthread_mutex_unlock(&classes->lock);
    return rc;
}

bool priority_classes_release_urgent(priority_classes *classes) {
    /* acq_rel: the last urgent job's completion must be visible to workers
     * that resume normal jobs after reading the count drop to zero. */
    uint64_t before = cymade_atomic_u64_fetch_sub(&classes->state, PRIORITY_URGENT_ONE, memory_order_acq_rel);
    return (before & PRIORITY_URGENT_MASK) == 1;
}

cymade_future *priority_classes_take_urgent(priority_classes *classes) {
    pthread_mutex_lock(&classes->lock);
    cymade_future *job = job_heap_pop(&classes->urgent);
    pthread_mutex_unlock(&classes->lock);
    return job;
}

bool priority_classes_urgent_queued(priority_classes *classes) {
    pthread_mutex_lock(&classes->lock);
    bool queued = job_heap_peek(&classes->urgent) != NULL;
    pthread_mutex_unlock(&classes->lock);
    return queued;
}

cymade_future *priority_classes_take_background(priority_classes *classes, uint64_t foreground_completions,
                                                uint64_t *wake_at) {
    uint64_t now = monotonic_clock_ns();
    cymade_future *job = NULL;
    pthread_mutex_lock(&classes->lock);
    if (foreground_completions != classes->watched_completions) {
        classes->watched_completions = foreground_completions;
        classes->watched_since_ns = now;
    }
    cymade_future *lowest = job_heap_peek(&classes->background);
    if (lowest != NULL) {
        /* Saturating: a priority of centuries must not wrap around to "now". */
        uint64_t headroom_ns = UINT64_MAX - classes->watched_since_ns;
        uint64_t delay_ms = (uint64_t)lowest->priority;
        uint64_t due =
            classes->watched_since_ns + (delay_ms > headroom_ns / 1000000u ? headroom_ns : delay_ms * 1000000u);
        /* acquire: pairs with the urgent submit's count raise. */
        bool urgent = (cymade_atomic_u64_load(&classes->state, memory_order_acquire) & PRIORITY_URGENT_MASK) != 0;
        /* After shutdown no foreground job can arrive: the pool is as idle
         * as it will ever be, so background jobs no longer wait. */
        bool closed = classes->closed;
        if (!urgent && (now >= due || closed)) {
            job = job_heap_pop(&classes->background);
            /* relaxed: the heap itself is guarded by the lock. */
            cymade_atomic_u64_fetch_sub(&classes->state, PRIORITY_BACKGROUND_ONE, memory_order_relaxed);
        } else {
            *wake_at = due < now + BACKGROUND_POLL_NS ? due : now + BACKGROUND_POLL_NS;
        }
    }
    pthread_mutex_unlock(&classes->lock);
    return job;
}

void priority_classes_close(priority_classes *classes) {
    pthread_mutex_lock(&classes->lock);
    classes->closed = true;
    pthread_mutex_unlock(&classes->lock);
}

void priority_classes_start_cancelling(priority_classes *classes) {
    /* seq_cst: workers check the flag on every popped job from now on. */
    cymade_atomic_u64_fetch_or(&classes->state, PRIORITY_CANCELLING, memory_order_seq_cst);
}

void priority_classes_take_all(priority_classes *classes, job_heap *urgent, job_heap *background) {
    pthread_mutex_lock(&classes->lock);
    *urgent = classes->urgent;
    *background = classes->background;
    job_heap_init(&classes->urgent);
    job_heap_init(&classes->background);
    /* relaxed: the heaps are guarded by the lock. */
    cymade_atomic_u64_fetch_sub(&classes->state, PRIORITY_BACKGROUND_ONE * background->size, memory_order_relaxed);
    pthread_mutex_unlock(&classes->lock);
}

uint64_t priority_classes_queued(priority_classes *classes) {
    pthread_mutex_lock(&classes->lock);
    uint64_t queued = classes->urgent.size + classes->background.size;
    pthread_mutex_unlock(&classes->lock);
    return queued;
}
