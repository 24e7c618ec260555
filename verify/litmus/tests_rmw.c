/*
 * verify/litmus/tests_rmw.c - RMW atomicity for every read-modify-write op.
 *
 * Shape (herd7's "atomicity" check on rmw pairs): T0 and T1 each apply one
 * read-modify-write to the same location x and keep the value it returned.
 * The only outcomes allowed are the two serialisations: one thread sees the
 * initial value, the other sees the first one's result, and x ends up with
 * both applied.  Anything else is a lost (or torn) update; every test here is
 * Never.  Names are "RMW+rlx[type.op]".
 *
 * Every access is relaxed: atomicity holds at every memory order, so the
 * weakest order is the one under test (stronger orders only add ordering with
 * other locations, which the shape tests cover).
 */
#include "tests.h"

#include <stddef.h>
#include <stdint.h>

#include "cymade/atomic.h"

/* A serialisation of T0's and T1's RMW on x, seen from the values returned
 * (thread[i].r[0]) and x's final value.  "t0_first" describes the outcome in
 * which T0's RMW comes first in x's modification order. */
typedef struct u64_serialisations {
    uint64_t initial;
    uint64_t t1_sees_if_t0_first, final_if_t0_first;
    uint64_t t0_sees_if_t1_first, final_if_t1_first;
} u64_serialisations;

static bool u64_lost_update(const litmus_record *record, u64_serialisations s) {
    uint64_t seen0 = record->thread[0].r[0].u64;
    uint64_t seen1 = record->thread[1].r[0].u64;
    uint64_t final_value = cymade_atomic_u64_load(&record->x.u64, memory_order_relaxed);
    bool t0_first = seen0 == s.initial && seen1 == s.t1_sees_if_t0_first && final_value == s.final_if_t0_first;
    bool t1_first = seen1 == s.initial && seen0 == s.t0_sees_if_t1_first && final_value == s.final_if_t1_first;
    return !(t0_first || t1_first);
}

typedef struct i64_serialisations {
    int64_t initial;
    int64_t t1_sees_if_t0_first, final_if_t0_first;
    int64_t t0_sees_if_t1_first, final_if_t1_first;
} i64_serialisations;

static bool i64_lost_update(const litmus_record *record, i64_serialisations s) {
    int64_t seen0 = record->thread[0].r[0].i64;
    int64_t seen1 = record->thread[1].r[0].i64;
    int64_t final_value = cymade_atomic_i64_load(&record->x.i64, memory_order_relaxed);
    bool t0_first = seen0 == s.initial && seen1 == s.t1_sees_if_t0_first && final_value == s.final_if_t0_first;
    bool t1_first = seen1 == s.initial && seen0 == s.t0_sees_if_t1_first && final_value == s.final_if_t1_first;
    return !(t0_first || t1_first);
}

/* Every double here is exactly representable and every result exact, so ==
 * compares exactly. */
typedef struct f64_serialisations {
    double initial;
    double t1_sees_if_t0_first, final_if_t0_first;
    double t0_sees_if_t1_first, final_if_t1_first;
} f64_serialisations;

static bool f64_lost_update(const litmus_record *record, f64_serialisations s) {
    double seen0 = record->thread[0].r[0].f64;
    double seen1 = record->thread[1].r[0].f64;
    double final_value = cymade_atomic_f64_load(&record->x.f64, memory_order_relaxed);
    bool t0_first = seen0 == s.initial && seen1 == s.t1_sees_if_t0_first && final_value == s.final_if_t0_first;
    bool t1_first = seen1 == s.initial && seen0 == s.t0_sees_if_t1_first && final_value == s.final_if_t1_first;
    return !(t0_first || t1_first);
}

typedef struct ptr_serialisations {
    void *initial;
    void *t1_sees_if_t0_first, *final_if_t0_first;
    void *t0_sees_if_t1_first, *final_if_t1_first;
} ptr_serialisations;

