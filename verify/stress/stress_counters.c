/*
 * stress_counters - concurrent fetch_add/sub/and/or/xor on u64 and i64 must
 * lose no update: the final values are checked against exact totals each
 * thread keeps privately, and every fetch_and/or/xor's returned old value is
 * checked against the bits its own thread owns.
 *
 * Every counter access is relaxed: RMW atomicity alone makes the totals exact,
 * and pthread_join orders the workers' operations before the final loads.
 */
#include "stress.h"

#include "cymade/atomic.h"

#include <stdint.h>

/* Deadline checks cost a syscall; doing one per batch keeps the hot loop on
 * the atomics. */
enum { OPERATIONS_PER_DEADLINE_CHECK = 64 };

/* What one thread did, kept in plain memory only it writes; read after join.
 * Sums are kept unsigned so they wrap exactly like the atomics do. */
typedef struct counter_totals {
    uint64_t u64_net_added;
    uint64_t u64_xored;
    uint64_t i64_net_added;
    int64_t i64_xored;
    uint64_t owned_bits;   /* this thread's bits in the shared bitmask words */
    uint64_t u64_bits_set; /* expected state of owned_bits in u64_bitmask */
    uint64_t i64_bits_set; /* expected state of owned_bits in i64_bitmask */
} counter_totals;

typedef struct counters_shared {
    stress_deadline deadline;
    cymade_atomic_u64 u64_sum;
    cymade_atomic_u64 u64_xor;
    cymade_atomic_i64 i64_sum;
    cymade_atomic_i64 i64_xor;
    /* Each thread sets/clears/flips only its own bits (bit % thread count ==
     * thread index), so each thread knows exactly what its bits must read as,
     * whatever the others do; a lost update from another thread's RMW on the
     * same word shows up as a wrong bit. */
    cymade_atomic_u64 u64_bitmask;
    cymade_atomic_i64 i64_bitmask;
    counter_totals totals[STRESS_MAX_THREADS];
} counters_shared;

static uint64_t bits_owned_by(unsigned index, unsigned count) {
    uint64_t mask = 0;
    for (unsigned bit = index; bit < 64; bit += count) {
        mask |= UINT64_C(1) << bit;
    }
    return mask;
}

/* A random operand in [-2**31, 2**31): large enough to carry across words,
 * small enough that no sum here ever needs more than 64 bits to be exact. */
static int64_t random_signed(stress_rng *rng) {
    return (int64_t)stress_rng_below(rng, UINT64_C(1) << 32) - (INT64_C(1) << 31);
}

static void update_bitmasks(stress_thread *self, counters_shared *shared, counter_totals *totals) {
    uint64_t bits = stress_rng_next(&self->rng) & totals->owned_bits;
    uint64_t old;
    switch (stress_rng_below(&self->rng, 3)) {
    case 0:
        old = cymade_atomic_u64_fetch_or(&shared->u64_bitmask, bits, memory_order_relaxed);
        STRESS_CHECK(&self->tally, (old & totals->owned_bits) == totals->u64_bits_set);
        totals->u64_bits_set |= bits;
        break;
    case 1:
        old = cymade_atomic_u64_fetch_and(&shared->u64_bitmask, ~bits, memory_order_relaxed);
        STRESS_CHECK(&self->tally, (old & totals->owned_bits) == totals->u64_bits_set);
        totals->u64_bits_set &= ~bits;
        break;
    default:
        old = cymade_atomic_u64_fetch_xor(&shared->u64_bitmask, bits, memory_order_relaxed);
        STRESS_CHECK(&self->tally, (old & totals->owned_bits) == totals->u64_bits_set);
        totals->u64_bits_set ^= bits;
        break;
    }

    int64_t signed_bits = (int64_t)(stress_rng_next(&self->rng) & totals->owned_bits);
    int64_t signed_old;
    switch (stress_rng_below(&self->rng, 3)) {
    case 0:
        signed_old = cymade_atomic_i64_fetch_or(&shared->i64_bitmask, signed_bits, memory_order_relaxed);
        STRESS_CHECK(&self->tally, ((uint64_t)signed_old & totals->owned_bits) == totals->i64_bits_set);
        totals->i64_bits_set |= (uint64_t)signed_bits;
        break;
    case 1:
        signed_old = cymade_atomic_i64_fetch_and(&shared->i64_bitmask, ~signed_bits, memory_order_relaxed);
        STRESS_CHECK(&self->tally, ((uint64_t)signed_old & totals->owned_bits) == totals->i64_bits_set);
        totals->i64_bits_set &= ~(uint64_t)signed_bits;
        break;
    default:
        signed_old = cymade_atomic_i64_fetch_xor(&shared->i64_bitmask, signed_bits, memory_order_relaxed);
        STRESS_CHECK(&self->tally, ((uint64_t)signed_old & totals->owned_bits) == totals->i64_bits_set);
        totals->i64_bits_set ^= (uint64_t)signed_bits;
        break;
    }
}

