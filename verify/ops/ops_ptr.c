/* Per-operation semantics of cymade_atomic_ptr_*, including NULL as both the
 * stored and the expected value. */
#include "check.h"

#include "cymade/atomic.h"

#include <stddef.h>

/* Distinct, valid addresses to store. */
static int cell_a;
static int cell_b;

static void test_init_load_store(void) {
    cymade_atomic_ptr p;
    for (size_t l = 0; l < OPS_LOAD_ORDER_COUNT; l++) {
        memory_order load = OPS_LOAD_ORDERS[l];
        ops_context("ptr init+load load=%s", memory_order_name(load));
        cymade_atomic_ptr_init(&p, NULL);
        CHECK(cymade_atomic_ptr_load(&p, load) == NULL);
        cymade_atomic_ptr_init(&p, &cell_a);
        CHECK(cymade_atomic_ptr_load(&p, load) == &cell_a);
        for (size_t s = 0; s < OPS_STORE_ORDER_COUNT; s++) {
            memory_order store = OPS_STORE_ORDERS[s];
            ops_context("ptr store=%s load=%s", memory_order_name(store), memory_order_name(load));
            cymade_atomic_ptr_store(&p, &cell_b, store);
            CHECK(cymade_atomic_ptr_load(&p, load) == &cell_b);
            cymade_atomic_ptr_store(&p, NULL, store);
            CHECK(cymade_atomic_ptr_load(&p, load) == NULL);
        }
    }
}

static void test_exchange(memory_order order) {
    cymade_atomic_ptr p;
    ops_context("ptr exchange order=%s", memory_order_name(order));
    cymade_atomic_ptr_init(&p, NULL);
    CHECK(cymade_atomic_ptr_exchange(&p, &cell_a, order) == NULL);
    CHECK(cymade_atomic_ptr_exchange(&p, &cell_b, order) == &cell_a);
    CHECK(cymade_atomic_ptr_exchange(&p, NULL, order) == &cell_b);
    CHECK(cymade_atomic_ptr_load(&p, memory_order_relaxed) == NULL);
}

static void test_compare_exchange_strong(ops_cas_orders orders) {
    cymade_atomic_ptr p;
    void *expected;
    ops_context("ptr cas_strong success=%s failure=%s", memory_order_name(orders.success),
                memory_order_name(orders.failure));

    cymade_atomic_ptr_init(&p, NULL);
    expected = NULL;
    CHECK(cymade_atomic_ptr_compare_exchange_strong(&p, &expected, &cell_a, orders.success, orders.failure));
    CHECK(expected == NULL);
    CHECK(cymade_atomic_ptr_load(&p, memory_order_relaxed) == &cell_a);

    expected = NULL;
    CHECK(!cymade_atomic_ptr_compare_exchange_strong(&p, &expected, &cell_b, orders.success, orders.failure));
    CHECK(expected == &cell_a);
    CHECK(cymade_atomic_ptr_load(&p, memory_order_relaxed) == &cell_a);

    expected = &cell_b;
    CHECK(!cymade_atomic_ptr_compare_exchange_strong(&p, &expected, NULL, orders.success, orders.failure));
    CHECK(expected == &cell_a);

    CHECK(cymade_atomic_ptr_compare_exchange_strong(&p, &expected, NULL, orders.success, orders.failure));
    CHECK(expected == &cell_a);
    CHECK(cymade_atomic_ptr_load(&p, memory_order_relaxed) == NULL);

    expected = &cell_a;
    CHECK(!cymade_atomic_ptr_compare_exchange_strong(&p, &expected, &cell_b, orders.success, orders.failure));
    CHECK(expected == NULL);
    CHECK(cymade_atomic_ptr_load(&p, memory_order_relaxed) == NULL);
}

static void test_compare_exchange_weak(ops_cas_orders orders) {
    cymade_atomic_ptr p;
    void *expected = NULL;
    int tries = 0;
    bool stored = false;
    ops_context("ptr cas_weak success=%s failure=%s", memory_order_name(orders.success),
                memory_order_name(orders.failure));

    cymade_atomic_ptr_init(&p, NULL);
    while (!stored && tries < OPS_WEAK_CAS_MAX_TRIES) {
        stored = cymade_atomic_ptr_compare_exchange_weak(&p, &expected, &cell_b, orders.success, orders.failure);
        tries++;
        CHECK(expected == NULL);
    }
    CHECK(stored);
    CHECK(cymade_atomic_ptr_load(&p, memory_order_relaxed) == &cell_b);

    for (tries = 0; tries < OPS_WEAK_CAS_MAX_TRIES; tries++) {
        expected = NULL;
        if (cymade_atomic_ptr_compare_exchange_weak(&p, &expected, &cell_a, orders.success, orders.failure)) {
            break;
        }
    }
    CHECK(tries == OPS_WEAK_CAS_MAX_TRIES);
    CHECK(expected == &cell_b);
    CHECK(cymade_atomic_ptr_load(&p, memory_order_relaxed) == &cell_b);
}

void ops_test_ptr(void) {
    test_init_load_store();
    for (size_t i = 0; i < OPS_RMW_ORDER_COUNT; i++) {
        test_exchange(OPS_RMW_ORDERS[i]);
    }
    for (size_t i = 0; i < OPS_CAS_ORDER_COUNT; i++) {
        test_compare_exchange_strong(OPS_CAS_ORDERS[i]);
        test_compare_exchange_weak(OPS_CAS_ORDERS[i]);
    }
}
