/*
 * stress_cas_loops - read-modify-write built from compare-exchange loops,
 * under contention:
 *   - u64 increments and i64 decrements through weak and strong CAS loops
 *     must lose no update;
 *   - f64 fetch_add/fetch_sub of integral values (exact in a double) must sum
 *     exactly, and a CAS-loop maximum must end at the largest value offered;
 *   - a pointer slot passed around with exchange must hand every heap block
 *     to exactly one consumer, intact: the release/acquire handoff of the
 *     block's plain fields is what TSan checks here.
 */
#include "stress.h"

#include "cymade/atomic.h"

#include <stdint.h>
#include <stdlib.h>

enum { OPERATIONS_PER_DEADLINE_CHECK = 64 };

/* ---------------------------------------------------------------------------
 * Integer CAS loops.
 * ------------------------------------------------------------------------- */

typedef struct integer_shared {
    stress_deadline deadline;
    cymade_atomic_u64 u64_count;
    cymade_atomic_i64 i64_count;
    uint64_t increments[STRESS_MAX_THREADS];
} integer_shared;

/* Relaxed throughout: only the count matters, and RMW atomicity of the CAS is
 * what makes it exact; pthread_join orders the final load. */
static void increment_u64(cymade_atomic_u64 *counter, bool use_weak) {
    uint64_t seen = cymade_atomic_u64_load(counter, memory_order_relaxed);
    if (use_weak) {
        while (!cymade_atomic_u64_compare_exchange_weak(counter, &seen, seen + 1, memory_order_relaxed,
                                                        memory_order_relaxed)) {
        }
    } else {
        while (!cymade_atomic_u64_compare_exchange_strong(counter, &seen, seen + 1, memory_order_relaxed,
                                                          memory_order_relaxed)) {
        }
    }
}

static void decrement_i64(cymade_atomic_i64 *counter, bool use_weak) {
    int64_t seen = cymade_atomic_i64_load(counter, memory_order_relaxed);
    if (use_weak) {
        while (!cymade_atomic_i64_compare_exchange_weak(counter, &seen, seen - 1, memory_order_relaxed,
                                                        memory_order_relaxed)) {
        }
    } else {
        while (!cymade_atomic_i64_compare_exchange_strong(counter, &seen, seen - 1, memory_order_relaxed,
                                                          memory_order_relaxed)) {
        }
    }
}

static void count_with_cas(stress_thread *self) {
    integer_shared *shared = self->shared;
    uint64_t increments = 0;
    for (;;) {
        for (int i = 0; i < OPERATIONS_PER_DEADLINE_CHECK; i++) {
            increment_u64(&shared->u64_count, stress_rng_below(&self->rng, 2) == 0);
            stress_maybe_yield(&self->rng);
            decrement_i64(&shared->i64_count, stress_rng_below(&self->rng, 2) == 0);
            stress_maybe_yield(&self->rng);
            increments++;
        }
        if (stress_deadline_passed(&shared->deadline)) {
            break;
        }
    }
    shared->increments[self->index] = increments;
}

static void run_integer_cas(unsigned thread_count, uint64_t seed, double seconds) {
    integer_shared shared = {.deadline = stress_deadline_after(seconds)};
    /* Start just below the u64 wrap point so the CAS loops carry across it. */
    cymade_atomic_u64_init(&shared.u64_count, UINT64_MAX - 1000);
    cymade_atomic_i64_init(&shared.i64_count, 0);
    stress_run_threads(thread_count, seed, count_with_cas, &shared);

    uint64_t total = 0;
    for (unsigned i = 0; i < thread_count; i++) {
        total += shared.increments[i];
    }
    STRESS_CHECK(&stress_main_tally,
                 cymade_atomic_u64_load(&shared.u64_count, memory_order_relaxed) == UINT64_MAX - 1000 + total);
    STRESS_CHECK(&stress_main_tally,
                 cymade_atomic_i64_load(&shared.i64_count, memory_order_relaxed) == -(int64_t)total);
}

/* ---------------------------------------------------------------------------
 * f64 fetch_add/fetch_sub and a CAS-loop maximum.
 * ------------------------------------------------------------------------- */

