/* cymade_atomic_u64_* as the orders suite drives them (orders.h): each
 * operation's start value, how it publishes, and how it observes. */
#include "orders.h"

#define PUBLISHED UINT64_C(1)
/* Never stored, so a compare-exchange expecting it always fails. */
#define NEVER_STORED UINT64_C(0xDEAD)

static void init_zero(orders_flag *flag) {
    cymade_atomic_u64_init(&flag->u64, 0);
}

static void init_two(orders_flag *flag) {
    cymade_atomic_u64_init(&flag->u64, 2);
}

static void init_three(orders_flag *flag) {
    cymade_atomic_u64_init(&flag->u64, 3);
}

static bool load_is_published(orders_flag *flag, memory_order order) {
    return cymade_atomic_u64_load(&flag->u64, order) == PUBLISHED;
}

static bool store_published(orders_flag *flag, memory_order order) {
    cymade_atomic_u64_store(&flag->u64, PUBLISHED, order);
    return true;
}

/* The reader swaps 0 back in until it swaps PUBLISHED out, so the writer
 * always replaces 0. */
static bool exchange_publish(orders_flag *flag, memory_order order) {
    return cymade_atomic_u64_exchange(&flag->u64, PUBLISHED, order) == 0;
}

static bool exchange_observe(orders_flag *flag, memory_order order) {
    return cymade_atomic_u64_exchange(&flag->u64, 0, order) == PUBLISHED;
}

/* fetch_OP publishes from its start value and observes with its identity
 * operand, which leaves the flag as it is. */
static bool fetch_add_publish(orders_flag *flag, memory_order order) {
    return cymade_atomic_u64_fetch_add(&flag->u64, 1, order) == 0;
}

static bool fetch_add_observe(orders_flag *flag, memory_order order) {
    return cymade_atomic_u64_fetch_add(&flag->u64, 0, order) == PUBLISHED;
}

static bool fetch_sub_publish(orders_flag *flag, memory_order order) {
    return cymade_atomic_u64_fetch_sub(&flag->u64, 1, order) == 2;
}

static bool fetch_sub_observe(orders_flag *flag, memory_order order) {
    return cymade_atomic_u64_fetch_sub(&flag->u64, 0, order) == PUBLISHED;
}

static bool fetch_and_publish(orders_flag *flag, memory_order order) {
    return cymade_atomic_u64_fetch_and(&flag->u64, 1, order) == 3;
}

static bool fetch_and_observe(orders_flag *flag, memory_order order) {
    return cymade_atomic_u64_fetch_and(&flag->u64, UINT64_MAX, order) == PUBLISHED;
}

static bool fetch_or_publish(orders_flag *flag, memory_order order) {
    return cymade_atomic_u64_fetch_or(&flag->u64, 1, order) == 0;
}

static bool fetch_or_observe(orders_flag *flag, memory_order order) {
    return cymade_atomic_u64_fetch_or(&flag->u64, 0, order) == PUBLISHED;
}

static bool fetch_xor_publish(orders_flag *flag, memory_order order) {
    return cymade_atomic_u64_fetch_xor(&flag->u64, 1, order) == 0;
}

static bool fetch_xor_observe(orders_flag *flag, memory_order order) {
    return cymade_atomic_u64_fetch_xor(&flag->u64, 0, order) == PUBLISHED;
}

/* Nothing else writes while the writer publishes, so the strong form
 * succeeds at once. */
static bool compare_exchange_strong_publish(orders_flag *flag, memory_order order) {
    uint64_t expected = 0;
    /* Relaxed failure: a failure is a wrong result here. */
    bool stored =
        cymade_atomic_u64_compare_exchange_strong(&flag->u64, &expected, PUBLISHED, order, memory_order_relaxed);
    return stored && expected == 0;
}

/* Succeeds, rewriting PUBLISHED over itself, once the flag is PUBLISHED. */
static bool compare_exchange_strong_observe(orders_flag *flag, memory_order order) {
    uint64_t expected = PUBLISHED;
    /* Relaxed failure: only the success order may acquire here. */
    return cymade_atomic_u64_compare_exchange_strong(&flag->u64, &expected, PUBLISHED, order, memory_order_relaxed);
}

static bool compare_exchange_strong_observe_failing(orders_flag *flag, memory_order success, memory_order failure) {
    uint64_t expected = NEVER_STORED;
    bool stored = cymade_atomic_u64_compare_exchange_strong(&flag->u64, &expected, NEVER_STORED, success, failure);
    return !stored && expected == PUBLISHED;
}

/* Retries spurious failures only: a failure that reports another value is a
 * wrong result. */
static bool compare_exchange_weak_publish(orders_flag *flag, memory_order order) {
    uint64_t expected;
    do {
        expected = 0;
        /* Relaxed failure: a failure is a retry or a wrong result here. */
    } while (!cymade_atomic_u64_compare_exchange_weak(&flag->u64, &expected, PUBLISHED, order, memory_order_relaxed) &&
             expected == 0);
    return expected == 0;
}

/* A spurious failure only means "not yet": the reader calls again. */
static bool compare_exchange_weak_observe(orders_flag *flag, memory_order order) {
    uint64_t expected = PUBLISHED;
    /* Relaxed failure: only the success order may acquire here. */
    return cymade_atomic_u64_compare_exchange_weak(&flag->u64, &expected, PUBLISHED, order, memory_order_relaxed);
}

static bool compare_exchange_weak_observe_failing(orders_flag *flag, memory_order success, memory_order failure) {
    uint64_t expected = NEVER_STORED;
    bool stored = cymade_atomic_u64_compare_exchange_weak(&flag->u64, &expected, NEVER_STORED, success, failure);
    return !stored && expected == PUBLISHED;
}

static const orders_operation U64_OPERATIONS[] = {
    {"load", ORDERS_LOAD, init_zero, NULL, load_is_published, NULL},
    {"store", ORDERS_STORE, init_zero, store_published, NULL, NULL},
    {"exchange", ORDERS_READ_MODIFY_WRITE, init_zero, exchange_publish, exchange_observe, NULL},
    {"fetch_add", ORDERS_READ_MODIFY_WRITE, init_zero, fetch_add_publish, fetch_add_observe, NULL},
    {"fetch_sub", ORDERS_READ_MODIFY_WRITE, init_two, fetch_sub_publish, fetch_sub_observe, NULL},
    {"fetch_and", ORDERS_READ_MODIFY_WRITE, init_three, fetch_and_publish, fetch_and_observe, NULL},
    {"fetch_or", ORDERS_READ_MODIFY_WRITE, init_zero, fetch_or_publish, fetch_or_observe, NULL},
    {"fetch_xor", ORDERS_READ_MODIFY_WRITE, init_zero, fetch_xor_publish, fetch_xor_observe, NULL},
    {"compare_exchange_strong", ORDERS_COMPARE_EXCHANGE, init_zero, compare_exchange_strong_publish,
     compare_exchange_strong_observe, compare_exchange_strong_observe_failing},
    {"compare_exchange_weak", ORDERS_COMPARE_EXCHANGE, init_zero, compare_exchange_weak_publish,
     compare_exchange_weak_observe, compare_exchange_weak_observe_failing},
};

const orders_type ORDERS_U64 = {
    .name = "u64",
    .load_is_published = load_is_published,
    .store_published = store_published,
    .operations = U64_OPERATIONS,
    .operation_count = sizeof U64_OPERATIONS / sizeof U64_OPERATIONS[0],
};