static bool ptr_lost_update(const litmus_record *record, ptr_serialisations s) {
    void *seen0 = record->thread[0].r[0].ptr;
    void *seen1 = record->thread[1].r[0].ptr;
    void *final_value = cymade_atomic_ptr_load(&record->x.ptr, memory_order_relaxed);
    bool t0_first = seen0 == s.initial && seen1 == s.t1_sees_if_t0_first && final_value == s.final_if_t0_first;
    bool t1_first = seen1 == s.initial && seen0 == s.t0_sees_if_t1_first && final_value == s.final_if_t1_first;
    return !(t0_first || t1_first);
}

/* Compare-exchange race: both threads try to replace the initial value with
 * their own (thread[i].r[0] = succeeded, r[1] = *expected afterwards).
 * Exactly one must win, the loser must be handed the winner's value, and x
 * must hold it.  Values are compared as 64-bit patterns. */
static bool cas_race_broken(const litmus_record *record, uint64_t t0_desired, uint64_t t1_desired,
                            uint64_t final_bits) {
    bool won0 = record->thread[0].r[0].u64 != 0;
    bool won1 = record->thread[1].r[0].u64 != 0;
    if (won0 == won1) {
        return true;
    }
    uint64_t winner = won0 ? t0_desired : t1_desired;
    uint64_t loser_saw = won0 ? record->thread[1].r[1].u64 : record->thread[0].r[1].u64;
    return loser_saw != winner || final_bits != winner;
}

/* ---------------------------------------------------------------------------
 * uint64_t
 * ------------------------------------------------------------------------- */

static void init_u64_zero(litmus_record *record) {
    cymade_atomic_u64_init(&record->x.u64, 0);
}

static void init_u64_one(litmus_record *record) {
    cymade_atomic_u64_init(&record->x.u64, 1);
}

static void init_u64_three(litmus_record *record) {
    cymade_atomic_u64_init(&record->x.u64, 3);
}

static void u64_exchange_t0(litmus_record *record) {
    record->thread[0].r[0].u64 = cymade_atomic_u64_exchange(&record->x.u64, 1, memory_order_relaxed);
}

static void u64_exchange_t1(litmus_record *record) {
    record->thread[1].r[0].u64 = cymade_atomic_u64_exchange(&record->x.u64, 2, memory_order_relaxed);
}

static bool u64_exchange_witness(const litmus_record *record) {
    return u64_lost_update(record, (u64_serialisations){0, 1, 2, 2, 1});
}

static void u64_cas_strong_race(litmus_record *record, int self, uint64_t desired) {
    uint64_t expected = 0;
    bool won = cymade_atomic_u64_compare_exchange_strong(&record->x.u64, &expected, desired, memory_order_relaxed,
                                                         memory_order_relaxed);
    record->thread[self].r[0].u64 = won;
    record->thread[self].r[1].u64 = expected;
}

static void u64_cas_strong_t0(litmus_record *record) {
    u64_cas_strong_race(record, 0, 1);
}

static void u64_cas_strong_t1(litmus_record *record) {
    u64_cas_strong_race(record, 1, 2);
}

static bool u64_cas_strong_witness(const litmus_record *record) {
    return cas_race_broken(record, 1, 2, cymade_atomic_u64_load(&record->x.u64, memory_order_relaxed));
}

/* Increment through a weak-CAS retry loop; r0 = the value replaced. */
static void u64_cas_weak_increment(litmus_record *record, int self) {
    uint64_t expected = cymade_atomic_u64_load(&record->x.u64, memory_order_relaxed);
    while (!cymade_atomic_u64_compare_exchange_weak(&record->x.u64, &expected, expected + 1, memory_order_relaxed,
                                                    memory_order_relaxed)) {
    }
    record->thread[self].r[0].u64 = expected;
}

static void u64_cas_weak_t0(litmus_record *record) {
    u64_cas_weak_increment(record, 0);
}

static void u64_cas_weak_t1(litmus_record *record) {
    u64_cas_weak_increment(record, 1);
}

static bool u64_increment_witness(const litmus_record *record) {
    return u64_lost_update(record, (u64_serialisations){0, 1, 2, 1, 2});
}