typedef struct float_shared {
    stress_deadline deadline;
    cymade_atomic_f64 sum;
    cymade_atomic_f64 maximum;
    int64_t net_added[STRESS_MAX_THREADS];
    double largest_offered[STRESS_MAX_THREADS];
} float_shared;

/* Raises *maximum to at least candidate.  Relaxed: the final value is read
 * after join; the loop exits early once a larger value is already there. */
static void raise_to(cymade_atomic_f64 *maximum, double candidate) {
    double seen = cymade_atomic_f64_load(maximum, memory_order_relaxed);
    while (seen < candidate && !cymade_atomic_f64_compare_exchange_weak(maximum, &seen, candidate, memory_order_relaxed,
                                                                        memory_order_relaxed)) {
    }
}

static void add_floats(stress_thread *self) {
    float_shared *shared = self->shared;
    int64_t net_added = 0;
    double largest_offered = 0.0;
    for (;;) {
        for (int i = 0; i < OPERATIONS_PER_DEADLINE_CHECK; i++) {
            /* Integers below 2**10 summed a few million times stay far below
             * 2**53, so every partial sum is exact in any order. */
            int64_t added = (int64_t)stress_rng_below(&self->rng, 1024) + 1;
            int64_t subtracted = (int64_t)stress_rng_below(&self->rng, 512);
            cymade_atomic_f64_fetch_add(&shared->sum, (double)added, memory_order_relaxed);
            stress_maybe_yield(&self->rng);
            cymade_atomic_f64_fetch_sub(&shared->sum, (double)subtracted, memory_order_relaxed);
            net_added += added - subtracted;

            double offered = (double)stress_rng_next(&self->rng) / 4096.0;
            raise_to(&shared->maximum, offered);
            if (offered > largest_offered) {
                largest_offered = offered;
            }
            stress_maybe_yield(&self->rng);
        }
        if (stress_deadline_passed(&shared->deadline)) {
            break;
        }
    }
    shared->net_added[self->index] = net_added;
    shared->largest_offered[self->index] = largest_offered;
}

static void run_float_cas(unsigned thread_count, uint64_t seed, double seconds) {
    float_shared shared = {.deadline = stress_deadline_after(seconds)};
    cymade_atomic_f64_init(&shared.sum, 0.0);
    cymade_atomic_f64_init(&shared.maximum, 0.0);
    stress_run_threads(thread_count, seed, add_floats, &shared);

    int64_t net_added = 0;
    double largest_offered = 0.0;
    for (unsigned i = 0; i < thread_count; i++) {
        net_added += shared.net_added[i];
        if (shared.largest_offered[i] > largest_offered) {
            largest_offered = shared.largest_offered[i];
        }
    }
    STRESS_CHECK(&stress_main_tally, cymade_atomic_f64_load(&shared.sum, memory_order_relaxed) == (double)net_added);
    STRESS_CHECK(&stress_main_tally, cymade_atomic_f64_load(&shared.maximum, memory_order_relaxed) == largest_offered);
}

/* ---------------------------------------------------------------------------
 * Pointer exchange as an ownership-transfer slot.
 * ------------------------------------------------------------------------- */

#define BLOCK_MAGIC UINT64_C(0xB10CB10CB10CB10C)
#define BLOCK_CONSUMED UINT64_C(0xDEADDEADDEADDEAD)
enum { BLOCK_PAYLOAD_WORDS = 4 };

/* All plain fields: written by the producer before the releasing exchange,
 * read and overwritten by whichever thread's acquiring exchange takes it. */
typedef struct handoff_block {
    uint64_t magic;
    unsigned producer;
    uint64_t sequence;
    uint64_t payload[BLOCK_PAYLOAD_WORDS];
} handoff_block;

/* What one thread consumed, per producer: count and sum of sequence numbers
 * (with sequences 0..n-1 numbered per producer, exactly-once delivery makes
 * these n and n(n-1)/2). */
typedef struct consumption {
    uint64_t blocks[STRESS_MAX_THREADS];
    uint64_t sequence_sum[STRESS_MAX_THREADS];
} consumption;

typedef struct handoff_shared {
    stress_deadline deadline;
    cymade_atomic_ptr slot;
    uint64_t produced[STRESS_MAX_THREADS];
    consumption consumed[STRESS_MAX_THREADS + 1]; /* the last is the main thread's */
} handoff_shared;

