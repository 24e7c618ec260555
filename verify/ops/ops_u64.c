/* Per-operation semantics of cymade_atomic_u64_*: unsigned arithmetic wraps
 * modulo 2**64, every RMW returns the value it replaced. */
#include "check.h"

#include "cymade/atomic.h"

#include <stdint.h>

/* Alternating bit patterns make a wrong bitwise operator visible in every
 * nibble. */
#define PATTERN_A UINT64_C(0xF0F0F0F0F0F0F0F0)
#define PATTERN_B UINT64_C(0xFF00FF00FF00FF00)

static void test_init_load_store(void) {
    cymade_atomic_u64 a;
    for (size_t l = 0; l < OPS_LOAD_ORDER_COUNT; l++) {
        memory_order load = OPS_LOAD_ORDERS[l];
        ops_context("u64 init+load load=%s", memory_order_name(load));
        cymade_atomic_u64_init(&a, UINT64_MAX);
        CHECK(cymade_atomic_u64_load(&a, load) == UINT64_MAX);
        for (size_t s = 0; s < OPS_STORE_ORDER_COUNT; s++) {
            memory_order store = OPS_STORE_ORDERS[s];
            ops_context("u64 store=%s load=%s", memory_order_name(store), memory_order_name(load));
            cymade_atomic_u64_store(&a, PATTERN_A, store);
            CHECK(cymade_atomic_u64_load(&a, load) == PATTERN_A);
            cymade_atomic_u64_store(&a, 0, store);
            CHECK(cymade_atomic_u64_load(&a, load) == 0);
        }
    }
}

static void test_rmw(memory_order order) {
    cymade_atomic_u64 a;
    ops_context("u64 rmw order=%s", memory_order_name(order));

    cymade_atomic_u64_init(&a, 7);
    CHECK(cymade_atomic_u64_exchange(&a, UINT64_MAX, order) == 7);
    CHECK(cymade_atomic_u64_exchange(&a, 0, order) == UINT64_MAX);
    CHECK(cymade_atomic_u64_load(&a, memory_order_relaxed) == 0);

    cymade_atomic_u64_init(&a, UINT64_MAX);
    CHECK(cymade_atomic_u64_fetch_add(&a, 1, order) == UINT64_MAX);
    CHECK(cymade_atomic_u64_load(&a, memory_order_relaxed) == 0);
    cymade_atomic_u64_init(&a, 5);
    CHECK(cymade_atomic_u64_fetch_add(&a, UINT64_MAX, order) == 5);
    CHECK(cymade_atomic_u64_load(&a, memory_order_relaxed) == 4);

    cymade_atomic_u64_init(&a, 0);
    CHECK(cymade_atomic_u64_fetch_sub(&a, 1, order) == 0);
    CHECK(cymade_atomic_u64_load(&a, memory_order_relaxed) == UINT64_MAX);
    cymade_atomic_u64_init(&a, 3);
    CHECK(cymade_atomic_u64_fetch_sub(&a, UINT64_MAX, order) == 3);
    CHECK(cymade_atomic_u64_load(&a, memory_order_relaxed) == 4);

    cymade_atomic_u64_init(&a, PATTERN_A);
    CHECK(cymade_atomic_u64_fetch_and(&a, PATTERN_B, order) == PATTERN_A);
    CHECK(cymade_atomic_u64_load(&a, memory_order_relaxed) == UINT64_C(0xF000F000F000F000));
    CHECK(cymade_atomic_u64_fetch_and(&a, UINT64_MAX, order) == UINT64_C(0xF000F000F000F000));
    CHECK(cymade_atomic_u64_load(&a, memory_order_relaxed) == UINT64_C(0xF000F000F000F000));
    CHECK(cymade_atomic_u64_fetch_and(&a, 0, order) == UINT64_C(0xF000F000F000F000));
    CHECK(cymade_atomic_u64_load(&a, memory_order_relaxed) == 0);

    cymade_atomic_u64_init(&a, PATTERN_A);
    CHECK(cymade_atomic_u64_fetch_or(&a, PATTERN_B, order) == PATTERN_A);
    CHECK(cymade_atomic_u64_load(&a, memory_order_relaxed) == UINT64_C(0xFFF0FFF0FFF0FFF0));
    CHECK(cymade_atomic_u64_fetch_or(&a, 0, order) == UINT64_C(0xFFF0FFF0FFF0FFF0));
    CHECK(cymade_atomic_u64_load(&a, memory_order_relaxed) == UINT64_C(0xFFF0FFF0FFF0FFF0));
    CHECK(cymade_atomic_u64_fetch_or(&a, UINT64_MAX, order) == UINT64_C(0xFFF0FFF0FFF0FFF0));
    CHECK(cymade_atomic_u64_load(&a, memory_order_relaxed) == UINT64_MAX);

    cymade_atomic_u64_init(&a, PATTERN_A);
    CHECK(cymade_atomic_u64_fetch_xor(&a, PATTERN_B, order) == PATTERN_A);
    CHECK(cymade_atomic_u64_load(&a, memory_order_relaxed) == UINT64_C(0x0FF00FF00FF00FF0));
    CHECK(cymade_atomic_u64_fetch_xor(&a, UINT64_MAX, order) == UINT64_C(0x0FF00FF00FF00FF0));
    CHECK(cymade_atomic_u64_load(&a, memory_order_relaxed) == UINT64_C(0xF00FF00FF00FF00F));
    CHECK(cymade_atomic_u64_fetch_xor(&a, UINT64_C(0xF00FF00FF00FF00F), order) == UINT64_C(0xF00FF00FF00FF00F));
    CHECK(cymade_atomic_u64_load(&a, memory_order_relaxed) == 0);
}