static void u64_fetch_add_t0(litmus_record *record) {
    record->thread[0].r[0].u64 = cymade_atomic_u64_fetch_add(&record->x.u64, 1, memory_order_relaxed);
}

static void u64_fetch_add_t1(litmus_record *record) {
    record->thread[1].r[0].u64 = cymade_atomic_u64_fetch_add(&record->x.u64, 1, memory_order_relaxed);
}

/* 1 - 1 - 1 wraps to UINT64_MAX (C11 7.17.7.5: no undefined behaviour). */
static void u64_fetch_sub_t0(litmus_record *record) {
    record->thread[0].r[0].u64 = cymade_atomic_u64_fetch_sub(&record->x.u64, 1, memory_order_relaxed);
}

static void u64_fetch_sub_t1(litmus_record *record) {
    record->thread[1].r[0].u64 = cymade_atomic_u64_fetch_sub(&record->x.u64, 1, memory_order_relaxed);
}

static bool u64_fetch_sub_witness(const litmus_record *record) {
    return u64_lost_update(record, (u64_serialisations){1, 0, UINT64_MAX, 0, UINT64_MAX});
}

/* 3 & ~1 & ~2 == 0; each thread clears its own bit. */
static void u64_fetch_and_t0(litmus_record *record) {
    record->thread[0].r[0].u64 = cymade_atomic_u64_fetch_and(&record->x.u64, ~UINT64_C(1), memory_order_relaxed);
}

static void u64_fetch_and_t1(litmus_record *record) {
    record->thread[1].r[0].u64 = cymade_atomic_u64_fetch_and(&record->x.u64, ~UINT64_C(2), memory_order_relaxed);
}

static bool u64_fetch_and_witness(const litmus_record *record) {
    return u64_lost_update(record, (u64_serialisations){3, 2, 0, 1, 0});
}

/* 0 | 1 | 2 == 3; each thread sets its own bit. */
static void u64_fetch_or_t0(litmus_record *record) {
    record->thread[0].r[0].u64 = cymade_atomic_u64_fetch_or(&record->x.u64, 1, memory_order_relaxed);
}

static void u64_fetch_or_t1(litmus_record *record) {
    record->thread[1].r[0].u64 = cymade_atomic_u64_fetch_or(&record->x.u64, 2, memory_order_relaxed);
}

/* 0 ^ 1 ^ 2 == 3; each thread flips its own bit. */
static void u64_fetch_xor_t0(litmus_record *record) {
    record->thread[0].r[0].u64 = cymade_atomic_u64_fetch_xor(&record->x.u64, 1, memory_order_relaxed);
}

static void u64_fetch_xor_t1(litmus_record *record) {
    record->thread[1].r[0].u64 = cymade_atomic_u64_fetch_xor(&record->x.u64, 2, memory_order_relaxed);
}

static bool u64_own_bits_witness(const litmus_record *record) {
    return u64_lost_update(record, (u64_serialisations){0, 1, 3, 2, 3});
}

/* ---------------------------------------------------------------------------
 * int64_t: negative values and sign bits, where a torn or lost update on
 * the two's-complement representation would show.
 * ------------------------------------------------------------------------- */

static void init_i64_minus_two(litmus_record *record) {
    cymade_atomic_i64_init(&record->x.i64, -2);
}

static void init_i64_zero(litmus_record *record) {
    cymade_atomic_i64_init(&record->x.i64, 0);
}

static void init_i64_all_ones(litmus_record *record) {
    cymade_atomic_i64_init(&record->x.i64, -1);
}

static void init_i64_min(litmus_record *record) {
    cymade_atomic_i64_init(&record->x.i64, INT64_MIN);
}

static void i64_exchange_t0(litmus_record *record) {
    record->thread[0].r[0].i64 = cymade_atomic_i64_exchange(&record->x.i64, -1, memory_order_relaxed);
}

