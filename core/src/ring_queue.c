/*
 * ring_queue.c - the default strategy: one growable MPMC ring per worker,
 * with work stealing and eventcount parking.
 *
 * Growth.  A worker's rings form a chain, newest first: `current` points at
 * the ring producers push to, and each ring's `older` at the ring it
 * replaced.  When a push finds `current` full, the pusher (under the
 * worker's grow lock, a rare slow path) links a ring of twice the capacity in
 * front, publishes it as `current`, and only then closes the full ring, so a
 * producer that sees the closed bit and reloads `current` finds the new ring.
 * Consumers always pop from the oldest ring of the chain first, and move on
 * to a newer ring only once the older one is drained (closed, and every
 * reserved cell popped), so each producer's jobs still leave in the order it
 * pushed them: a producer reaches the new ring only after its last push into
 * the old one, and that job is popped before anything newer.  Meanwhile a
 * consumer that finds the old ring momentarily empty (not yet closed, or a
 * push reserved but not yet published) reports nothing rather than overtake
 * it; stealing still serves it from the other workers.  A ring that is
 * closed and drained is unlinked by the consumer that notices, and freed
 * through RCU: a producer or a stealer may still be reading it inside its
 * read-side section.
 *
 * Shutdown closes each worker's current ring under its grow lock.  A pusher
 * that finds its ring closed reloads `current`: a different ring means the
 * close was a growth (retry there), the same ring means shutdown.
 */
#include <limits.h>
#include <stddef.h>
#include <pthread.h>

#include "alloc.h"
#include "cymade/error.h"
#include "eventcount.h"
#include "queue_strategy.h"
#include "rcu.h"
#include "ring.h"

/* The deepest chain a worker can build: growth doubles from >= 2 cells up to
 * RING_MAX_CAPACITY, so at most log2(RING_MAX_CAPACITY) rings. */
#define RING_MAX_CAPACITY ((size_t)1 << 30)
#define RING_CHAIN_MAX 32

typedef struct worker_rings {
    _Alignas(CYMADE_CACHELINE_SIZE) cymade_atomic_ptr current; /* ring *, RCU-protected */
    pthread_mutex_t grow_lock;
    cymade_atomic_u64 grows;
} worker_rings;

struct job_queue {
    size_t worker_count;
    cymade_atomic_u64 active_workers; /* see set_active in queue_strategy.h */
    eventcount idle;
    worker_rings workers[];
};

static job_queue *ring_queue_create(size_t workers, size_t ring_capacity) {
    job_queue *queue = cymade_aligned_alloc(CYMADE_CACHELINE_SIZE, sizeof *queue + workers * sizeof(worker_rings));
    if (queue == NULL) {
        return NULL;
    }
    queue->worker_count = workers;
    cymade_atomic_u64_init(&queue->active_workers, workers);
    eventcount_init(&queue->idle);
    for (size_t i = 0; i < workers; i++) {
        ring *first = ring_create(ring_capacity);
        if (first == NULL) {
            while (i-- > 0) {
                /* relaxed: no other thread has seen the queue yet. */
                ring_free(cymade_atomic_ptr_load(&queue->workers[i].current, memory_order_relaxed));
                pthread_mutex_destroy(&queue->workers[i].grow_lock);
            }
            cymade_free(queue);
            return NULL;
        }
        cymade_atomic_ptr_init(&queue->workers[i].current, first);
        cymade_atomic_u64_init(&queue->workers[i].grows, 0);
        pthread_mutex_init(&queue->workers[i].grow_lock, NULL);
    }
    return queue;
}

static void ring_queue_destroy(job_queue *queue) {
    /* Unlinked rings may still wait for their grace period. */
    cymade_rcu_barrier();
    for (size_t i = 0; i < queue->worker_count; i++) {
        ring *r = cymade_atomic_ptr_load(&queue->workers[i].current, memory_order_relaxed);
        while (r != NULL) {
            /* relaxed: every thread that used the queue has been joined. */
            ring *older = cymade_atomic_ptr_load(&r->older, memory_order_relaxed);
            ring_free(r);
            r = older;
        }
        pthread_mutex_destroy(&queue->workers[i].grow_lock);
    }
    cymade_free(queue);
}

/* Replaces `full` (if it is still current) by a ring of twice its capacity.
 * Called inside a read-side section, so `full` cannot be freed meanwhile. */
