/*
 * mutex_queue.c - the deliberately simple strategy: one FIFO for all
 * workers under a mutex, idle workers sleeping on a condition variable.
 * It is the baseline the benchmarks measure the rings against.
 */
#define _GNU_SOURCE /* pthread_condattr_setclock, CLOCK_MONOTONIC under -std=c11 */
#include <pthread.h>

#include "alloc.h"
#include "baseline_strategies.h"
#include "cymade/error.h"

struct job_queue {
    pthread_mutex_t lock;
    pthread_cond_t not_empty; /* on CLOCK_MONOTONIC, like every deadline here */
    queued_job *jobs;         /* a circular buffer of `capacity` (a power of two) */
    size_t capacity;
    uint64_t head; /* index of the oldest job, modulo capacity */
    uint64_t length;
    size_t sleepers;
    bool closed;
};

#define MUTEX_QUEUE_INITIAL_CAPACITY 1024

static job_queue *mutex_queue_create(size_t workers, size_t ring_capacity) {
    (void)workers;
    (void)ring_capacity;
    job_queue *queue = cymade_malloc(sizeof *queue);
    queued_job *jobs = cymade_malloc(MUTEX_QUEUE_INITIAL_CAPACITY * sizeof *jobs);
    if (queue == NULL || jobs == NULL) {
        cymade_free(queue);
        cymade_free(jobs);
        return NULL;
    }
    pthread_condattr_t attributes;
    pthread_condattr_init(&attributes);
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
    pthread_cond_init(&queue->not_empty, &attributes);
    pthread_condattr_destroy(&attributes);
    pthread_mutex_init(&queue->lock, NULL);
    queue->jobs = jobs;
    queue->capacity = MUTEX_QUEUE_INITIAL_CAPACITY;
    queue->head = 0;
    queue->length = 0;
    queue->sleepers = 0;
    queue->closed = false;
    return queue;
}

static void mutex_queue_destroy(job_queue *queue) {
    pthread_cond_destroy(&queue->not_empty);
    pthread_mutex_destroy(&queue->lock);
    cymade_free(queue->jobs);
    cymade_free(queue);
}

/* Doubles the buffer, keeping the jobs in order.  Lock held. */
static int grow(job_queue *queue) {
    queued_job *jobs = cymade_malloc(2 * queue->capacity * sizeof *jobs);
    if (jobs == NULL) {
        return CYMADE_ENOMEM;
    }
    for (uint64_t i = 0; i < queue->length; i++) {
        jobs[i] = queue->jobs[(queue->head + i) & (queue->capacity - 1)];
    }
    cymade_free(queue->jobs);
    queue->jobs = jobs;
    queue->capacity *= 2;
    queue->head = 0;
    return CYMADE_OK;
}

static int mutex_queue_push(job_queue *queue, size_t worker_hint, queued_job job) {
    (void)worker_hint;
    pthread_mutex_lock(&queue->lock);
    int rc = queue->closed ? CYMADE_ESHUTDOWN : queue->length == queue->capacity ? grow(queue) : CYMADE_OK;
    if (rc == CYMADE_OK) {
        queue->jobs[(queue->head + queue->length++) & (queue->capacity - 1)] = job;
    }
    bool wake = rc == CYMADE_OK && queue->sleepers > 0;
    pthread_mutex_unlock(&queue->lock);
    if (wake) {
        pthread_cond_signal(&queue->not_empty);
    }
    return rc;
}

static bool mutex_queue_pop(job_queue *queue, size_t worker, queued_job *job, bool *stolen) {
    (void)worker;
    *stolen = false;
    pthread_mutex_lock(&queue->lock);
    bool found = queue->length > 0;
    if (found) {
        *job = queue->jobs[queue->head & (queue->capacity - 1)];
        queue->head++;
        queue->length--;
    }
    pthread_mutex_unlock(&queue->lock);
    return found;
}

static void mutex_queue_park(job_queue *queue, bool (*has_other_work)(void *context), void *context,
                             const struct timespec *deadline) {
    pthread_mutex_lock(&queue->lock);
    /* Re-checked under the lock that wake_all takes, so no wake-up is lost. */
    if (queue->length == 0 && !has_other_work(context)) {
        queue->sleepers++;
        if (deadline != NULL) {
            pthread_cond_timedwait(&queue->not_empty, &queue->lock, deadline);
        } else {
            pthread_cond_wait(&queue->not_empty, &queue->lock);
        }
        queue->sleepers--;
    }
    pthread_mutex_unlock(&queue->lock);
}

static void mutex_queue_close(job_queue *queue) {
    pthread_mutex_lock(&queue->lock);
    queue->closed = true;
    pthread_mutex_unlock(&queue->lock);
}

static bool mutex_queue_is_drained(job_queue *queue) {
    pthread_mutex_lock(&queue->lock);
    bool drained = queue->closed && queue->length == 0;
    pthread_mutex_unlock(&queue->lock);
    return drained;
}

/* Sleepers are counted under the lock instead, and every push with a
 * sleeper signals (see push), so searching changes nothing here. */
static void mutex_queue_search_begin(job_queue *queue) {
    (void)queue;
}

static void mutex_queue_search_end(job_queue *queue, bool found) {
    (void)queue;
    (void)found;
}

static void mutex_queue_wake_all(job_queue *queue) {
    pthread_mutex_lock(&queue->lock);
    pthread_cond_broadcast(&queue->not_empty);
    pthread_mutex_unlock(&queue->lock);
}

static void mutex_queue_worker_counts(job_queue *queue, size_t worker, uint64_t *queued, uint64_t *grows) {
    pthread_mutex_lock(&queue->lock);
    /* The single queue is reported as worker 0's. */
    *queued = worker == 0 ? queue->length : 0;
    pthread_mutex_unlock(&queue->lock);
    *grows = 0;
}

/* One shared queue: every worker already sees every job. */
static void mutex_queue_set_active(job_queue *queue, size_t workers) {
    (void)queue;
    (void)workers;
}

const queue_strategy mutex_queue_strategy = {
    .name = "mutex",
    .create = mutex_queue_create,
    .destroy = mutex_queue_destroy,
    .push = mutex_queue_push,
    .pop = mutex_queue_pop,
    .set_active = mutex_queue_set_active,
    .park = mutex_queue_park,
    .close = mutex_queue_close,
    .is_drained = mutex_queue_is_drained,
    .search_begin = mutex_queue_search_begin,
    .search_end = mutex_queue_search_end,
    .wake_all = mutex_queue_wake_all,
    .worker_counts = mutex_queue_worker_counts,
};