static void i64_exchange_t1(litmus_record *record) {
    record->thread[1].r[0].i64 = cymade_atomic_i64_exchange(&record->x.i64, INT64_MIN, memory_order_relaxed);
}

static bool i64_exchange_witness(const litmus_record *record) {
    return i64_lost_update(record, (i64_serialisations){0, -1, INT64_MIN, INT64_MIN, -1});
}

static void i64_cas_strong_race(litmus_record *record, int self, int64_t desired) {
    int64_t expected = 0;
    bool won = cymade_atomic_i64_compare_exchange_strong(&record->x.i64, &expected, desired, memory_order_relaxed,
                                                         memory_order_relaxed);
    record->thread[self].r[0].u64 = won;
    record->thread[self].r[1].i64 = expected;
}

static void i64_cas_strong_t0(litmus_record *record) {
    i64_cas_strong_race(record, 0, -1);
}

static void i64_cas_strong_t1(litmus_record *record) {
    i64_cas_strong_race(record, 1, INT64_MIN);
}

static bool i64_cas_strong_witness(const litmus_record *record) {
    /* The registers hold the int64_t values; compare their bit patterns. */
    return cas_race_broken(record, (uint64_t)-1, (uint64_t)INT64_MIN,
                           (uint64_t)cymade_atomic_i64_load(&record->x.i64, memory_order_relaxed));
}

/* Decrement through a weak-CAS retry loop; r0 = the value replaced. */
static void i64_cas_weak_decrement(litmus_record *record, int self) {
    int64_t expected = cymade_atomic_i64_load(&record->x.i64, memory_order_relaxed);
    while (!cymade_atomic_i64_compare_exchange_weak(&record->x.i64, &expected, expected - 1, memory_order_relaxed,
                                                    memory_order_relaxed)) {
    }
    record->thread[self].r[0].i64 = expected;
}

static void i64_cas_weak_t0(litmus_record *record) {
    i64_cas_weak_decrement(record, 0);
}

static void i64_cas_weak_t1(litmus_record *record) {
    i64_cas_weak_decrement(record, 1);
}

/* -2 + 1 + 1 == 0. */
static void i64_fetch_add_t0(litmus_record *record) {
    record->thread[0].r[0].i64 = cymade_atomic_i64_fetch_add(&record->x.i64, 1, memory_order_relaxed);
}

static void i64_fetch_add_t1(litmus_record *record) {
    record->thread[1].r[0].i64 = cymade_atomic_i64_fetch_add(&record->x.i64, 1, memory_order_relaxed);
}

static bool i64_fetch_add_witness(const litmus_record *record) {
    return i64_lost_update(record, (i64_serialisations){-2, -1, 0, -1, 0});
}

/* 0 - 1 - 1 == -2, the decrement shared with the weak-CAS loop above. */
static void i64_fetch_sub_t0(litmus_record *record) {
    record->thread[0].r[0].i64 = cymade_atomic_i64_fetch_sub(&record->x.i64, 1, memory_order_relaxed);
}

static void i64_fetch_sub_t1(litmus_record *record) {
    record->thread[1].r[0].i64 = cymade_atomic_i64_fetch_sub(&record->x.i64, 1, memory_order_relaxed);
}

static bool i64_decrement_witness(const litmus_record *record) {
    return i64_lost_update(record, (i64_serialisations){0, -1, -2, -1, -2});
}

/* -1 & ~1 & ~2 == -4. */
static void i64_fetch_and_t0(litmus_record *record) {
    record->thread[0].r[0].i64 = cymade_atomic_i64_fetch_and(&record->x.i64, ~INT64_C(1), memory_order_relaxed);
}

static void i64_fetch_and_t1(litmus_record *record) {
    record->thread[1].r[0].i64 = cymade_atomic_i64_fetch_and(&record->x.i64, ~INT64_C(2), memory_order_relaxed);
}

/* -1 ^ 1 ^ 2 == -4, the same serialisations as fetch_and from -1. */
static void i64_fetch_xor_t0(litmus_record *record) {
    record->thread[0].r[0].i64 = cymade_atomic_i64_fetch_xor(&record->x.i64, 1, memory_order_relaxed);
}

