/* Per-operation semantics of cymade_atomic_i64_*: two's-complement arithmetic
 * that wraps silently (defined by C11 7.17.7.5, so no UBSan report), every
 * RMW returns the value it replaced. */
#include "check.h"

#include "cymade/atomic.h"

#include <stdint.h>

static void test_init_load_store(void) {
    cymade_atomic_i64 a;
    for (size_t l = 0; l < OPS_LOAD_ORDER_COUNT; l++) {
        memory_order load = OPS_LOAD_ORDERS[l];
        ops_context("i64 init+load load=%s", memory_order_name(load));
        cymade_atomic_i64_init(&a, INT64_MIN);
        CHECK(cymade_atomic_i64_load(&a, load) == INT64_MIN);
        for (size_t s = 0; s < OPS_STORE_ORDER_COUNT; s++) {
            memory_order store = OPS_STORE_ORDERS[s];
            ops_context("i64 store=%s load=%s", memory_order_name(store), memory_order_name(load));
            cymade_atomic_i64_store(&a, -1, store);
            CHECK(cymade_atomic_i64_load(&a, load) == -1);
            cymade_atomic_i64_store(&a, INT64_MAX, store);
            CHECK(cymade_atomic_i64_load(&a, load) == INT64_MAX);
        }
    }
}

static void test_rmw(memory_order order) {
    cymade_atomic_i64 a;
    ops_context("i64 rmw order=%s", memory_order_name(order));

    cymade_atomic_i64_init(&a, -7);
    CHECK(cymade_atomic_i64_exchange(&a, INT64_MIN, order) == -7);
    CHECK(cymade_atomic_i64_exchange(&a, INT64_MAX, order) == INT64_MIN);
    CHECK(cymade_atomic_i64_load(&a, memory_order_relaxed) == INT64_MAX);

    cymade_atomic_i64_init(&a, INT64_MAX);
    CHECK(cymade_atomic_i64_fetch_add(&a, 1, order) == INT64_MAX);
    CHECK(cymade_atomic_i64_load(&a, memory_order_relaxed) == INT64_MIN);
    CHECK(cymade_atomic_i64_fetch_add(&a, -1, order) == INT64_MIN);
    CHECK(cymade_atomic_i64_load(&a, memory_order_relaxed) == INT64_MAX);
    cymade_atomic_i64_init(&a, 0);
    CHECK(cymade_atomic_i64_fetch_add(&a, -5, order) == 0);
    CHECK(cymade_atomic_i64_load(&a, memory_order_relaxed) == -5);

    cymade_atomic_i64_init(&a, INT64_MIN);
    CHECK(cymade_atomic_i64_fetch_sub(&a, 1, order) == INT64_MIN);
    CHECK(cymade_atomic_i64_load(&a, memory_order_relaxed) == INT64_MAX);
    CHECK(cymade_atomic_i64_fetch_sub(&a, -1, order) == INT64_MAX);
    CHECK(cymade_atomic_i64_load(&a, memory_order_relaxed) == INT64_MIN);
    /* 0 - INT64_MIN is INT64_MIN again in two's complement. */
    cymade_atomic_i64_init(&a, 0);
    CHECK(cymade_atomic_i64_fetch_sub(&a, INT64_MIN, order) == 0);
    CHECK(cymade_atomic_i64_load(&a, memory_order_relaxed) == INT64_MIN);

    /* -1 is all ones: AND keeps, OR saturates, XOR complements. */
    cymade_atomic_i64_init(&a, -1);
    CHECK(cymade_atomic_i64_fetch_and(&a, INT64_MAX, order) == -1);
    CHECK(cymade_atomic_i64_load(&a, memory_order_relaxed) == INT64_MAX);
    CHECK(cymade_atomic_i64_fetch_and(&a, INT64_MIN, order) == INT64_MAX);
    CHECK(cymade_atomic_i64_load(&a, memory_order_relaxed) == 0);

    cymade_atomic_i64_init(&a, INT64_MIN);
    CHECK(cymade_atomic_i64_fetch_or(&a, INT64_MAX, order) == INT64_MIN);
    CHECK(cymade_atomic_i64_load(&a, memory_order_relaxed) == -1);
    cymade_atomic_i64_init(&a, 0x0F);
    CHECK(cymade_atomic_i64_fetch_or(&a, 0xF0, order) == 0x0F);
    CHECK(cymade_atomic_i64_load(&a, memory_order_relaxed) == 0xFF);

    cymade_atomic_i64_init(&a, 0x5A);
    CHECK(cymade_atomic_i64_fetch_xor(&a, -1, order) == 0x5A);
    CHECK(cymade_atomic_i64_load(&a, memory_order_relaxed) == ~INT64_C(0x5A));
    CHECK(cymade_atomic_i64_fetch_xor(&a, INT64_MIN, order) == ~INT64_C(0x5A));
    CHECK(cymade_atomic_i64_load(&a, memory_order_relaxed) == INT64_C(0x7FFFFFFFFFFFFFA5));
}