static void hammer_counters(stress_thread *self) {
    counters_shared *shared = self->shared;
    counter_totals *totals = &shared->totals[self->index];
    *totals = (counter_totals){.owned_bits = bits_owned_by(self->index, self->count)};

    for (;;) {
        for (int i = 0; i < OPERATIONS_PER_DEADLINE_CHECK; i++) {
            uint64_t added = stress_rng_next(&self->rng);
            uint64_t subtracted = stress_rng_next(&self->rng);
            uint64_t xored = stress_rng_next(&self->rng);
            cymade_atomic_u64_fetch_add(&shared->u64_sum, added, memory_order_relaxed);
            stress_maybe_yield(&self->rng);
            cymade_atomic_u64_fetch_sub(&shared->u64_sum, subtracted, memory_order_relaxed);
            cymade_atomic_u64_fetch_xor(&shared->u64_xor, xored, memory_order_relaxed);
            totals->u64_net_added += added - subtracted;
            totals->u64_xored ^= xored;
            stress_maybe_yield(&self->rng);

            int64_t signed_added = random_signed(&self->rng);
            int64_t signed_subtracted = random_signed(&self->rng);
            int64_t signed_xored = (int64_t)stress_rng_next(&self->rng);
            cymade_atomic_i64_fetch_add(&shared->i64_sum, signed_added, memory_order_relaxed);
            stress_maybe_yield(&self->rng);
            cymade_atomic_i64_fetch_sub(&shared->i64_sum, signed_subtracted, memory_order_relaxed);
            cymade_atomic_i64_fetch_xor(&shared->i64_xor, signed_xored, memory_order_relaxed);
            totals->i64_net_added += (uint64_t)signed_added - (uint64_t)signed_subtracted;
            totals->i64_xored ^= signed_xored;
            stress_maybe_yield(&self->rng);

            update_bitmasks(self, shared, totals);
            stress_maybe_yield(&self->rng);
        }
        if (stress_deadline_passed(&shared->deadline)) {
            return;
        }
    }
}

static void run_counters(unsigned thread_count, const stress_options *options, double seconds) {
    counters_shared shared = {.deadline = stress_deadline_after(seconds)};
    cymade_atomic_u64_init(&shared.u64_sum, 0);
    cymade_atomic_u64_init(&shared.u64_xor, 0);
    cymade_atomic_i64_init(&shared.i64_sum, 0);
    cymade_atomic_i64_init(&shared.i64_xor, 0);
    cymade_atomic_u64_init(&shared.u64_bitmask, 0);
    cymade_atomic_i64_init(&shared.i64_bitmask, 0);

    stress_run_threads(thread_count, options->seed, hammer_counters, &shared);

    uint64_t u64_net_added = 0;
    uint64_t u64_xored = 0;
    uint64_t i64_net_added = 0;
    int64_t i64_xored = 0;
    uint64_t u64_bits_set = 0;
    uint64_t i64_bits_set = 0;
    for (unsigned i = 0; i < thread_count; i++) {
        u64_net_added += shared.totals[i].u64_net_added;
        u64_xored ^= shared.totals[i].u64_xored;
        i64_net_added += shared.totals[i].i64_net_added;
        i64_xored ^= shared.totals[i].i64_xored;
        u64_bits_set |= shared.totals[i].u64_bits_set;
        i64_bits_set |= shared.totals[i].i64_bits_set;
    }
    stress_tally *tally = &stress_main_tally;
    STRESS_CHECK(tally, cymade_atomic_u64_load(&shared.u64_sum, memory_order_relaxed) == u64_net_added);
    STRESS_CHECK(tally, cymade_atomic_u64_load(&shared.u64_xor, memory_order_relaxed) == u64_xored);
    STRESS_CHECK(tally, (uint64_t)cymade_atomic_i64_load(&shared.i64_sum, memory_order_relaxed) == i64_net_added);
    STRESS_CHECK(tally, cymade_atomic_i64_load(&shared.i64_xor, memory_order_relaxed) == i64_xored);
    STRESS_CHECK(tally, cymade_atomic_u64_load(&shared.u64_bitmask, memory_order_relaxed) == u64_bits_set);
    STRESS_CHECK(tally, (uint64_t)cymade_atomic_i64_load(&shared.i64_bitmask, memory_order_relaxed) == i64_bits_set);
}

static void run_every_thread_count(const stress_options *options) {
    double seconds_per_run = options->seconds / STRESS_THREAD_COUNT_STEPS;
    for (unsigned i = 0; i < STRESS_THREAD_COUNT_STEPS; i++) {
        run_counters(STRESS_THREAD_COUNTS[i], options, seconds_per_run);
    }
}

int main(void) {
    return stress_main("counters", run_every_thread_count);
}