static void i64_fetch_xor_t1(litmus_record *record) {
    record->thread[1].r[0].i64 = cymade_atomic_i64_fetch_xor(&record->x.i64, 2, memory_order_relaxed);
}

static bool i64_clear_low_bits_witness(const litmus_record *record) {
    return i64_lost_update(record, (i64_serialisations){-1, -2, -4, -3, -4});
}

/* INT64_MIN | 1 | 2: the sign bit must survive both updates. */
static void i64_fetch_or_t0(litmus_record *record) {
    record->thread[0].r[0].i64 = cymade_atomic_i64_fetch_or(&record->x.i64, 1, memory_order_relaxed);
}

static void i64_fetch_or_t1(litmus_record *record) {
    record->thread[1].r[0].i64 = cymade_atomic_i64_fetch_or(&record->x.i64, 2, memory_order_relaxed);
}

static bool i64_fetch_or_witness(const litmus_record *record) {
    return i64_lost_update(record,
                           (i64_serialisations){INT64_MIN, INT64_MIN + 1, INT64_MIN + 3, INT64_MIN + 2, INT64_MIN + 3});
}

/* ---------------------------------------------------------------------------
 * double
 * ------------------------------------------------------------------------- */

static void init_f64_zero(litmus_record *record) {
    cymade_atomic_f64_init(&record->x.f64, 0.0);
}

static void init_f64_one(litmus_record *record) {
    cymade_atomic_f64_init(&record->x.f64, 1.0);
}

static void init_f64_two(litmus_record *record) {
    cymade_atomic_f64_init(&record->x.f64, 2.0);
}

static void init_f64_twelve(litmus_record *record) {
    cymade_atomic_f64_init(&record->x.f64, 12.0);
}

static void f64_exchange_t0(litmus_record *record) {
    record->thread[0].r[0].f64 = cymade_atomic_f64_exchange(&record->x.f64, 1.0, memory_order_relaxed);
}

static void f64_exchange_t1(litmus_record *record) {
    record->thread[1].r[0].f64 = cymade_atomic_f64_exchange(&record->x.f64, 2.0, memory_order_relaxed);
}

static bool f64_exchange_witness(const litmus_record *record) {
    return f64_lost_update(record, (f64_serialisations){0.0, 1.0, 2.0, 2.0, 1.0});
}

/* The loser's expected value is stored as a double; the witness compares
 * bit patterns through cymade_f64_to_bits. */
static void f64_cas_strong_race(litmus_record *record, int self, double desired) {
    double expected = 0.0;
    bool won = cymade_atomic_f64_compare_exchange_strong(&record->x.f64, &expected, desired, memory_order_relaxed,
                                                         memory_order_relaxed);
    record->thread[self].r[0].u64 = won;
    record->thread[self].r[1].u64 = cymade_f64_to_bits(expected);
}

static void f64_cas_strong_t0(litmus_record *record) {
    f64_cas_strong_race(record, 0, 1.0);
}

static void f64_cas_strong_t1(litmus_record *record) {
    f64_cas_strong_race(record, 1, 2.0);
}

static bool f64_cas_strong_witness(const litmus_record *record) {
    return cas_race_broken(record, cymade_f64_to_bits(1.0), cymade_f64_to_bits(2.0),
                           cymade_f64_to_bits(cymade_atomic_f64_load(&record->x.f64, memory_order_relaxed)));
}

/* Add 1.0 through a weak-CAS retry loop; r0 = the value replaced. */
static void f64_cas_weak_increment(litmus_record *record, int self) {
    double expected = cymade_atomic_f64_load(&record->x.f64, memory_order_relaxed);
    while (!cymade_atomic_f64_compare_exchange_weak(&record->x.f64, &expected, expected + 1.0, memory_order_relaxed,
                                                    memory_order_relaxed)) {
    }
    record->thread[self].r[0].f64 = expected;
}

static void f64_cas_weak_t0(litmus_record *record) {
    f64_cas_weak_increment(record, 0);
}

