/* Per-operation semantics of cymade_atomic_f64_* and the bit helpers.  All
 * checks compare bit patterns, because that is the header's contract: -0.0
 * and +0.0 differ, and a NaN equals only a NaN with the same payload. */
#include "check.h"

#include "cymade/atomic.h"

#include <math.h>
#include <stdint.h>

#define POSITIVE_ZERO_BITS UINT64_C(0x0000000000000000)
#define NEGATIVE_ZERO_BITS UINT64_C(0x8000000000000000)
#define ONE_BITS UINT64_C(0x3FF0000000000000)
#define SMALLEST_SUBNORMAL_BITS UINT64_C(0x0000000000000001)
/* Two quiet NaNs that differ only in their payload (quiet, so no FPU path
 * may legitimately rewrite them). */
#define NAN_PAYLOAD_1_BITS UINT64_C(0x7FF8000000000001)
#define NAN_PAYLOAD_2_BITS UINT64_C(0x7FF8000000000002)

static bool same_bits(double value, uint64_t bits) {
    return cymade_f64_to_bits(value) == bits;
}

static void test_bits_round_trip(void) {
    static const uint64_t patterns[] = {
        POSITIVE_ZERO_BITS,           NEGATIVE_ZERO_BITS, ONE_BITS,
        SMALLEST_SUBNORMAL_BITS,      NAN_PAYLOAD_1_BITS, NAN_PAYLOAD_2_BITS,
        UINT64_C(0x7FF0000000000000), /* +inf */
        UINT64_C(0xFFF0000000000000), /* -inf */
        UINT64_C(0x7FEFFFFFFFFFFFFF), /* DBL_MAX */
    };
    ops_context("f64 to_bits/from_bits");
    CHECK(cymade_f64_to_bits(1.0) == ONE_BITS);
    CHECK(cymade_f64_to_bits(-0.0) == NEGATIVE_ZERO_BITS);
    CHECK(cymade_f64_to_bits(0.0) == POSITIVE_ZERO_BITS);
    CHECK(cymade_f64_from_bits(ONE_BITS) == 1.0);
    CHECK(signbit(cymade_f64_from_bits(NEGATIVE_ZERO_BITS)));
    CHECK(isnan(cymade_f64_from_bits(NAN_PAYLOAD_1_BITS)));
    for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++) {
        CHECK(cymade_f64_to_bits(cymade_f64_from_bits(patterns[i])) == patterns[i]);
    }
}

static void test_init_load_store(void) {
    cymade_atomic_f64 a;
    for (size_t l = 0; l < OPS_LOAD_ORDER_COUNT; l++) {
        memory_order load = OPS_LOAD_ORDERS[l];
        ops_context("f64 init+load load=%s", memory_order_name(load));
        cymade_atomic_f64_init(&a, -0.0);
        CHECK(same_bits(cymade_atomic_f64_load(&a, load), NEGATIVE_ZERO_BITS));
        for (size_t s = 0; s < OPS_STORE_ORDER_COUNT; s++) {
            memory_order store = OPS_STORE_ORDERS[s];
            ops_context("f64 store=%s load=%s", memory_order_name(store), memory_order_name(load));
            cymade_atomic_f64_store(&a, cymade_f64_from_bits(NAN_PAYLOAD_2_BITS), store);
            CHECK(same_bits(cymade_atomic_f64_load(&a, load), NAN_PAYLOAD_2_BITS));
            cymade_atomic_f64_store(&a, 0.0, store);
            CHECK(same_bits(cymade_atomic_f64_load(&a, load), POSITIVE_ZERO_BITS));
            cymade_atomic_f64_store(&a, -2.5, store);
            CHECK(cymade_atomic_f64_load(&a, load) == -2.5);
        }
    }
}

static void test_exchange(memory_order order) {
    cymade_atomic_f64 a;
    ops_context("f64 exchange order=%s", memory_order_name(order));
    cymade_atomic_f64_init(&a, cymade_f64_from_bits(NAN_PAYLOAD_1_BITS));
    CHECK(same_bits(cymade_atomic_f64_exchange(&a, -0.0, order), NAN_PAYLOAD_1_BITS));
    CHECK(same_bits(cymade_atomic_f64_exchange(&a, 3.25, order), NEGATIVE_ZERO_BITS));
    CHECK(cymade_atomic_f64_load(&a, memory_order_relaxed) == 3.25);
}

