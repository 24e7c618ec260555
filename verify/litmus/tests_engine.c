/*
 * verify/litmus/tests_engine.c - the orderings the pool engine relies on,
 * written with exactly the operations and orders the engine uses.
 *
 * MP+ring-cell (core/src/ring.c): a producer writes the cell's job (plain
 * data) and publishes it with a release store of the cell sequence; a
 * consumer that acquires the new sequence must read the job.
 *
 * SB+park-wake (core/src/eventcount.c, ring.c): the submitter reserves a
 * cell with a seq_cst CAS on the enqueue position, then loads the eventcount
 * with seq_cst (eventcount_notify_idle: no waiter seen, no wake-up).  A
 * parking worker announces itself with a seq_cst RMW on the eventcount, then
 * a seq_cst fence, then re-checks the enqueue position (relaxed, ring_size).
 * Both seeing nothing is a lost wake-up: Never.
 */
#include "tests.h"

static void init_u64(litmus_record *record) {
    cymade_atomic_u64_init(&record->x.u64, 0);
    cymade_atomic_u64_init(&record->y.u64, 0);
}

/* x: the cell sequence; payload: the cell's job. */
static void ring_cell_producer(litmus_record *record) {
    record->payload.value = 42;
    /* rel: ring_try_push's publication of the cell. */
    cymade_atomic_u64_store(&record->x.u64, 1, memory_order_release);
}

static void ring_cell_consumer(litmus_record *record) {
    /* acq: ring_try_pop's load of the cell sequence. */
    uint64_t sequence = cymade_atomic_u64_load(&record->x.u64, memory_order_acquire);
    record->thread[1].r[0].u64 = sequence;
    record->thread[1].r[1].u64 = sequence == 1 ? record->payload.value : 42;
}

static bool ring_cell_witness(const litmus_record *record) {
    return record->thread[1].r[0].u64 == 1 && record->thread[1].r[1].u64 != 42;
}

/* x: the ring's enqueue position; y: the eventcount's waiter count. */
static void park_wake_submitter(litmus_record *record) {
    uint64_t position = 0;
    /* sc: ring_try_push's reservation CAS. */
    cymade_atomic_u64_compare_exchange_strong(&record->x.u64, &position, 1, memory_order_seq_cst,
                                              memory_order_acquire);
    /* sc: eventcount_notify_idle's load of the waiter count. */
    record->thread[0].r[0].u64 = cymade_atomic_u64_load(&record->y.u64, memory_order_seq_cst);
}

static void park_wake_worker(litmus_record *record) {
    /* sc: eventcount_prepare_wait's announcement, then its fence. */
    cymade_atomic_u64_fetch_add(&record->y.u64, 1, memory_order_seq_cst);
    cymade_atomic_thread_fence(memory_order_seq_cst);
    /* rlx: ring_size's load in the park re-check; the fence orders it. */
    record->thread[1].r[0].u64 = cymade_atomic_u64_load(&record->x.u64, memory_order_relaxed);
}

static bool park_wake_witness(const litmus_record *record) {
    return record->thread[0].r[0].u64 == 0 && record->thread[1].r[0].u64 == 0;
}

const litmus_test litmus_engine_tests[] = {
    {"MP+ring-cell", LITMUS_NEVER, 2, 0, init_u64, {ring_cell_producer, ring_cell_consumer}, ring_cell_witness},
    {"SB+park-wake", LITMUS_NEVER, 2, 0, init_u64, {park_wake_submitter, park_wake_worker}, park_wake_witness},
};

const size_t litmus_engine_test_count = sizeof litmus_engine_tests / sizeof litmus_engine_tests[0];
