/*
 * mutex_queue.c - the deliberately simple strategy: one FIFO for all
 * workers under a mutex, idle workers sleeping on a condition variable.
 * It is the baseline the benchmarks measure the rings against.
 */
#define _GNU_SOURCE /* pthread_condattr_setclock, CLOCK_MONOTONIC under -std=c11 */
#include <pthread.h>

#include "alloc.h"
#include "cymade/error.h"
#include "queue_strategy.h"

struct job_queue {
    pthread_mutex_t lock;
    pthread_cond_t not_empty; /* on CLOCK_MONOTONIC, like every deadline here */
    cymade_future *head;      /* linked through cymade_future.queue_next */
    cymade_future *tail;
    uint64_t length;
    size_t sleepers;
    bool closed;
};

static job_queue *mutex_queue_create(size_t workers, size_t ring_capacity) {
    (void)workers;
    (void)ring_capacity;
    job_queue *queue = cymade_malloc(sizeof *queue);
    if (queue == NULL) {
        return NULL;
    }
    pthread_condattr_t attributes;
    pthread_condattr_init(&attributes);
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
    pthread_cond_init(&queue->not_empty, &attributes);
    pthread_condattr_destroy(&attributes);
    pthread_mutex_init(&queue->lock, NULL);
    queue->head = queue->tail = NULL;
    queue->length = 0;
    queue->sleepers = 0;
    queue->closed = false;
    return queue;
}

static void mutex_queue_destroy(job_queue *queue) {
    pthread_cond_destroy(&queue->not_empty);
    pthread_mutex_destroy(&queue->lock);
    cymade_free(queue);
}

static int mutex_queue_push(job_queue *queue, size_t worker_hint, cymade_future *job) {
    (void)worker_hint;
    pthread_mutex_lock(&queue->lock);
    if (queue->closed) {
        pthread_mutex_unlock(&queue->lock);
        return CYMADE_ESHUTDOWN;
    }
    job->queue_next = NULL;
    if (queue->tail != NULL) {
        queue->tail->queue_next = job;
    } else {
        queue->head = job;
    }
    queue->tail = job;
    queue->length++;
    bool wake = queue->sleepers > 0;
    pthread_mutex_unlock(&queue->lock);
    if (wake) {
        pthread_cond_signal(&queue->not_empty);
    }
    return CYMADE_OK;
}

static cymade_future *mutex_queue_pop(job_queue *queue, size_t worker, bool *stolen) {
    (void)worker;
    *stolen = false;
    pthread_mutex_lock(&queue->lock);
    cymade_future *job = queue->head;
    if (job != NULL) {
        queue->head = job->queue_next;
        if (queue->head == NULL) {
            queue->tail = NULL;
        }
        queue->length--;
    }
    pthread_mutex_unlock(&queue->lock);
    return job;
}

static void mutex_queue_park(job_queue *queue, bool (*has_other_work)(void *context), void *context,
                             const struct timespec *deadline) {
    pthread_mutex_lock(&queue->lock);
    /* Re-checked under the lock that wake_all takes, so no wake-up is lost. */
    if (queue->head == NULL && !has_other_work(context)) {
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
    bool drained = queue->closed && queue->head == NULL;
    pthread_mutex_unlock(&queue->lock);
    return drained;
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

const queue_strategy mutex_queue_strategy = {
    .name = "mutex",
    .create = mutex_queue_create,
    .destroy = mutex_queue_destroy,
    .push = mutex_queue_push,
    .pop = mutex_queue_pop,
    .park = mutex_queue_park,
    .close = mutex_queue_close,
    .is_drained = mutex_queue_is_drained,
    .wake_all = mutex_queue_wake_all,
    .worker_counts = mutex_queue_worker_counts,
};
