/*
 * verify/litmus/tests_engine.c - the engine's handshakes, run through the
 * engine's own functions (core/src/eventcount.c, ring.c, future.c) rather
 * than copies of them, so that a fence removed or an order weakened there
 * runs in these tests.  Each record gets its own eventcount, ring or future
 * (its litmus_object), created by the test's init and released by the
 * harness once the record has been judged.
 *
 * SB+park-wake (eventcount_notify): a waiter announces itself with
 * eventcount_prepare_wait and re-checks a flag; a notifier sets the flag with
 * a relaxed store (the weakest condition change, so that nothing but
 * eventcount_notify's own fence orders it) and calls eventcount_notify.  A
 * waiter that saw no flag keeps its announcement, as the real one does while
 * it sleeps in eventcount_wait; it never sleeps here.  Witness: the waiter
 * would sleep and the epoch still equals its key, so eventcount_wait would
 * block with no wake-up to come: a lost wake-up.  Never.
 *
 * SB+park-wake[idle] (eventcount_notify_idle): the same handshake as a ring
 * push and a parking worker do it (core/src/ring_queue.c): the condition
 * change is ring_try_push's reservation CAS, a seq_cst RMW, followed by
 * eventcount_notify_idle, which issues no fence; the waiter's re-check is
 * ring_size.  (A ring_try_pop attempt would not be a valid re-check: it reads
 * the cell sequence, which the push publishes with a release store, and a
 * release store followed by notify_idle's load is a store-buffering pair
 * that C11 and x86 both let pass.)  Never.
 *
 * MP+ring-cell (ring.c): a producer writes a payload (plain data) and pushes
 * a job pointing to it; a consumer that pops the job must read the payload.
 * Never.
 *
 * MP+future-state (future.c): a worker's job writes a payload and the worker
 * completes the future with future_complete (result and status, then the
 * state word's RUNNING -> DONE transition); a reader that sees DONE through
 * cymade_future_get_state must read the result, the status and the payload
 * through cymade_future_result and cymade_future_status.  Never.
 *
 * What x86-TSO lets these tests see: only store buffering (a store waiting in
 * the store buffer while a later load of another location runs).
 *   - eventcount.c load_after_fence: its seq_cst fence (MFENCE) alone keeps
 *     the notifier's relaxed flag store ahead of its load of the state word;
 *     without it SB+park-wake shows the lost wake-up.
 *   - eventcount_prepare_wait: its fence follows a lock-prefixed fetch_add,
 *     a full barrier on x86 whatever its order, so removing only that fence,
 *     or weakening only the fetch_add's order, cannot be seen by hardware.
 *   - eventcount_notify_idle and ring_try_push's reservation: the CAS is a
 *     lock cmpxchg whatever its order and a seq_cst load is a plain load, so
 *     no weakening of either shows in SB+park-wake[idle].
 *   - ring.c's release/acquire on the cell sequence and future.c's acq_rel
 *     transition / acquire state load: x86 never reorders message passing,
 *     so weakening any of them passes here on x86.  Built with
 *     --config=tsan, the MP tests catch it: ThreadSanitizer reports the
 *     payload, job, result or status read as a data race (so does
 *     verify/engine/BUILD.bazel's ring_relaxed_cell_publish for the ring).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cymade/cacheline.h"
#include "cymade/future.h"
#include "eventcount.h"
#include "future_internal.h"
#include "ring.h"
#include "tests.h"

/* Two cells: enough for one push, and a power of two (ring_create). */
enum { RING_CAPACITY = 2 };

/* What the producers write before they publish, and the status a completed
 * future reports. */
enum { PAYLOAD_VALUE = 42, COMPLETED_STATUS = 7 };

/* An init cannot fail a run; running out of memory for one small object ends
 * the runner with the status of a set-up failure (litmus_main.c). */
static void *created(void *object, const char *what) {
    if (object == NULL) {
        fprintf(stderr, "litmus: out of memory for %s\n", what);
        exit(2);
    }
    return object;
}

/* Whole cache lines for one record's object, so that no other record's
 * object shares a line with it. */