/* The fetch operation under test. */
typedef double (*fetch_fn)(cymade_atomic_f64 *a, double v, memory_order order);

static const fetch_fn FETCH_ADD = cymade_atomic_f64_fetch_add;
static const fetch_fn FETCH_SUB = cymade_atomic_f64_fetch_sub;
static const fetch_fn FETCH_MUL = cymade_atomic_f64_fetch_mul;
static const fetch_fn FETCH_DIV = cymade_atomic_f64_fetch_div;

/* Runs one fetch operation on a fresh object and checks the old value it
 * returns and the new value it leaves behind, both bitwise. */
static void check_fetch(fetch_fn fetch, double initial, double operand, uint64_t expected_bits, memory_order order) {
    cymade_atomic_f64 a;
    cymade_atomic_f64_init(&a, initial);
    CHECK(same_bits(fetch(&a, operand, order), cymade_f64_to_bits(initial)));
    CHECK(same_bits(cymade_atomic_f64_load(&a, memory_order_relaxed), expected_bits));
}

/* NaN results are checked as "is a NaN": IEEE-754 fixes that an invalid
 * operation yields a NaN, not which payload. */
static void check_fetch_yields_nan(fetch_fn fetch, double initial, double operand, memory_order order) {
    cymade_atomic_f64 a;
    cymade_atomic_f64_init(&a, initial);
    CHECK(same_bits(fetch(&a, operand, order), cymade_f64_to_bits(initial)));
    CHECK(isnan(cymade_atomic_f64_load(&a, memory_order_relaxed)));
}

static void test_fetch_ops(memory_order order) {
    ops_context("f64 fetch_add/sub/mul/div order=%s", memory_order_name(order));
    check_fetch(FETCH_ADD, 1.5, 2.25, cymade_f64_to_bits(3.75), order);
    check_fetch(FETCH_ADD, -0.0, 0.0, POSITIVE_ZERO_BITS, order);
    check_fetch(FETCH_ADD, -0.0, -0.0, NEGATIVE_ZERO_BITS, order);
    check_fetch(FETCH_ADD, 9007199254740992.0, 1.0, cymade_f64_to_bits(9007199254740992.0), order);
    check_fetch(FETCH_SUB, 1.0, 3.0, cymade_f64_to_bits(-2.0), order);
    check_fetch(FETCH_SUB, 0.0, 0.0, POSITIVE_ZERO_BITS, order);
    check_fetch(FETCH_SUB, -0.0, 0.0, NEGATIVE_ZERO_BITS, order);
    check_fetch(FETCH_MUL, -2.0, 3.5, cymade_f64_to_bits(-7.0), order);
    check_fetch(FETCH_MUL, 0.0, -1.0, NEGATIVE_ZERO_BITS, order);
    check_fetch(FETCH_DIV, 7.0, 2.0, cymade_f64_to_bits(3.5), order);
    check_fetch(FETCH_DIV, 1.0, 0.0, cymade_f64_to_bits(INFINITY), order);
    check_fetch(FETCH_DIV, -1.0, 0.0, cymade_f64_to_bits(-INFINITY), order);
    check_fetch(FETCH_DIV, 1.0, -0.0, cymade_f64_to_bits(-INFINITY), order);
    check_fetch_yields_nan(FETCH_DIV, 0.0, 0.0, order);
    check_fetch_yields_nan(FETCH_SUB, INFINITY, INFINITY, order);
    check_fetch_yields_nan(FETCH_MUL, 0.0, INFINITY, order);
    check_fetch_yields_nan(FETCH_ADD, cymade_f64_from_bits(NAN_PAYLOAD_1_BITS), 1.0, order);
}