static void f64_cas_weak_t1(litmus_record *record) {
    f64_cas_weak_increment(record, 1);
}

static void f64_fetch_add_t0(litmus_record *record) {
    record->thread[0].r[0].f64 = cymade_atomic_f64_fetch_add(&record->x.f64, 1.0, memory_order_relaxed);
}

static void f64_fetch_add_t1(litmus_record *record) {
    record->thread[1].r[0].f64 = cymade_atomic_f64_fetch_add(&record->x.f64, 1.0, memory_order_relaxed);
}

static bool f64_increment_witness(const litmus_record *record) {
    return f64_lost_update(record, (f64_serialisations){0.0, 1.0, 2.0, 1.0, 2.0});
}

/* 2.0 - 1.0 - 1.0 == 0.0. */
static void f64_fetch_sub_t0(litmus_record *record) {
    record->thread[0].r[0].f64 = cymade_atomic_f64_fetch_sub(&record->x.f64, 1.0, memory_order_relaxed);
}

static void f64_fetch_sub_t1(litmus_record *record) {
    record->thread[1].r[0].f64 = cymade_atomic_f64_fetch_sub(&record->x.f64, 1.0, memory_order_relaxed);
}

static bool f64_fetch_sub_witness(const litmus_record *record) {
    return f64_lost_update(record, (f64_serialisations){2.0, 1.0, 0.0, 1.0, 0.0});
}

/* 1.0 * 2.0 * 3.0 == 6.0. */
static void f64_fetch_mul_t0(litmus_record *record) {
    record->thread[0].r[0].f64 = cymade_atomic_f64_fetch_mul(&record->x.f64, 2.0, memory_order_relaxed);
}

static void f64_fetch_mul_t1(litmus_record *record) {
    record->thread[1].r[0].f64 = cymade_atomic_f64_fetch_mul(&record->x.f64, 3.0, memory_order_relaxed);
}

static bool f64_fetch_mul_witness(const litmus_record *record) {
    return f64_lost_update(record, (f64_serialisations){1.0, 2.0, 6.0, 3.0, 6.0});
}

/* 12.0 / 2.0 / 3.0 == 2.0, exact in either order. */
static void f64_fetch_div_t0(litmus_record *record) {
    record->thread[0].r[0].f64 = cymade_atomic_f64_fetch_div(&record->x.f64, 2.0, memory_order_relaxed);
}

static void f64_fetch_div_t1(litmus_record *record) {
    record->thread[1].r[0].f64 = cymade_atomic_f64_fetch_div(&record->x.f64, 3.0, memory_order_relaxed);
}

static bool f64_fetch_div_witness(const litmus_record *record) {
    return f64_lost_update(record, (f64_serialisations){12.0, 6.0, 2.0, 4.0, 2.0});
}

/* The CAS loop every fetch_OP on doubles shares, with two different
 * operations racing: 1.0 + 1.0 then * 3.0 is 6.0, 1.0 * 3.0 then + 1.0 is
 * 4.0. */
static void f64_add_mul_t0(litmus_record *record) {
    record->thread[0].r[0].f64 = cymade_atomic_f64_fetch_add(&record->x.f64, 1.0, memory_order_relaxed);
}

static void f64_add_mul_t1(litmus_record *record) {
    record->thread[1].r[0].f64 = cymade_atomic_f64_fetch_mul(&record->x.f64, 3.0, memory_order_relaxed);
}

static bool f64_add_mul_witness(const litmus_record *record) {
    return f64_lost_update(record, (f64_serialisations){1.0, 2.0, 6.0, 3.0, 4.0});
}

/* ---------------------------------------------------------------------------
 * void *
 * ------------------------------------------------------------------------- */

/* Distinct objects whose addresses the threads install; the weak-CAS test
 * walks a pointer up `ladder` one element per update. */
static char token_a;
static char token_b;
static char ladder[3];

static void init_ptr_null(litmus_record *record) {
    cymade_atomic_ptr_init(&record->x.ptr, NULL);
}