static uint64_t payload_word(unsigned producer, uint64_t sequence, unsigned word) {
    return (sequence * 0x9E3779B97F4A7C15u) ^ ((uint64_t)producer << 56) ^ word;
}

static void consume_block(handoff_block *block, consumption *consumed, stress_tally *tally) {
    STRESS_CHECK(tally, block->magic == BLOCK_MAGIC);
    STRESS_CHECK(tally, block->producer < STRESS_MAX_THREADS);
    if (block->magic != BLOCK_MAGIC || block->producer >= STRESS_MAX_THREADS) {
        return; /* Not a block we made (or already consumed): touching it further could crash. */
    }
    for (unsigned w = 0; w < BLOCK_PAYLOAD_WORDS; w++) {
        STRESS_CHECK(tally, block->payload[w] == payload_word(block->producer, block->sequence, w));
    }
    consumed->blocks[block->producer]++;
    consumed->sequence_sum[block->producer] += block->sequence;
    block->magic = BLOCK_CONSUMED;
    free(block);
}

static void pass_blocks(stress_thread *self) {
    handoff_shared *shared = self->shared;
    consumption *consumed = &shared->consumed[self->index];
    uint64_t produced = 0;
    for (;;) {
        for (int i = 0; i < OPERATIONS_PER_DEADLINE_CHECK; i++) {
            handoff_block *block = malloc(sizeof *block);
            if (block == NULL) {
                abort();
            }
            *block = (handoff_block){.magic = BLOCK_MAGIC, .producer = self->index, .sequence = produced};
            for (unsigned w = 0; w < BLOCK_PAYLOAD_WORDS; w++) {
                block->payload[w] = payload_word(self->index, produced, w);
            }
            produced++;
            stress_maybe_yield(&self->rng);
            /* acq_rel: release publishes our block's fields to its future
             * taker; acquire makes the previous producer's writes to the
             * block we take visible before we read and free it. */
            handoff_block *taken = cymade_atomic_ptr_exchange(&shared->slot, block, memory_order_acq_rel);
            if (taken != NULL) {
                consume_block(taken, consumed, &self->tally);
            }
            stress_maybe_yield(&self->rng);
        }
        if (stress_deadline_passed(&shared->deadline)) {
            break;
        }
    }
    shared->produced[self->index] = produced;
}

static void run_pointer_handoff(unsigned thread_count, uint64_t seed, double seconds) {
    handoff_shared shared = {.deadline = stress_deadline_after(seconds)};
    cymade_atomic_ptr_init(&shared.slot, NULL);
    stress_run_threads(thread_count, seed, pass_blocks, &shared);

    /* Acquire for symmetry with the workers; join already ordered it. */
    handoff_block *last = cymade_atomic_ptr_exchange(&shared.slot, NULL, memory_order_acquire);
    STRESS_CHECK(&stress_main_tally, last != NULL);
    if (last != NULL) {
        consume_block(last, &shared.consumed[STRESS_MAX_THREADS], &stress_main_tally);
    }
    for (unsigned producer = 0; producer < thread_count; producer++) {
        uint64_t blocks = 0;
        uint64_t sequence_sum = 0;
        for (unsigned consumer = 0; consumer <= STRESS_MAX_THREADS; consumer++) {
            blocks += shared.consumed[consumer].blocks[producer];
            sequence_sum += shared.consumed[consumer].sequence_sum[producer];
        }
        uint64_t produced = shared.produced[producer];
        STRESS_CHECK(&stress_main_tally, blocks == produced);
        STRESS_CHECK(&stress_main_tally, sequence_sum == produced * (produced - 1) / 2);
    }
}

static void run_every_phase(const stress_options *options) {
    void (*const phases[])(unsigned, uint64_t, double) = {run_integer_cas, run_float_cas, run_pointer_handoff};
    const unsigned phase_count = sizeof phases / sizeof phases[0];
    double seconds_per_run = options->seconds / (phase_count * STRESS_THREAD_COUNT_STEPS);
    for (unsigned p = 0; p < phase_count; p++) {
        for (unsigned i = 0; i < STRESS_THREAD_COUNT_STEPS; i++) {
            phases[p](STRESS_THREAD_COUNTS[i], options->seed, seconds_per_run);
        }
    }
}

int main(void) {
    return stress_main("cas_loops", run_every_phase);
}
