/*
 * check.h - the per-operation tests' tiny assertion layer.
 *
 * A failing CHECK prints its expression, file:line and the current context
 * (which operation and memory order is being exercised) and then lets the
 * test keep going, so one run lists every broken operation rather than the
 * first one.  ops_report() prints the `ops: N passed, N failed` summary.
 */
#ifndef CYMADE_VERIFY_OPS_CHECK_H
#define CYMADE_VERIFY_OPS_CHECK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "verify/memory_order_name.h"

#define CHECK(cond) ops_check((cond), #cond, __FILE__, __LINE__)

void ops_check(bool ok, const char *expression, const char *file, int line);

/* Describes what the following CHECKs exercise, printf-style. */
void ops_context(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* Prints the summary line; returns the process exit status. */
int ops_report(void);

/* The orders C11 7.17.3 allows for each kind of access. */
extern const memory_order OPS_LOAD_ORDERS[];
extern const size_t OPS_LOAD_ORDER_COUNT;
extern const memory_order OPS_STORE_ORDERS[];
extern const size_t OPS_STORE_ORDER_COUNT;
extern const memory_order OPS_RMW_ORDERS[];
extern const size_t OPS_RMW_ORDER_COUNT;
extern const memory_order OPS_FENCE_ORDERS[];
extern const size_t OPS_FENCE_ORDER_COUNT;

/* A compare-exchange order pair: failure is a load order no stronger than
 * success. */
typedef struct ops_cas_orders {
    memory_order success;
    memory_order failure;
} ops_cas_orders;

extern const ops_cas_orders OPS_CAS_ORDERS[];
extern const size_t OPS_CAS_ORDER_COUNT;

/* Bounded retry budget for weak compare-exchange loops: spurious failures
 * are allowed, but a thousand in a row on an uncontended object means the
 * operation is broken. */
enum { OPS_WEAK_CAS_MAX_TRIES = 1000 };

void ops_test_u64(void);
void ops_test_i64(void);
void ops_test_f64(void);
void ops_test_ptr(void);
void ops_test_fences(void);

#endif /* CYMADE_VERIFY_OPS_CHECK_H */