static void init_ptr_ladder(litmus_record *record) {
    cymade_atomic_ptr_init(&record->x.ptr, &ladder[0]);
}

static void ptr_exchange_t0(litmus_record *record) {
    record->thread[0].r[0].ptr = cymade_atomic_ptr_exchange(&record->x.ptr, &token_a, memory_order_relaxed);
}

static void ptr_exchange_t1(litmus_record *record) {
    record->thread[1].r[0].ptr = cymade_atomic_ptr_exchange(&record->x.ptr, &token_b, memory_order_relaxed);
}

static bool ptr_exchange_witness(const litmus_record *record) {
    return ptr_lost_update(record, (ptr_serialisations){NULL, &token_a, &token_b, &token_b, &token_a});
}

static void ptr_cas_strong_race(litmus_record *record, int self, void *desired) {
    void *expected = NULL;
    bool won = cymade_atomic_ptr_compare_exchange_strong(&record->x.ptr, &expected, desired, memory_order_relaxed,
                                                         memory_order_relaxed);
    record->thread[self].r[0].u64 = won;
    record->thread[self].r[1].u64 = (uint64_t)(uintptr_t)expected;
}

static void ptr_cas_strong_t0(litmus_record *record) {
    ptr_cas_strong_race(record, 0, &token_a);
}

static void ptr_cas_strong_t1(litmus_record *record) {
    ptr_cas_strong_race(record, 1, &token_b);
}

static bool ptr_cas_strong_witness(const litmus_record *record) {
    return cas_race_broken(record, (uint64_t)(uintptr_t)&token_a, (uint64_t)(uintptr_t)&token_b,
                           (uint64_t)(uintptr_t)cymade_atomic_ptr_load(&record->x.ptr, memory_order_relaxed));
}

/* Step one rung up the ladder through a weak-CAS retry loop. */
static void ptr_cas_weak_climb(litmus_record *record, int self) {
    char *expected = cymade_atomic_ptr_load(&record->x.ptr, memory_order_relaxed);
    void *seen = expected;
    while (!cymade_atomic_ptr_compare_exchange_weak(&record->x.ptr, &seen, expected + 1, memory_order_relaxed,
                                                    memory_order_relaxed)) {
        expected = seen;
    }
    record->thread[self].r[0].ptr = seen;
}

static void ptr_cas_weak_t0(litmus_record *record) {
    ptr_cas_weak_climb(record, 0);
}

static void ptr_cas_weak_t1(litmus_record *record) {
    ptr_cas_weak_climb(record, 1);
}

static bool ptr_cas_weak_witness(const litmus_record *record) {
    return ptr_lost_update(record, (ptr_serialisations){&ladder[0], &ladder[1], &ladder[2], &ladder[1], &ladder[2]});
}

#define RMW_TEST(name, init, t0, t1, witness) \
    { name, LITMUS_NEVER, 2, 0, init, {t0, t1}, witness }