static void test_compare_exchange_strong(ops_cas_orders orders) {
    cymade_atomic_i64 a;
    int64_t expected;
    ops_context("i64 cas_strong success=%s failure=%s", memory_order_name(orders.success),
                memory_order_name(orders.failure));

    cymade_atomic_i64_init(&a, INT64_MIN);
    expected = INT64_MIN;
    CHECK(cymade_atomic_i64_compare_exchange_strong(&a, &expected, -1, orders.success, orders.failure));
    CHECK(expected == INT64_MIN);
    CHECK(cymade_atomic_i64_load(&a, memory_order_relaxed) == -1);

    /* INT64_MAX and -1 differ only in the sign bit. */
    expected = INT64_MAX;
    CHECK(!cymade_atomic_i64_compare_exchange_strong(&a, &expected, 0, orders.success, orders.failure));
    CHECK(expected == -1);
    CHECK(cymade_atomic_i64_load(&a, memory_order_relaxed) == -1);
}

static void test_compare_exchange_weak(ops_cas_orders orders) {
    cymade_atomic_i64 a;
    int64_t expected = -10;
    int tries = 0;
    bool stored = false;
    ops_context("i64 cas_weak success=%s failure=%s", memory_order_name(orders.success),
                memory_order_name(orders.failure));

    cymade_atomic_i64_init(&a, -10);
    while (!stored && tries < OPS_WEAK_CAS_MAX_TRIES) {
        stored = cymade_atomic_i64_compare_exchange_weak(&a, &expected, INT64_MIN, orders.success, orders.failure);
        tries++;
        CHECK(expected == -10);
    }
    CHECK(stored);
    CHECK(cymade_atomic_i64_load(&a, memory_order_relaxed) == INT64_MIN);

    for (tries = 0; tries < OPS_WEAK_CAS_MAX_TRIES; tries++) {
        expected = -10;
        if (cymade_atomic_i64_compare_exchange_weak(&a, &expected, 30, orders.success, orders.failure)) {
            break;
        }
    }
    CHECK(tries == OPS_WEAK_CAS_MAX_TRIES);
    CHECK(expected == INT64_MIN);
    CHECK(cymade_atomic_i64_load(&a, memory_order_relaxed) == INT64_MIN);
}

void ops_test_i64(void) {
    test_init_load_store();
    for (size_t i = 0; i < OPS_RMW_ORDER_COUNT; i++) {
        test_rmw(OPS_RMW_ORDERS[i]);
    }
    for (size_t i = 0; i < OPS_CAS_ORDER_COUNT; i++) {
        test_compare_exchange_strong(OPS_CAS_ORDERS[i]);
        test_compare_exchange_weak(OPS_CAS_ORDERS[i]);
    }
}