static void test_compare_exchange_strong(ops_cas_orders orders) {
    cymade_atomic_u64 a;
    uint64_t expected;
    ops_context("u64 cas_strong success=%s failure=%s", memory_order_name(orders.success),
                memory_order_name(orders.failure));

    cymade_atomic_u64_init(&a, UINT64_MAX);
    expected = UINT64_MAX;
    CHECK(cymade_atomic_u64_compare_exchange_strong(&a, &expected, 0, orders.success, orders.failure));
    CHECK(expected == UINT64_MAX);
    CHECK(cymade_atomic_u64_load(&a, memory_order_relaxed) == 0);

    expected = UINT64_MAX;
    CHECK(!cymade_atomic_u64_compare_exchange_strong(&a, &expected, 9, orders.success, orders.failure));
    CHECK(expected == 0);
    CHECK(cymade_atomic_u64_load(&a, memory_order_relaxed) == 0);

    /* Values differing only in the top bit must not compare equal. */
    cymade_atomic_u64_init(&a, UINT64_C(1) << 63);
    expected = 0;
    CHECK(!cymade_atomic_u64_compare_exchange_strong(&a, &expected, 9, orders.success, orders.failure));
    CHECK(expected == UINT64_C(1) << 63);
    CHECK(cymade_atomic_u64_load(&a, memory_order_relaxed) == UINT64_C(1) << 63);
}

static void test_compare_exchange_weak(ops_cas_orders orders) {
    cymade_atomic_u64 a;
    uint64_t expected = 10;
    int tries = 0;
    bool stored = false;
    ops_context("u64 cas_weak success=%s failure=%s", memory_order_name(orders.success),
                memory_order_name(orders.failure));

    cymade_atomic_u64_init(&a, 10);
    while (!stored && tries < OPS_WEAK_CAS_MAX_TRIES) {
        stored = cymade_atomic_u64_compare_exchange_weak(&a, &expected, 20, orders.success, orders.failure);
        tries++;
        /* A spurious failure still writes back the (unchanged) value. */
        CHECK(expected == 10);
    }
    CHECK(stored);
    CHECK(cymade_atomic_u64_load(&a, memory_order_relaxed) == 20);

    for (tries = 0; tries < OPS_WEAK_CAS_MAX_TRIES; tries++) {
        expected = 10;
        if (cymade_atomic_u64_compare_exchange_weak(&a, &expected, 30, orders.success, orders.failure)) {
            break;
        }
    }
    CHECK(tries == OPS_WEAK_CAS_MAX_TRIES);
    CHECK(expected == 20);
    CHECK(cymade_atomic_u64_load(&a, memory_order_relaxed) == 20);
}

void ops_test_u64(void) {
    test_init_load_store();
    for (size_t i = 0; i < OPS_RMW_ORDER_COUNT; i++) {
        test_rmw(OPS_RMW_ORDERS[i]);
    }
    for (size_t i = 0; i < OPS_CAS_ORDER_COUNT; i++) {
        test_compare_exchange_strong(OPS_CAS_ORDERS[i]);
        test_compare_exchange_weak(OPS_CAS_ORDERS[i]);
    }
}