const litmus_test litmus_rmw_tests[] = {
    RMW_TEST("RMW+rlx[u64.exchange]", init_u64_zero, u64_exchange_t0, u64_exchange_t1, u64_exchange_witness),
    RMW_TEST("RMW+rlx[u64.cas_strong]", init_u64_zero, u64_cas_strong_t0, u64_cas_strong_t1, u64_cas_strong_witness),
    RMW_TEST("RMW+rlx[u64.cas_weak]", init_u64_zero, u64_cas_weak_t0, u64_cas_weak_t1, u64_increment_witness),
    RMW_TEST("RMW+rlx[u64.fetch_add]", init_u64_zero, u64_fetch_add_t0, u64_fetch_add_t1, u64_increment_witness),
    RMW_TEST("RMW+rlx[u64.fetch_sub]", init_u64_one, u64_fetch_sub_t0, u64_fetch_sub_t1, u64_fetch_sub_witness),
    RMW_TEST("RMW+rlx[u64.fetch_and]", init_u64_three, u64_fetch_and_t0, u64_fetch_and_t1, u64_fetch_and_witness),
    RMW_TEST("RMW+rlx[u64.fetch_or]", init_u64_zero, u64_fetch_or_t0, u64_fetch_or_t1, u64_own_bits_witness),
    RMW_TEST("RMW+rlx[u64.fetch_xor]", init_u64_zero, u64_fetch_xor_t0, u64_fetch_xor_t1, u64_own_bits_witness),
    RMW_TEST("RMW+rlx[i64.exchange]", init_i64_zero, i64_exchange_t0, i64_exchange_t1, i64_exchange_witness),
    RMW_TEST("RMW+rlx[i64.cas_strong]", init_i64_zero, i64_cas_strong_t0, i64_cas_strong_t1, i64_cas_strong_witness),
    RMW_TEST("RMW+rlx[i64.cas_weak]", init_i64_zero, i64_cas_weak_t0, i64_cas_weak_t1, i64_decrement_witness),
    RMW_TEST("RMW+rlx[i64.fetch_add]", init_i64_minus_two, i64_fetch_add_t0, i64_fetch_add_t1, i64_fetch_add_witness),
    RMW_TEST("RMW+rlx[i64.fetch_sub]", init_i64_zero, i64_fetch_sub_t0, i64_fetch_sub_t1, i64_decrement_witness),
    RMW_TEST("RMW+rlx[i64.fetch_and]", init_i64_all_ones, i64_fetch_and_t0, i64_fetch_and_t1,
             i64_clear_low_bits_witness),
    RMW_TEST("RMW+rlx[i64.fetch_or]", init_i64_min, i64_fetch_or_t0, i64_fetch_or_t1, i64_fetch_or_witness),
    RMW_TEST("RMW+rlx[i64.fetch_xor]", init_i64_all_ones, i64_fetch_xor_t0, i64_fetch_xor_t1,
             i64_clear_low_bits_witness),
    RMW_TEST("RMW+rlx[f64.exchange]", init_f64_zero, f64_exchange_t0, f64_exchange_t1, f64_exchange_witness),
    RMW_TEST("RMW+rlx[f64.cas_strong]", init_f64_zero, f64_cas_strong_t0, f64_cas_strong_t1, f64_cas_strong_witness),
    RMW_TEST("RMW+rlx[f64.cas_weak]", init_f64_zero, f64_cas_weak_t0, f64_cas_weak_t1, f64_increment_witness),
    RMW_TEST("RMW+rlx[f64.fetch_add]", init_f64_zero, f64_fetch_add_t0, f64_fetch_add_t1, f64_increment_witness),
    RMW_TEST("RMW+rlx[f64.fetch_sub]", init_f64_two, f64_fetch_sub_t0, f64_fetch_sub_t1, f64_fetch_sub_witness),
    RMW_TEST("RMW+rlx[f64.fetch_mul]", init_f64_one, f64_fetch_mul_t0, f64_fetch_mul_t1, f64_fetch_mul_witness),
    RMW_TEST("RMW+rlx[f64.fetch_div]", init_f64_twelve, f64_fetch_div_t0, f64_fetch_div_t1, f64_fetch_div_witness),
    RMW_TEST("RMW+rlx[f64.fetch_add+fetch_mul]", init_f64_one, f64_add_mul_t0, f64_add_mul_t1, f64_add_mul_witness),
    RMW_TEST("RMW+rlx[ptr.exchange]", init_ptr_null, ptr_exchange_t0, ptr_exchange_t1, ptr_exchange_witness),
    RMW_TEST("RMW+rlx[ptr.cas_strong]", init_ptr_null, ptr_cas_strong_t0, ptr_cas_strong_t1, ptr_cas_strong_witness),
    RMW_TEST("RMW+rlx[ptr.cas_weak]", init_ptr_ladder, ptr_cas_weak_t0, ptr_cas_weak_t1, ptr_cas_weak_witness),
};

const size_t litmus_rmw_test_count = sizeof litmus_rmw_tests / sizeof litmus_rmw_tests[0];
