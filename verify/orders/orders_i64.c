/* cymade_atomic_i64_* as the orders suite drives them (orders.h): each
 * operation's start value, how it publishes, and how it observes.  PUBLISHED
 * is INT64_MIN, so fetch_add, fetch_sub and fetch_xor reach it by wrapping
 * or flipping the sign bit. */
#include "orders.h"

#define PUBLISHED INT64_MIN
/* Never stored, so a compare-exchange expecting it always fails. */
#define NEVER_STORED INT64_C(0xDEAD)

static void init_zero(orders_flag *flag) {
    cymade_atomic_i64_init(&flag->i64, 0);
}

static void init_max(orders_flag *flag) {
    cymade_atomic_i64_init(&flag->i64, INT64_MAX);
}

static void init_minus_one(orders_flag *flag) {
    cymade_atomic_i64_init(&flag->i64, -1);
}

static bool load_is_published(orders_flag *flag, memory_order order) {
    return cymade_atomic_i64_load(&flag->i64, order) == PUBLISHED;
}

static bool store_published(orders_flag *flag, memory_order order) {
    cymade_atomic_i64_store(&flag->i64, PUBLISHED, order);
    return true;
}

/* The reader swaps 0 back in until it swaps PUBLISHED out, so the writer
 * always replaces 0. */
static bool exchange_publish(orders_flag *flag, memory_order order) {
    return cymade_atomic_i64_exchange(&flag->i64, PUBLISHED, order) == 0;
}

static bool exchange_observe(orders_flag *flag, memory_order order) {
    return cymade_atomic_i64_exchange(&flag->i64, 0, order) == PUBLISHED;
}

/* fetch_OP publishes from its start value and observes with its identity
 * operand, which leaves the flag as it is. */
static bool fetch_add_publish(orders_flag *flag, memory_order order) {
    return cymade_atomic_i64_fetch_add(&flag->i64, 1, order) == INT64_MAX;
}

static bool fetch_add_observe(orders_flag *flag, memory_order order) {
    return cymade_atomic_i64_fetch_add(&flag->i64, 0, order) == PUBLISHED;
}

static bool fetch_sub_publish(orders_flag *flag, memory_order order) {
    return cymade_atomic_i64_fetch_sub(&flag->i64, INT64_MIN, order) == 0;
}

static bool fetch_sub_observe(orders_flag *flag, memory_order order) {
    return cymade_atomic_i64_fetch_sub(&flag->i64, 0, order) == PUBLISHED;
}

static bool fetch_and_publish(orders_flag *flag, memory_order order) {
    return cymade_atomic_i64_fetch_and(&flag->i64, INT64_MIN, order) == -1;
}

static bool fetch_and_observe(orders_flag *flag, memory_order order) {
    return cymade_atomic_i64_fetch_and(&flag->i64, -1, order) == PUBLISHED;
}

static bool fetch_or_publish(orders_flag *flag, memory_order order) {
    return cymade_atomic_i64_fetch_or(&flag->i64, INT64_MIN, order) == 0;
}

static bool fetch_or_observe(orders_flag *flag, memory_order order) {
    return cymade_atomic_i64_fetch_or(&flag->i64, 0, order) == PUBLISHED;
}

static bool fetch_xor_publish(orders_flag *flag, memory_order order) {
    return cymade_atomic_i64_fetch_xor(&flag->i64, INT64_MAX, order) == -1;
}

static bool fetch_xor_observe(orders_flag *flag, memory_order order) {
    return cymade_atomic_i64_fetch_xor(&flag->i64, 0, order) == PUBLISHED;
}

/* Nothing else writes while the writer publishes, so the strong form
 * succeeds at once. */
static bool compare_exchange_strong_publish(orders_flag *flag, memory_order order) {
    int64_t expected = 0;
    /* Relaxed failure: a failure is a wrong result here. */
    bool stored =
        cymade_atomic_i64_compare_exchange_strong(&flag->i64, &expected, PUBLISHED, order, memory_order_relaxed);
    return stored && expected == 0;
}