static void *allocate_lines(size_t size, const char *what) {
    size_t rounded = (size + CYMADE_CACHELINE_SIZE - 1) / CYMADE_CACHELINE_SIZE * CYMADE_CACHELINE_SIZE;
    return created(aligned_alloc(CYMADE_CACHELINE_SIZE, rounded), what);
}

/* True iff a waiter that kept its announcement with `key` would block for
 * good in eventcount_wait: the epoch (bits 0-31 of the state word, see
 * eventcount.h) is still its key, so no wake-up followed its prepare. */
static bool wake_up_lost(const eventcount *ec, uint32_t key) {
    /* relaxed: the harness's batch barrier orders this after the iteration. */
    return (uint32_t)cymade_atomic_u64_load(&ec->state, memory_order_relaxed) == key;
}

/* ---------------------------------------------------------------------------
 * SB+park-wake: x is the flag (the waiter's condition).
 * Waiter registers: r0 = 1 if it saw the flag, r1 = its key.
 * ------------------------------------------------------------------------- */

static void init_park_wake(litmus_record *record) {
    cymade_atomic_u64_init(&record->x.u64, 0);
    eventcount *ec = allocate_lines(sizeof *ec, "an eventcount");
    eventcount_init(ec);
    record->object = (litmus_object){.pointer = ec, .release = free};
}

static void park_wake_notifier(litmus_record *record) {
    /* relaxed: the condition change eventcount_notify's fence must order. */
    cymade_atomic_u64_store(&record->x.u64, 1, memory_order_relaxed);
    eventcount_notify(record->object.pointer, 1);
}

static void park_wake_waiter(litmus_record *record) {
    eventcount *ec = record->object.pointer;
    uint32_t key = eventcount_prepare_wait(ec);
    /* relaxed: prepare_wait's fence orders the re-check (eventcount.h). */
    bool condition_holds = cymade_atomic_u64_load(&record->x.u64, memory_order_relaxed) != 0;
    record->thread[1].r[0].u64 = condition_holds;
    record->thread[1].r[1].u64 = key;
    if (condition_holds) {
        eventcount_cancel_wait(ec);
    }
}

static bool park_wake_witness(const litmus_record *record) {
    const eventcount *ec = record->object.pointer;
    return record->thread[1].r[0].u64 == 0 && wake_up_lost(ec, (uint32_t)record->thread[1].r[1].u64);
}

/* ---------------------------------------------------------------------------
 * SB+park-wake[idle]: the condition is "the ring holds a job".
 * Waiter registers: r0 = 1 if it saw a job, r1 = its key.
 * ------------------------------------------------------------------------- */

typedef struct idle_park {
    eventcount idle;
    ring *jobs;
} idle_park;

static void release_idle_park(void *pointer) {
    idle_park *park = pointer;
    ring_free(park->jobs);
    free(park);
}

static void init_idle_park(litmus_record *record) {
    idle_park *park = allocate_lines(sizeof *park, "an eventcount and its ring");
    eventcount_init(&park->idle);
    park->jobs = created(ring_create(RING_CAPACITY), "a ring");
    record->object = (litmus_object){.pointer = park, .release = release_idle_park};
}

static void idle_park_pusher(litmus_record *record) {
    idle_park *park = record->object.pointer;
    (void)ring_try_push(park->jobs, (queued_job){.fn = NULL, .arg = NULL}); /* an empty ring takes it */
    eventcount_notify_idle(&park->idle);
}

static void idle_park_waiter(litmus_record *record) {
    idle_park *park = record->object.pointer;
    uint32_t key = eventcount_prepare_wait(&park->idle);
    bool has_job = ring_size(park->jobs) != 0;
    record->thread[1].r[0].u64 = has_job;
    record->thread[1].r[1].u64 = key;
    if (has_job) {
        eventcount_cancel_wait(&park->idle);
    }
}

static bool idle_park_witness(const litmus_record *record) {
    const idle_park *park = record->object.pointer;
    return record->thread[1].r[0].u64 == 0 && wake_up_lost(&park->idle, (uint32_t)record->thread[1].r[1].u64);
}

