#include "check.h"

#include <stdarg.h>
#include <stdio.h>

static unsigned long checks_passed;
static unsigned long checks_failed;
static char current_context[160];

void ops_check(bool ok, const char *expression, const char *file, int line) {
    if (ok) {
        checks_passed++;
        return;
    }
    checks_failed++;
    printf("FAIL %s:%d: %s [%s]\n", file, line, expression, current_context);
}

void ops_context(const char *format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(current_context, sizeof current_context, format, args);
    va_end(args);
}

int ops_report(void) {
    printf("ops: %lu passed, %lu failed\n", checks_passed, checks_failed);
    return checks_failed == 0 ? 0 : 1;
}

const memory_order OPS_LOAD_ORDERS[] = {
    memory_order_relaxed,
    memory_order_consume,
    memory_order_acquire,
    memory_order_seq_cst,
};
const size_t OPS_LOAD_ORDER_COUNT = sizeof OPS_LOAD_ORDERS / sizeof OPS_LOAD_ORDERS[0];

const memory_order OPS_STORE_ORDERS[] = {
    memory_order_relaxed,
    memory_order_release,
    memory_order_seq_cst,
};
const size_t OPS_STORE_ORDER_COUNT = sizeof OPS_STORE_ORDERS / sizeof OPS_STORE_ORDERS[0];

const memory_order OPS_RMW_ORDERS[] = {
    memory_order_relaxed, memory_order_consume, memory_order_acquire,
    memory_order_release, memory_order_acq_rel, memory_order_seq_cst,
};
const size_t OPS_RMW_ORDER_COUNT = sizeof OPS_RMW_ORDERS / sizeof OPS_RMW_ORDERS[0];

/* Fences accept every order (a relaxed fence is a no-op, consume acts as
 * acquire). */
const memory_order OPS_FENCE_ORDERS[] = {
    memory_order_relaxed, memory_order_consume, memory_order_acquire,
    memory_order_release, memory_order_acq_rel, memory_order_seq_cst,
};
const size_t OPS_FENCE_ORDER_COUNT = sizeof OPS_FENCE_ORDERS / sizeof OPS_FENCE_ORDERS[0];

/* Every success order with each failure order the header's contract allows
 * (relaxed, acquire, seq_cst) that is no stronger than it; release is not
 * stronger than relaxed only, so release pairs with relaxed alone. */
const ops_cas_orders OPS_CAS_ORDERS[] = {
    {memory_order_relaxed, memory_order_relaxed}, {memory_order_consume, memory_order_relaxed},
    {memory_order_acquire, memory_order_relaxed}, {memory_order_acquire, memory_order_acquire},
    {memory_order_release, memory_order_relaxed}, {memory_order_acq_rel, memory_order_relaxed},
    {memory_order_acq_rel, memory_order_acquire}, {memory_order_seq_cst, memory_order_relaxed},
    {memory_order_seq_cst, memory_order_acquire}, {memory_order_seq_cst, memory_order_seq_cst},
};
const size_t OPS_CAS_ORDER_COUNT = sizeof OPS_CAS_ORDERS / sizeof OPS_CAS_ORDERS[0];
