/* Vyukov's bounded MPMC queue with a close bit; see ring.h. */
#include "ring.h"

#include <stdint.h>
#include <stdlib.h>

#include "alloc.h"

ring *ring_create(size_t capacity) {
    if (capacity < 2 || (capacity & (capacity - 1)) != 0 || capacity > (SIZE_MAX - sizeof(ring)) / sizeof(ring_cell)) {
        return NULL;
    }
    ring *r = cymade_aligned_alloc(CYMADE_CACHELINE_SIZE, sizeof(ring) + capacity * sizeof(ring_cell));
    if (r == NULL) {
        return NULL;
    }
    cymade_atomic_u64_init(&r->enqueue_position, 0);
    cymade_atomic_u64_init(&r->dequeue_position, 0);
    cymade_atomic_ptr_init(&r->older, NULL);
    r->mask = capacity - 1;
    for (size_t i = 0; i < capacity; i++) {
        cymade_atomic_u64_init(&r->cells[i].sequence, i);
        r->cells[i].job = (queued_job){NULL, NULL};
    }
    return r;
}

void ring_free(ring *r) {
    cymade_free(r);
}

ring_push_result ring_try_push(ring *r, queued_job job) {
    /* acquire (here and on every reload): if the position carries the closed
     * bit we synchronize with ring_close; otherwise it is only a hint until
     * the CAS below claims the cell. */
    uint64_t position = cymade_atomic_u64_load(&r->enqueue_position, memory_order_acquire);
    for (;;) {
        if (position & RING_CLOSED_BIT) {
            return RING_CLOSED;
        }
        ring_cell *cell = &r->cells[position & r->mask];
        /* acquire: pairs with the consumer's release that freed this cell, so
         * our write of cell->job cannot overtake its read of the old job. */
        uint64_t sequence = cymade_atomic_u64_load(&cell->sequence, memory_order_acquire);
        int64_t lag = (int64_t)(sequence - position);
        if (lag == 0) {
            /* seq_cst on success: the reservation is the condition change of
             * the park/wake handshake (eventcount_notify_idle), so it must be
             * a seq_cst RMW; the same instruction on x86.  Publication is the
             * release store of the sequence below.  acquire on failure: see
             * the position loads. */
            if (cymade_atomic_u64_compare_exchange_weak(&r->enqueue_position, &position, position + 1,
                                                        memory_order_seq_cst, memory_order_acquire)) {
                cell->job = job;
                /* release: publishes cell->job to the consumer's acquire load. */
                cymade_atomic_u64_store(&cell->sequence, position + 1, memory_order_release);
                return RING_PUSHED;
            }
        } else if (lag < 0) {
            /* The cell still holds a job from one lap ago: full, unless a
             * close raced with us. */
            uint64_t now = cymade_atomic_u64_load(&r->enqueue_position, memory_order_acquire);
            return (now & RING_CLOSED_BIT) ? RING_CLOSED : RING_FULL;
        } else {
            position = cymade_atomic_u64_load(&r->enqueue_position, memory_order_acquire);
        }
    }
}

int ring_try_pop(ring *r, queued_job *job) {
    /* relaxed: a hint until the CAS below claims the cell. */
    uint64_t position = cymade_atomic_u64_load(&r->dequeue_position, memory_order_relaxed);
    for (;;) {
        ring_cell *cell = &r->cells[position & r->mask];
        /* acquire: pairs with the producer's release store; makes job visible. */
        uint64_t sequence = cymade_atomic_u64_load(&cell->sequence, memory_order_acquire);
        int64_t lag = (int64_t)(sequence - (position + 1));
        if (lag == 0) {
            /* relaxed: the acquire above already ordered the job read. */
            if (cymade_atomic_u64_compare_exchange_weak(&r->dequeue_position, &position, position + 1,
                                                        memory_order_relaxed, memory_order_relaxed)) {
                *job = cell->job;
                /* release: our read of the job happens-before the next lap's write. */
                cymade_atomic_u64_store(&cell->sequence, position + r->mask + 1, memory_order_release);
                return 0;
            }
        } else if (lag < 0) {
            return -1;
        } else {
            /* relaxed: another consumer moved on; a fresh hint. */
            position = cymade_atomic_u64_load(&r->dequeue_position, memory_order_relaxed);
        }
    }
}

void ring_close(ring *r) {
    /* release: a producer that acquires the closed bit also sees the ring
     * that replaced this one (published before the close, see ring_queue.c). */
    cymade_atomic_u64_fetch_or(&r->enqueue_position, RING_CLOSED_BIT, memory_order_release);
}

int ring_is_closed(ring *r) {
    /* acquire: as for a pusher that sees the bit. */
    return (cymade_atomic_u64_load(&r->enqueue_position, memory_order_acquire) & RING_CLOSED_BIT) != 0;
}

int ring_is_drained(ring *r) {
    /* acquire: once closed, the enqueue position is final; reading it with
     * acquire orders it before the dequeue-position read. */
    uint64_t enqueued = cymade_atomic_u64_load(&r->enqueue_position, memory_order_acquire);
    if (!(enqueued & RING_CLOSED_BIT)) {
        return 0;
    }
    uint64_t dequeued = cymade_atomic_u64_load(&r->dequeue_position, memory_order_acquire);
    return dequeued == (enqueued & ~RING_CLOSED_BIT);
}

size_t ring_size(ring *r) {
    /* relaxed: a statistic; may be momentarily inconsistent. */
    uint64_t enqueued = cymade_atomic_u64_load(&r->enqueue_position, memory_order_relaxed) & ~RING_CLOSED_BIT;
    uint64_t dequeued = cymade_atomic_u64_load(&r->dequeue_position, memory_order_relaxed);
    return enqueued > dequeued ? (size_t)(enqueued - dequeued) : 0;
}
