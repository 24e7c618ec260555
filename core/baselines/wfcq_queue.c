/*
 * wfcq_queue.c - a benchmark strategy: one liburcu wait-free concurrent
 * queue (urcu/wfcqueue.h) shared by all workers, with eventcount parking.
 *
 * Enqueue is wait-free (one exchange on the tail); dequeue takes the queue's
 * internal mutex, as liburcu requires for concurrent dequeuers.  Each job
 * needs a node, so unlike the rings every push allocates.
 *
 * Close: a push checks the closed flag and enqueues inside an RCU read-side
 * section, and close sets the flag and then waits for a grace period, so no
 * push can land after close returns.
 */
#include <limits.h>
#include <urcu/wfcqueue.h>

#include "alloc.h"
#include "baseline_strategies.h"
#include "cymade/error.h"
#include "eventcount.h"
#include "rcu.h"

typedef struct wfcq_job {
    struct cds_wfcq_node node;
    queued_job job;
} wfcq_job;

struct job_queue {
    struct cds_wfcq_head head;
    struct cds_wfcq_tail tail;
    cymade_atomic_u64 closed;
    cymade_atomic_u64 length; /* statistics only */
    eventcount idle;
};

static job_queue *wfcq_queue_create(size_t workers, size_t ring_capacity) {
    (void)workers;
    (void)ring_capacity;
    job_queue *queue = cymade_aligned_alloc(CYMADE_CACHELINE_SIZE, sizeof *queue);
    if (queue == NULL) {
        return NULL;
    }
    cds_wfcq_init(&queue->head, &queue->tail);
    cymade_atomic_u64_init(&queue->closed, 0);
    cymade_atomic_u64_init(&queue->length, 0);
    eventcount_init(&queue->idle);
    return queue;
}

static void wfcq_queue_destroy(job_queue *queue) {
    cds_wfcq_destroy(&queue->head, &queue->tail);
    cymade_free(queue);
}

static int wfcq_queue_push(job_queue *queue, size_t worker_hint, queued_job job) {
    (void)worker_hint;
    wfcq_job *node = cymade_malloc(sizeof *node);
    if (node == NULL) {
        return CYMADE_ENOMEM;
    }
    cds_wfcq_node_init(&node->node);
    node->job = job;
    int rc = CYMADE_OK;
    /* relaxed: a statistic, raised first so that a pop never sees it low. */
    cymade_atomic_u64_fetch_add(&queue->length, 1, memory_order_relaxed);
    cymade_rcu_read_lock();
    /* acquire: pairs with close's store; see the top of this file. */
    if (cymade_atomic_u64_load(&queue->closed, memory_order_acquire)) {
        rc = CYMADE_ESHUTDOWN;
    } else {
        cds_wfcq_enqueue(&queue->head, &queue->tail, &node->node);
    }
    cymade_rcu_read_unlock();
    if (rc != CYMADE_OK) {
        cymade_atomic_u64_fetch_sub(&queue->length, 1, memory_order_relaxed);
        cymade_free(node);
        return rc;
    }
    eventcount_notify(&queue->idle, 1);
    return CYMADE_OK;
}

static bool wfcq_queue_pop(job_queue *queue, size_t worker, queued_job *job, bool *stolen) {
    (void)worker;
    *stolen = false;
    struct cds_wfcq_node *node = cds_wfcq_dequeue_blocking(&queue->head, &queue->tail);
    if (node == NULL) {
        return false;
    }
    wfcq_job *taken = (wfcq_job *)node;
    *job = taken->job;
    cymade_free(taken);
    /* relaxed: a statistic. */
    cymade_atomic_u64_fetch_sub(&queue->length, 1, memory_order_relaxed);
    return true;
}

static void wfcq_queue_park(job_queue *queue, bool (*has_other_work)(void *context), void *context,
                            const struct timespec *deadline) {
    uint32_t key = eventcount_prepare_wait(&queue->idle);
    if (!cds_wfcq_empty(&queue->head, &queue->tail) || has_other_work(context)) {
        eventcount_cancel_wait(&queue->idle);
        return;
    }
    eventcount_wait(&queue->idle, key, deadline);
}

static void wfcq_queue_close(job_queue *queue) {
    /* release: a pusher that reads it backs off (see the top of this file). */
    cymade_atomic_u64_store(&queue->closed, 1, memory_order_release);
    cymade_rcu_synchronize();
}

static bool wfcq_queue_is_drained(job_queue *queue) {
    /* acquire: closed is set before the grace period that ends all pushes. */
    return cymade_atomic_u64_load(&queue->closed, memory_order_acquire) && cds_wfcq_empty(&queue->head, &queue->tail);
}

static void wfcq_queue_search_begin(job_queue *queue) {
    eventcount_search_begin(&queue->idle);
}

static void wfcq_queue_search_end(job_queue *queue, bool found) {
    eventcount_search_end(&queue->idle, found);
}

static void wfcq_queue_wake_all(job_queue *queue) {
    eventcount_notify(&queue->idle, INT_MAX);
}

static void wfcq_queue_worker_counts(job_queue *queue, size_t worker, uint64_t *queued, uint64_t *grows) {
    /* The single queue is reported as worker 0's; relaxed: a statistic. */
    *queued = worker == 0 ? cymade_atomic_u64_load(&queue->length, memory_order_relaxed) : 0;
    *grows = 0;
}

/* One shared queue: every worker already sees every job. */
static void wfcq_queue_set_active(job_queue *queue, size_t workers) {
    (void)queue;
    (void)workers;
}

const queue_strategy wfcq_queue_strategy = {
    .name = "wfcqueue",
    .create = wfcq_queue_create,
    .destroy = wfcq_queue_destroy,
    .push = wfcq_queue_push,
    .pop = wfcq_queue_pop,
    .set_active = wfcq_queue_set_active,
    .park = wfcq_queue_park,
    .close = wfcq_queue_close,
    .is_drained = wfcq_queue_is_drained,
    .search_begin = wfcq_queue_search_begin,
    .search_end = wfcq_queue_search_end,
    .wake_all = wfcq_queue_wake_all,
    .worker_counts = wfcq_queue_worker_counts,
};