static void test_compare_exchange_strong(ops_cas_orders orders) {
    cymade_atomic_f64 a;
    double expected;
    ops_context("f64 cas_strong success=%s failure=%s", memory_order_name(orders.success),
                memory_order_name(orders.failure));

    /* +0.0 == -0.0 numerically, but the CAS is bitwise: it must fail and
     * hand back the negative zero, sign bit included. */
    cymade_atomic_f64_init(&a, -0.0);
    expected = 0.0;
    CHECK(!cymade_atomic_f64_compare_exchange_strong(&a, &expected, 1.0, orders.success, orders.failure));
    CHECK(signbit(expected));
    CHECK(same_bits(expected, NEGATIVE_ZERO_BITS));
    CHECK(same_bits(cymade_atomic_f64_load(&a, memory_order_relaxed), NEGATIVE_ZERO_BITS));
    CHECK(cymade_atomic_f64_compare_exchange_strong(&a, &expected, 1.0, orders.success, orders.failure));
    CHECK(same_bits(expected, NEGATIVE_ZERO_BITS));
    CHECK(same_bits(cymade_atomic_f64_load(&a, memory_order_relaxed), ONE_BITS));

    /* NaN != NaN numerically, yet the same bits must match ... */
    cymade_atomic_f64_init(&a, cymade_f64_from_bits(NAN_PAYLOAD_1_BITS));
    expected = cymade_f64_from_bits(NAN_PAYLOAD_1_BITS);
    CHECK(cymade_atomic_f64_compare_exchange_strong(&a, &expected, 2.0, orders.success, orders.failure));
    CHECK(same_bits(expected, NAN_PAYLOAD_1_BITS));
    CHECK(cymade_atomic_f64_load(&a, memory_order_relaxed) == 2.0);

    /* ... and a different payload must not. */
    cymade_atomic_f64_init(&a, cymade_f64_from_bits(NAN_PAYLOAD_1_BITS));
    expected = cymade_f64_from_bits(NAN_PAYLOAD_2_BITS);
    CHECK(!cymade_atomic_f64_compare_exchange_strong(&a, &expected, 2.0, orders.success, orders.failure));
    CHECK(same_bits(expected, NAN_PAYLOAD_1_BITS));
    CHECK(same_bits(cymade_atomic_f64_load(&a, memory_order_relaxed), NAN_PAYLOAD_1_BITS));
}

static void test_compare_exchange_weak(ops_cas_orders orders) {
    cymade_atomic_f64 a;
    double expected = cymade_f64_from_bits(NAN_PAYLOAD_2_BITS);
    int tries = 0;
    bool stored = false;
    ops_context("f64 cas_weak success=%s failure=%s", memory_order_name(orders.success),
                memory_order_name(orders.failure));

    cymade_atomic_f64_init(&a, cymade_f64_from_bits(NAN_PAYLOAD_2_BITS));
    while (!stored && tries < OPS_WEAK_CAS_MAX_TRIES) {
        stored = cymade_atomic_f64_compare_exchange_weak(&a, &expected, -0.0, orders.success, orders.failure);
        tries++;
        CHECK(same_bits(expected, NAN_PAYLOAD_2_BITS));
    }
    CHECK(stored);
    CHECK(same_bits(cymade_atomic_f64_load(&a, memory_order_relaxed), NEGATIVE_ZERO_BITS));

    for (tries = 0; tries < OPS_WEAK_CAS_MAX_TRIES; tries++) {
        expected = 0.0;
        if (cymade_atomic_f64_compare_exchange_weak(&a, &expected, 5.0, orders.success, orders.failure)) {
            break;
        }
    }
    CHECK(tries == OPS_WEAK_CAS_MAX_TRIES);
    CHECK(same_bits(expected, NEGATIVE_ZERO_BITS));
    CHECK(same_bits(cymade_atomic_f64_load(&a, memory_order_relaxed), NEGATIVE_ZERO_BITS));
}

void ops_test_f64(void) {
    test_bits_round_trip();
    test_init_load_store();
    for (size_t i = 0; i < OPS_RMW_ORDER_COUNT; i++) {
        test_exchange(OPS_RMW_ORDERS[i]);
        test_fetch_ops(OPS_RMW_ORDERS[i]);
    }
    for (size_t i = 0; i < OPS_CAS_ORDER_COUNT; i++) {
        test_compare_exchange_strong(OPS_CAS_ORDERS[i]);
        test_compare_exchange_weak(OPS_CAS_ORDERS[i]);
    }
}