/* Succeeds, rewriting PUBLISHED over itself, once the flag is PUBLISHED. */
static bool compare_exchange_strong_observe(orders_flag *flag, memory_order order) {
    int64_t expected = PUBLISHED;
    /* Relaxed failure: only the success order may acquire here. */
    return cymade_atomic_i64_compare_exchange_strong(&flag->i64, &expected, PUBLISHED, order, memory_order_relaxed);
}

static bool compare_exchange_strong_observe_failing(orders_flag *flag, memory_order success, memory_order failure) {
    int64_t expected = NEVER_STORED;
    bool stored = cymade_atomic_i64_compare_exchange_strong(&flag->i64, &expected, NEVER_STORED, success, failure);
    return !stored && expected == PUBLISHED;
}

/* Retries spurious failures only: a failure that reports another value is a
 * wrong result. */
static bool compare_exchange_weak_publish(orders_flag *flag, memory_order order) {
    int64_t expected;
    do {
        expected = 0;
        /* Relaxed failure: a failure is a retry or a wrong result here. */
    } while (!cymade_atomic_i64_compare_exchange_weak(&flag->i64, &expected, PUBLISHED, order, memory_order_relaxed) &&
             expected == 0);
    return expected == 0;
}

/* A spurious failure only means "not yet": the reader calls again. */
static bool compare_exchange_weak_observe(orders_flag *flag, memory_order order) {
    int64_t expected = PUBLISHED;
    /* Relaxed failure: only the success order may acquire here. */
    return cymade_atomic_i64_compare_exchange_weak(&flag->i64, &expected, PUBLISHED, order, memory_order_relaxed);
}

static bool compare_exchange_weak_observe_failing(orders_flag *flag, memory_order success, memory_order failure) {
    int64_t expected = NEVER_STORED;
    bool stored = cymade_atomic_i64_compare_exchange_weak(&flag->i64, &expected, NEVER_STORED, success, failure);
    return !stored && expected == PUBLISHED;
}

static const orders_operation I64_OPERATIONS[] = {
    {"load", ORDERS_LOAD, init_zero, NULL, load_is_published, NULL},
    {"store", ORDERS_STORE, init_zero, store_published, NULL, NULL},
    {"exchange", ORDERS_READ_MODIFY_WRITE, init_zero, exchange_publish, exchange_observe, NULL},
    {"fetch_add", ORDERS_READ_MODIFY_WRITE, init_max, fetch_add_publish, fetch_add_observe, NULL},
    {"fetch_sub", ORDERS_READ_MODIFY_WRITE, init_zero, fetch_sub_publish, fetch_sub_observe, NULL},
    {"fetch_and", ORDERS_READ_MODIFY_WRITE, init_minus_one, fetch_and_publish, fetch_and_observe, NULL},
    {"fetch_or", ORDERS_READ_MODIFY_WRITE, init_zero, fetch_or_publish, fetch_or_observe, NULL},
    {"fetch_xor", ORDERS_READ_MODIFY_WRITE, init_minus_one, fetch_xor_publish, fetch_xor_observe, NULL},
    {"compare_exchange_strong", ORDERS_COMPARE_EXCHANGE, init_zero, compare_exchange_strong_publish,
     compare_exchange_strong_observe, compare_exchange_strong_observe_failing},
    {"compare_exchange_weak", ORDERS_COMPARE_EXCHANGE, init_zero, compare_exchange_weak_publish,
     compare_exchange_weak_observe, compare_exchange_weak_observe_failing},
};

const orders_type ORDERS_I64 = {
    .name = "i64",
    .load_is_published = load_is_published,
    .store_published = store_published,
    .operations = I64_OPERATIONS,
    .operation_count = sizeof I64_OPERATIONS / sizeof I64_OPERATIONS[0],
};
