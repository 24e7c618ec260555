/*
 * stress_ring - the raw Vyukov ring (core/src/ring.h) under TSan.
 *
 * P producers push items carrying (producer, sequence, magic) into a ring of
 * 2 or 4 cells while C consumers pop, swept over P x C in {1x1, 2x2, 4x4,
 * 1x4, 4x1} (oversubscribed on purpose).  Checks:
 *   - exactly once: every pushed item's pop counter ends at 1;
 *   - per-producer FIFO as seen by each consumer (sequences increase);
 *   - magic values intact (the consumer read the producer's writes);
 *   - ring_size == 0 and ring_try_pop fails once everything is consumed.
 * The item pointer travels through the cell's plain `item` field, so a
 * producer publishing the cell sequence without release is a data race TSan
 * reports (mutant ring_relaxed_cell_publish).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include "ring.h"
#include "verify/stress/stress.h"

#define ITEMS_PER_PRODUCER 60000
#define MAX_SIDE 4
/* The watchdog's (verify/stress/stress.h): every push and pop is progress,
 * so a lost item (consumers waiting for it forever) is reported. */
#define PHASE_SLOT 0

typedef struct item {
    uint32_t producer;
    uint64_t sequence;
    uint64_t magic;
    cymade_atomic_u64 pops;
} item;

static uint64_t magic_of(uint32_t producer, uint64_t sequence) {
    return (UINT64_C(0x9E3779B97F4A7C15) * (sequence + 1)) ^ ((uint64_t)producer << 56) ^ UINT64_C(0xC0FFEE);
}

typedef struct phase {
    ring *r;
    unsigned producers;
    unsigned consumers;
    item *items[MAX_SIDE];
    uint64_t pushed[MAX_SIDE]; /* written by producer p only; read after join */
    cymade_atomic_u64 producers_done;
    cymade_atomic_u64 pushed_total; /* published after each push */
    cymade_atomic_u64 popped_total;
    stress_deadline deadline;
} phase;

static void producer_body(phase *ph, stress_thread *t, unsigned p) {
    item *items = ph->items[p];
    uint64_t n = 0;
    while (n < ITEMS_PER_PRODUCER && !stress_deadline_passed(&ph->deadline)) {
        item *it = &items[n];
        it->producer = p;
        it->sequence = n;
        it->magic = magic_of(p, n);
        cymade_atomic_u64_init(&it->pops, 0);
        ring_push_result result;
        while ((result = ring_try_push(ph->r, (queued_job){.arg = it})) == RING_FULL) {
            sched_yield();
        }
        STRESS_CHECK(&t->tally, result == RING_PUSHED);
        n++;
        cymade_atomic_u64_fetch_add(&ph->pushed_total, 1, memory_order_release);
        stress_progress(PHASE_SLOT);
        stress_maybe_yield(&t->rng);
    }
    ph->pushed[p] = n;
    cymade_atomic_u64_fetch_add(&ph->producers_done, 1, memory_order_acq_rel);
}

static void consumer_body(phase *ph, stress_thread *t) {
    int64_t last[MAX_SIDE];
    for (unsigned p = 0; p < MAX_SIDE; p++) {
        last[p] = -1;
    }
    for (;;) {
        queued_job got;
        if (ring_try_pop(ph->r, &got) == 0) {
            item *it = got.arg;
            bool producer_ok = it->producer < ph->producers;
            STRESS_CHECK(&t->tally, producer_ok);
            if (!producer_ok) {
                continue;
            }
            STRESS_CHECK(&t->tally, it->magic == magic_of(it->producer, it->sequence));
            STRESS_CHECK(&t->tally, cymade_atomic_u64_fetch_add(&it->pops, 1, memory_order_relaxed) == 0);
            STRESS_CHECK(&t->tally, (int64_t)it->sequence > last[it->producer]);
            last[it->producer] = (int64_t)it->sequence;
            cymade_atomic_u64_fetch_add(&ph->popped_total, 1, memory_order_relaxed);
            stress_progress(PHASE_SLOT);
            stress_maybe_yield(&t->rng);
            continue;
        }
        /* Done once every producer finished and all they pushed is popped. */
        if (cymade_atomic_u64_load(&ph->producers_done, memory_order_acquire) == ph->producers &&
            cymade_atomic_u64_load(&ph->popped_total, memory_order_relaxed) ==
                cymade_atomic_u64_load(&ph->pushed_total, memory_order_acquire)) {
            return;
        }
        sched_yield();
    }
}

static void phase_body(stress_thread *t) {
    phase *ph = t->shared;
    if (t->index < ph->producers) {
        producer_body(ph, t, t->index);
    } else {
        consumer_body(ph, t);
    }
}

static void run_ring(const stress_options *options) {
    static const unsigned shapes[][2] = {{1, 1}, {2, 2}, {4, 4}, {1, 4}, {4, 1}};
    static const size_t capacities[] = {2, 4};
    const unsigned shape_count = sizeof shapes / sizeof shapes[0];
    const unsigned steps = shape_count * 2;
    uint64_t total_items = 0;
    for (unsigned step = 0; step < steps; step++) {
        phase *ph = calloc(1, sizeof *ph);
        ph->producers = shapes[step % shape_count][0];
        ph->consumers = shapes[step % shape_count][1];
        size_t capacity = capacities[step / shape_count];
        ph->r = ring_create(capacity);
        for (unsigned p = 0; p < ph->producers; p++) {
            ph->items[p] = calloc(ITEMS_PER_PRODUCER, sizeof(item));
        }
        ph->deadline = stress_deadline_after(options->seconds / steps);
        stress_watch(PHASE_SLOT, "ring phase #", step, "pushed items not popped, or a full ring not popped", 0);
        stress_run_threads(ph->producers + ph->consumers, options->seed + step, phase_body, ph);
        stress_unwatch(PHASE_SLOT);

        uint64_t pushed = 0;
        for (unsigned p = 0; p < ph->producers; p++) {
            for (uint64_t n = 0; n < ph->pushed[p]; n++) {
                STRESS_CHECK(&stress_main_tally,
                             cymade_atomic_u64_load(&ph->items[p][n].pops, memory_order_relaxed) == 1);
            }
            pushed += ph->pushed[p];
            free(ph->items[p]);
        }
        queued_job left;
        STRESS_CHECK(&stress_main_tally, ring_try_pop(ph->r, &left) != 0);
        STRESS_CHECK(&stress_main_tally, ring_size(ph->r) == 0);
        STRESS_CHECK(&stress_main_tally, pushed > 0);
        total_items += pushed;
        ring_free(ph->r);
        free(ph);
    }
    printf("stress_ring: %" PRIu64 " items through %u phases\n", total_items, steps);
}

int main(void) {
    return stress_main("ring", run_ring);
}