static int grow(worker_rings *rings, ring *full) {
    int rc = CYMADE_OK;
    pthread_mutex_lock(&rings->grow_lock);
    /* relaxed: the grow lock orders us after the previous grower's publish. */
    if (cymade_atomic_ptr_load(&rings->current, memory_order_relaxed) != full) {
        rc = CYMADE_OK; /* another pusher grew it */
    } else if (ring_is_closed(full)) {
        rc = CYMADE_ESHUTDOWN; /* a current ring is only ever closed by shutdown */
    } else {
        ring *bigger = ring_capacity(full) < RING_MAX_CAPACITY ? ring_create(ring_capacity(full) * 2) : NULL;
        if (bigger == NULL) {
            rc = CYMADE_ENOMEM;
        } else {
            /* relaxed: `bigger` is private until the release publish below. */
            cymade_atomic_ptr_store(&bigger->older, full, memory_order_relaxed);
            /* release: readers of `current` see the initialised ring and link. */
            cymade_atomic_ptr_store(&rings->current, bigger, memory_order_release);
            ring_close(full);
            /* relaxed: a statistic. */
            cymade_atomic_u64_fetch_add(&rings->grows, 1, memory_order_relaxed);
        }
    }
    pthread_mutex_unlock(&rings->grow_lock);
    return rc;
}

/* The links of a worker's ring chain, followed only inside a read-side
 * section: a ring that left the chain is freed after a grace period (the
 * assertion catches a reader that forgot its section in checked builds).
 * acquire: pairs with grow's release publish, so the ring's cells and link
 * are seen initialised. */
static ring *current_ring(worker_rings *rings) {
    cymade_rcu_assert_reader();
    return cymade_atomic_ptr_load(&rings->current, memory_order_acquire);
}

static ring *older_ring(ring *r) {
    cymade_rcu_assert_reader();
    return cymade_atomic_ptr_load(&r->older, memory_order_acquire);
}

/* relaxed: the count only steers jobs towards running workers; a stale one
 * is as correct (every ring is popped or stolen from, and park looks at all
 * of them), merely less even. */
static size_t active_workers(job_queue *queue) {
    return (size_t)cymade_atomic_u64_load(&queue->active_workers, memory_order_relaxed);
}

static void ring_queue_set_active(job_queue *queue, size_t workers) {
    cymade_atomic_u64_store(&queue->active_workers, workers, memory_order_relaxed); /* relaxed: see above */
}

static int ring_queue_push(job_queue *queue, size_t worker_hint, queued_job job) {
    worker_rings *rings = &queue->workers[worker_hint % active_workers(queue)];
    int rc = CYMADE_OK;
    cymade_rcu_read_lock();
    ring *r = current_ring(rings);
    for (;;) {
        ring_push_result pushed = ring_try_push(r, job);
        if (pushed == RING_PUSHED) {
            break;
        }
        if (pushed == RING_FULL && (rc = grow(rings, r)) != CYMADE_OK) {
            break;
        }
        /* After RING_CLOSED, the closed bit's acquire guarantees that a
         * growth's new ring is visible here. */
        ring *reloaded = current_ring(rings);
        if (pushed == RING_CLOSED && reloaded == r) {
            rc = CYMADE_ESHUTDOWN;
            break;
        }
        r = reloaded;
    }
    cymade_rcu_read_unlock();
    if (rc == CYMADE_OK) {
        eventcount_notify_idle(&queue->idle);
    }
    return rc;
}

static void reclaim_ring(cymade_rcu_head *head) {
    ring_free((ring *)((char *)head - offsetof(ring, rcu)));
}

/* Unlinks the drained oldest ring `drained` from `newer`; the winner of the
 * CAS frees it after a grace period (readers may still be inside it). */
static void unlink_drained(ring *newer, ring *drained) {
    void *expected = drained;
    /* relaxed: the ring is drained and closed, so no data flows through the
     * link any more; RCU orders the free after every reader. */
    if (cymade_atomic_ptr_compare_exchange_strong(&newer->older, &expected, NULL, memory_order_relaxed,
                                                  memory_order_relaxed)) {
        cymade_rcu_defer_free(&drained->rcu, reclaim_ring);
    }
}

