/*
 * ring.h - bounded multi-producer/multi-consumer ring of pointers.
 *
 * The algorithm is Dmitry Vyukov's bounded MPMC queue
 * (1024cores.net, "Bounded MPMC queue"): every cell carries a sequence number
 * that tells producers and consumers whose turn the cell is, so push and pop
 * each need one CAS on their own position counter and no lock.  The enqueue
 * and dequeue positions live on separate cache lines.
 *
 * Addition for growth (see ring_queue.c): a ring can be *closed*.  Closing
 * sets a bit in the enqueue position, so every later push fails with
 * RING_CLOSED while pops keep draining what was pushed before.
 *
 * Guarantees:
 *   - linearizable FIFO: jobs leave in the order their pushes reserved cells;
 *   - a successful push happens-before the pop that returns its job
 *     (release store of the cell sequence / acquire load in pop).
 */
#ifndef CYMADE_RING_H
#define CYMADE_RING_H

#include <stddef.h>
#include <stdint.h>

#include "cymade/atomic.h"
#include "cymade/cacheline.h"
#include "queued_job.h"
#include "rcu.h"

typedef enum ring_push_result {
    RING_PUSHED,
    RING_FULL,
    RING_CLOSED,
} ring_push_result;

typedef struct ring_cell {
    cymade_atomic_u64 sequence;
    queued_job job;
} ring_cell;

typedef struct ring {
    _Alignas(CYMADE_CACHELINE_SIZE) cymade_atomic_u64 enqueue_position; /* bit 63: closed */
    _Alignas(CYMADE_CACHELINE_SIZE) cymade_atomic_u64 dequeue_position;
    _Alignas(CYMADE_CACHELINE_SIZE) uint64_t mask; /* capacity - 1 */
    cymade_atomic_ptr older;                       /* ring_queue: the ring this one replaced */
    cymade_rcu_head rcu;                           /* ring_queue: deferred free */
    ring_cell cells[];
} ring;

#define RING_CLOSED_BIT (UINT64_C(1) << 63)

/* Allocates a ring of `capacity` cells (a power of two >= 2); NULL when out of
 * memory.  Free it with ring_free once no thread can reach it. */
ring *ring_create(size_t capacity);
void ring_free(ring *r);

/* Appends `job` (any two words). */
ring_push_result ring_try_push(ring *r, queued_job job);

/* Removes the oldest job into *job; returns 0, or -1 when the ring is empty
 * or its oldest reserved cell is still being written. */
int ring_try_pop(ring *r, queued_job *job);

/* Makes every later push fail with RING_CLOSED.  Idempotent.  A pusher
 * that gets RING_CLOSED has synchronized with the close (acquire), so it sees
 * whatever the closer wrote before closing. */
void ring_close(ring *r);

int ring_is_closed(ring *r);

/* True once closed and every reserved cell has been popped: nothing can
 * appear in the ring any more. */
int ring_is_drained(ring *r);

/* Number of jobs pushed and not yet popped (a snapshot; may be stale). */
size_t ring_size(ring *r);

static inline size_t ring_capacity(const ring *r) {
    return (size_t)r->mask + 1;
}

#endif /* CYMADE_RING_H */
