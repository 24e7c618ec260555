/* cymade_atomic_ptr_* as the orders suite drives them (orders.h): each
 * operation's start value, how it publishes, and how it observes.  The flag
 * starts NULL and is published as a pointer to a static cell. */
#include "orders.h"

static int published_cell;
/* Never stored, so a compare-exchange expecting it always fails. */
static int never_stored_cell;

#define PUBLISHED ((void *)&published_cell)
#define NEVER_STORED ((void *)&never_stored_cell)

static void init_null(orders_flag *flag) {
    cymade_atomic_ptr_init(&flag->ptr, NULL);
}

static bool load_is_published(orders_flag *flag, memory_order order) {
    return cymade_atomic_ptr_load(&flag->ptr, order) == PUBLISHED;
}

static bool store_published(orders_flag *flag, memory_order order) {
    cymade_atomic_ptr_store(&flag->ptr, PUBLISHED, order);
    return true;
}

/* The reader swaps NULL back in until it swaps PUBLISHED out, so the writer
 * always replaces NULL. */
static bool exchange_publish(orders_flag *flag, memory_order order) {
    return cymade_atomic_ptr_exchange(&flag->ptr, PUBLISHED, order) == NULL;
}

static bool exchange_observe(orders_flag *flag, memory_order order) {
    return cymade_atomic_ptr_exchange(&flag->ptr, NULL, order) == PUBLISHED;
}

/* Nothing else writes while the writer publishes, so the strong form
 * succeeds at once. */
static bool compare_exchange_strong_publish(orders_flag *flag, memory_order order) {
    void *expected = NULL;
    /* Relaxed failure: a failure is a wrong result here. */
    bool stored =
        cymade_atomic_ptr_compare_exchange_strong(&flag->ptr, &expected, PUBLISHED, order, memory_order_relaxed);
    return stored && expected == NULL;
}

/* Succeeds, rewriting PUBLISHED over itself, once the flag is PUBLISHED. */
static bool compare_exchange_strong_observe(orders_flag *flag, memory_order order) {
    void *expected = PUBLISHED;
    /* Relaxed failure: only the success order may acquire here. */
    return cymade_atomic_ptr_compare_exchange_strong(&flag->ptr, &expected, PUBLISHED, order, memory_order_relaxed);
}

static bool compare_exchange_strong_observe_failing(orders_flag *flag, memory_order success, memory_order failure) {
    void *expected = NEVER_STORED;
    bool stored = cymade_atomic_ptr_compare_exchange_strong(&flag->ptr, &expected, NEVER_STORED, success, failure);
    return !stored && expected == PUBLISHED;
}

/* Retries spurious failures only: a failure that reports another value is a
 * wrong result. */
static bool compare_exchange_weak_publish(orders_flag *flag, memory_order order) {
    void *expected;
    do {
        expected = NULL;
        /* Relaxed failure: a failure is a retry or a wrong result here. */
    } while (!cymade_atomic_ptr_compare_exchange_weak(&flag->ptr, &expected, PUBLISHED, order, memory_order_relaxed) &&
             expected == NULL);
    return expected == NULL;
}

/* A spurious failure only means "not yet": the reader calls again. */
static bool compare_exchange_weak_observe(orders_flag *flag, memory_order order) {
    void *expected = PUBLISHED;
    /* Relaxed failure: only the success order may acquire here. */
    return cymade_atomic_ptr_compare_exchange_weak(&flag->ptr, &expected, PUBLISHED, order, memory_order_relaxed);
}

static bool compare_exchange_weak_observe_failing(orders_flag *flag, memory_order success, memory_order failure) {
    void *expected = NEVER_STORED;
    bool stored = cymade_atomic_ptr_compare_exchange_weak(&flag->ptr, &expected, NEVER_STORED, success, failure);
    return !stored && expected == PUBLISHED;
}

static const orders_operation PTR_OPERATIONS[] = {
    {"load", ORDERS_LOAD, init_null, NULL, load_is_published, NULL},
    {"store", ORDERS_STORE, init_null, store_published, NULL, NULL},
    {"exchange", ORDERS_READ_MODIFY_WRITE, init_null, exchange_publish, exchange_observe, NULL},
    {"compare_exchange_strong", ORDERS_COMPARE_EXCHANGE, init_null, compare_exchange_strong_publish,
     compare_exchange_strong_observe, compare_exchange_strong_observe_failing},
    {"compare_exchange_weak", ORDERS_COMPARE_EXCHANGE, init_null, compare_exchange_weak_publish,
     compare_exchange_weak_observe, compare_exchange_weak_observe_failing},
};

const orders_type ORDERS_PTR = {
    .name = "ptr",
    .load_is_published = load_is_published,
    .store_published = store_published,
    .operations = PTR_OPERATIONS,
    .operation_count = sizeof PTR_OPERATIONS / sizeof PTR_OPERATIONS[0],
};
