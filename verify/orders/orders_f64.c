/* cymade_atomic_f64_* as the orders suite drives them (orders.h): each
 * operation's start value, how it publishes, and how it observes.  Every
 * value here is exact, and none is a NaN or a negative zero, so == agrees
 * with the header's bitwise comparison. */
#include "orders.h"

#define PUBLISHED 1.0
/* Never stored, so a compare-exchange expecting it always fails. */
#define NEVER_STORED -1.0

static void init_zero(orders_flag *flag) {
    cymade_atomic_f64_init(&flag->f64, 0.0);
}

static void init_half(orders_flag *flag) {
    cymade_atomic_f64_init(&flag->f64, 0.5);
}

static void init_two(orders_flag *flag) {
    cymade_atomic_f64_init(&flag->f64, 2.0);
}

static bool load_is_published(orders_flag *flag, memory_order order) {
    return cymade_atomic_f64_load(&flag->f64, order) == PUBLISHED;
}

static bool store_published(orders_flag *flag, memory_order order) {
    cymade_atomic_f64_store(&flag->f64, PUBLISHED, order);
    return true;
}

/* The reader swaps 0.0 back in until it swaps PUBLISHED out, so the writer
 * always replaces 0.0. */
static bool exchange_publish(orders_flag *flag, memory_order order) {
    return cymade_atomic_f64_exchange(&flag->f64, PUBLISHED, order) == 0.0;
}

static bool exchange_observe(orders_flag *flag, memory_order order) {
    return cymade_atomic_f64_exchange(&flag->f64, 0.0, order) == PUBLISHED;
}

/* fetch_OP (a compare-exchange loop) publishes from its start value and
 * observes with its identity operand, which leaves the flag as it is. */
static bool fetch_add_publish(orders_flag *flag, memory_order order) {
    return cymade_atomic_f64_fetch_add(&flag->f64, 1.0, order) == 0.0;
}

static bool fetch_add_observe(orders_flag *flag, memory_order order) {
    return cymade_atomic_f64_fetch_add(&flag->f64, 0.0, order) == PUBLISHED;
}

static bool fetch_sub_publish(orders_flag *flag, memory_order order) {
    return cymade_atomic_f64_fetch_sub(&flag->f64, 1.0, order) == 2.0;
}

static bool fetch_sub_observe(orders_flag *flag, memory_order order) {
    return cymade_atomic_f64_fetch_sub(&flag->f64, 0.0, order) == PUBLISHED;
}

static bool fetch_mul_publish(orders_flag *flag, memory_order order) {
    return cymade_atomic_f64_fetch_mul(&flag->f64, 2.0, order) == 0.5;
}

static bool fetch_mul_observe(orders_flag *flag, memory_order order) {
    return cymade_atomic_f64_fetch_mul(&flag->f64, 1.0, order) == PUBLISHED;
}

static bool fetch_div_publish(orders_flag *flag, memory_order order) {
    return cymade_atomic_f64_fetch_div(&flag->f64, 2.0, order) == 2.0;
}

static bool fetch_div_observe(orders_flag *flag, memory_order order) {
    return cymade_atomic_f64_fetch_div(&flag->f64, 1.0, order) == PUBLISHED;
}

/* Nothing else writes while the writer publishes, so the strong form
 * succeeds at once. */
static bool compare_exchange_strong_publish(orders_flag *flag, memory_order order) {
    double expected = 0.0;
    /* Relaxed failure: a failure is a wrong result here. */
    bool stored =
        cymade_atomic_f64_compare_exchange_strong(&flag->f64, &expected, PUBLISHED, order, memory_order_relaxed);
    return stored && expected == 0.0;
}

/* Succeeds, rewriting PUBLISHED over itself, once the flag is PUBLISHED. */
static bool compare_exchange_strong_observe(orders_flag *flag, memory_order order) {
    double expected = PUBLISHED;
    /* Relaxed failure: only the success order may acquire here. */
    return cymade_atomic_f64_compare_exchange_strong(&flag->f64, &expected, PUBLISHED, order, memory_order_relaxed);
}

static bool compare_exchange_strong_observe_failing(orders_flag *flag, memory_order success, memory_order failure) {
    double expected = NEVER_STORED;
    bool stored = cymade_atomic_f64_compare_exchange_strong(&flag->f64, &expected, NEVER_STORED, success, failure);
    return !stored && expected == PUBLISHED;
}

/* Retries spurious failures only: a failure that reports another value is a
 * wrong result. */
static bool compare_exchange_weak_publish(orders_flag *flag, memory_order order) {
    double expected;
    do {
        expected = 0.0;
        /* Relaxed failure: a failure is a retry or a wrong result here. */
    } while (!cymade_atomic_f64_compare_exchange_weak(&flag->f64, &expected, PUBLISHED, order, memory_order_relaxed) &&
             expected == 0.0);
    return expected == 0.0;
}

/* A spurious failure only means "not yet": the reader calls again. */
static bool compare_exchange_weak_observe(orders_flag *flag, memory_order order) {
    double expected = PUBLISHED;
    /* Relaxed failure: only the success order may acquire here. */
    return cymade_atomic_f64_compare_exchange_weak(&flag->f64, &expected, PUBLISHED, order, memory_order_relaxed);
}

static bool compare_exchange_weak_observe_failing(orders_flag *flag, memory_order success, memory_order failure) {
    double expected = NEVER_STORED;
    bool stored = cymade_atomic_f64_compare_exchange_weak(&flag->f64, &expected, NEVER_STORED, success, failure);
    return !stored && expected == PUBLISHED;
}

static const orders_operation F64_OPERATIONS[] = {
    {"load", ORDERS_LOAD, init_zero, NULL, load_is_published, NULL},
    {"store", ORDERS_STORE, init_zero, store_published, NULL, NULL},
    {"exchange", ORDERS_READ_MODIFY_WRITE, init_zero, exchange_publish, exchange_observe, NULL},
    {"fetch_add", ORDERS_READ_MODIFY_WRITE, init_zero, fetch_add_publish, fetch_add_observe, NULL},
    {"fetch_sub", ORDERS_READ_MODIFY_WRITE, init_two, fetch_sub_publish, fetch_sub_observe, NULL},
    {"fetch_mul", ORDERS_READ_MODIFY_WRITE, init_half, fetch_mul_publish, fetch_mul_observe, NULL},
    {"fetch_div", ORDERS_READ_MODIFY_WRITE, init_two, fetch_div_publish, fetch_div_observe, NULL},
    {"compare_exchange_strong", ORDERS_COMPARE_EXCHANGE, init_zero, compare_exchange_strong_publish,
     compare_exchange_strong_observe, compare_exchange_strong_observe_failing},
    {"compare_exchange_weak", ORDERS_COMPARE_EXCHANGE, init_zero, compare_exchange_weak_publish,
     compare_exchange_weak_observe, compare_exchange_weak_observe_failing},
};

const orders_type ORDERS_F64 = {
    .name = "f64",
    .load_is_published = load_is_published,
    .store_published = store_published,
    .operations = F64_OPERATIONS,
    .operation_count = sizeof F64_OPERATIONS / sizeof F64_OPERATIONS[0],
};