/* Pops from one worker's chain, oldest ring first.  Inside a read section. */
static bool pop_chain(worker_rings *rings, queued_job *job) {
    ring *newest = current_ring(rings);
    ring *older = older_ring(newest);
    if (older == NULL) {
        return ring_try_pop(newest, job) == 0; /* the usual chain: one ring */
    }
    ring *chain[RING_CHAIN_MAX];
    chain[0] = newest;
    chain[1] = older;
    size_t depth = 2;
    for (ring *r = older_ring(older); r != NULL && depth < RING_CHAIN_MAX; r = older_ring(r)) {
        chain[depth++] = r;
    }
    for (size_t level = depth; level-- > 0;) {
        if (ring_try_pop(chain[level], job) == 0) {
            return true;
        }
        if (level == 0) {
            break;
        }
        if (!ring_is_drained(chain[level])) {
            return false; /* an older job may still land: see the top of this file */
        }
        if (level == depth - 1) {
            unlink_drained(chain[level - 1], chain[level]);
        }
    }
    return false;
}

static bool ring_queue_pop(job_queue *queue, size_t worker, queued_job *job, bool *stolen) {
    bool found = false;
    size_t active = active_workers(queue);
    cymade_rcu_read_lock();
    for (size_t i = 0; i < active && !found; i++) {
        found = pop_chain(&queue->workers[(worker + i) % active], job);
        *stolen = (i != 0);
    }
    cymade_rcu_read_unlock();
    return found;
}

static bool ring_queue_has_jobs(job_queue *queue) {
    bool found = false;
    cymade_rcu_read_lock();
    for (size_t i = 0; i < queue->worker_count && !found; i++) {
        for (ring *r = current_ring(&queue->workers[i]); r != NULL && !found; r = older_ring(r)) {
            found = ring_size(r) != 0;
        }
    }
    cymade_rcu_read_unlock();
    return found;
}

static void ring_queue_park(job_queue *queue, bool (*has_other_work)(void *context), void *context,
                            const struct timespec *deadline) {
    uint32_t key = eventcount_prepare_wait(&queue->idle);
    if (ring_queue_has_jobs(queue) || has_other_work(context)) {
        eventcount_cancel_wait(&queue->idle);
        return;
    }
    eventcount_wait(&queue->idle, key, deadline);
}

static void ring_queue_close(job_queue *queue) {
    for (size_t i = 0; i < queue->worker_count; i++) {
        worker_rings *rings = &queue->workers[i];
        pthread_mutex_lock(&rings->grow_lock);
        /* relaxed: the grow lock orders us after any growth's publish. */
        ring_close(cymade_atomic_ptr_load(&rings->current, memory_order_relaxed));
        pthread_mutex_unlock(&rings->grow_lock);
    }
}

static bool ring_queue_is_drained(job_queue *queue) {
    bool drained = true;
    cymade_rcu_read_lock();
    for (size_t i = 0; i < queue->worker_count && drained; i++) {
        for (ring *r = current_ring(&queue->workers[i]); r != NULL && drained; r = older_ring(r)) {
            drained = ring_is_drained(r);
        }
    }
    cymade_rcu_read_unlock();
    return drained;
}

static void ring_queue_search_begin(job_queue *queue) {
    eventcount_search_begin(&queue->idle);
}

static void ring_queue_search_end(job_queue *queue, bool found) {
    eventcount_search_end(&queue->idle, found);
}

static void ring_queue_wake_all(job_queue *queue) {
    eventcount_notify(&queue->idle, INT_MAX);
}

static void ring_queue_worker_counts(job_queue *queue, size_t worker, uint64_t *queued, uint64_t *grows) {
    worker_rings *rings = &queue->workers[worker];
    uint64_t total = 0;
    cymade_rcu_read_lock();
    for (ring *r = current_ring(rings); r != NULL; r = older_ring(r)) {
        total += ring_size(r);
    }
    cymade_rcu_read_unlock();
    *queued = total;
    /* relaxed: a statistic. */
    *grows = cymade_atomic_u64_load(&rings->grows, memory_order_relaxed);
}

const queue_strategy ring_queue_strategy = {
    .name = "rings",
    .create = ring_queue_create,
    .destroy = ring_queue_destroy,
    .push = ring_queue_push,
    .pop = ring_queue_pop,
    .set_active = ring_queue_set_active,
    .park = ring_queue_park,
    .close = ring_queue_close,
    .is_drained = ring_queue_is_drained,
    .search_begin = ring_queue_search_begin,
    .search_end = ring_queue_search_end,
    .wake_all = ring_queue_wake_all,
    .worker_counts = ring_queue_worker_counts,
};