/* ---------------------------------------------------------------------------
 * MP+ring-cell: payload is the job's data.
 * Consumer registers: r0 = 1 if it popped a job, r1 = the payload it read
 * through the job (0 if the job was not the one pushed).
 * ------------------------------------------------------------------------- */

static void release_ring(void *pointer) {
    ring_free(pointer);
}

static void init_ring_cell(litmus_record *record) {
    record->object = (litmus_object){.pointer = created(ring_create(RING_CAPACITY), "a ring"), .release = release_ring};
}

static void ring_cell_producer(litmus_record *record) {
    record->payload.value = PAYLOAD_VALUE;
    (void)ring_try_push(record->object.pointer, (queued_job){.fn = NULL, .arg = &record->payload}); /* fits */
}

static void ring_cell_consumer(litmus_record *record) {
    queued_job job;
    bool popped = ring_try_pop(record->object.pointer, &job) == 0;
    record->thread[1].r[0].u64 = popped;
    if (popped) {
        const litmus_payload *payload = job.arg;
        record->thread[1].r[1].u64 = payload == &record->payload ? payload->value : 0;
    }
}

static bool ring_cell_witness(const litmus_record *record) {
    return record->thread[1].r[0].u64 == 1 && record->thread[1].r[1].u64 != PAYLOAD_VALUE;
}

/* ---------------------------------------------------------------------------
 * MP+future-state: payload is what the job wrote; the future's result points
 * to it.  Reader registers: r0 = the state it read, r1 = the status, r2 = the
 * payload read through the result (0 if the result was not the one stored).
 * ------------------------------------------------------------------------- */

static void free_future(cymade_future *future) {
    free(future);
}

/* Drops the future's only reference, so free_future runs. */
static void release_future(void *pointer) {
    cymade_future_release(pointer);
}

static void init_future_state(litmus_record *record) {
    cymade_future *future = allocate_lines(sizeof *future, "a future");
    cymade_future_init(future, NULL, NULL, free_future);
    (void)future_start(future); /* PENDING -> RUNNING, as the worker that runs the job */
    record->object = (litmus_object){.pointer = future, .release = release_future};
}

static void future_state_completer(litmus_record *record) {
    record->payload.value = PAYLOAD_VALUE;
    future_complete(record->object.pointer, &record->payload, COMPLETED_STATUS);
}

static void future_state_reader(litmus_record *record) {
    const cymade_future *future = record->object.pointer;
    cymade_future_state state = cymade_future_get_state(future);
    record->thread[1].r[0].u64 = state;
    if (state == CYMADE_FUTURE_DONE) {
        record->thread[1].r[1].i64 = cymade_future_status(future);
        const litmus_payload *payload = cymade_future_result(future);
        record->thread[1].r[2].u64 = payload == &record->payload ? payload->value : 0;
    }
}

static bool future_state_witness(const litmus_record *record) {
    return record->thread[1].r[0].u64 == CYMADE_FUTURE_DONE &&
           (record->thread[1].r[1].i64 != COMPLETED_STATUS || record->thread[1].r[2].u64 != PAYLOAD_VALUE);
}

const litmus_test litmus_engine_tests[] = {
    {"SB+park-wake", LITMUS_NEVER, 2, 0, init_park_wake, {park_wake_notifier, park_wake_waiter}, park_wake_witness},
    {"SB+park-wake[idle]", LITMUS_NEVER, 2, 0, init_idle_park, {idle_park_pusher, idle_park_waiter}, idle_park_witness},
    {"MP+ring-cell", LITMUS_NEVER, 2, 0, init_ring_cell, {ring_cell_producer, ring_cell_consumer}, ring_cell_witness},
    {"MP+future-state",
     LITMUS_NEVER,
     2,
     0,
     init_future_state,
     {future_state_completer, future_state_reader},
     future_state_witness},
};

const size_t litmus_engine_test_count = sizeof litmus_engine_tests / sizeof litmus_engine_tests[0];
