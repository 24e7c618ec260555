/* The case list: every (operation, memory order) pair the contract atop
 * cymade/atomic.h allows, and the rounds that test each pair. */
#include "orders.h"

#include <stdio.h>

#include "verify/memory_order_name.h"

/* The contract's order sets, one per kind of access. */
static const memory_order LOAD_ORDERS[] = {
    memory_order_relaxed,
    memory_order_consume,
    memory_order_acquire,
    memory_order_seq_cst,
};

static const memory_order STORE_ORDERS[] = {
    memory_order_relaxed,
    memory_order_release,
    memory_order_seq_cst,
};

static const memory_order RMW_ORDERS[] = {
    memory_order_relaxed, memory_order_consume, memory_order_acquire,
    memory_order_release, memory_order_acq_rel, memory_order_seq_cst,
};

static const memory_order FAILURE_ORDERS[] = {
    memory_order_relaxed,
    memory_order_acquire,
    memory_order_seq_cst,
};

#define COUNT_OF(array) (sizeof(array) / sizeof((array)[0]))

static const orders_type *const TYPES[] = {&ORDERS_U64, &ORDERS_I64, &ORDERS_F64, &ORDERS_PTR};

static bool releases(memory_order order) {
    return order == memory_order_release || order == memory_order_acq_rel || order == memory_order_seq_cst;
}

/* GCC implements consume as acquire, and TSan models it so. */
static bool acquires(memory_order order) {
    return order == memory_order_consume || order == memory_order_acquire || order == memory_order_acq_rel ||
           order == memory_order_seq_cst;
}

static const char *role_infix(orders_role role) {
    switch (role) {
    case ORDERS_ROLE_ORDER: return "";
    case ORDERS_ROLE_SUCCESS: return "success.";
    case ORDERS_ROLE_FAILURE: return "failure.";
    }
    return "invalid.";
}

static size_t add_cases(orders_case *cases, size_t count, const orders_type *type, const orders_operation *operation,
                        orders_role role, const memory_order *orders, size_t order_count) {
    for (size_t i = 0; i < order_count; i++, count++) {
        if (cases == NULL) {
            continue;
        }
        orders_case *c = &cases[count];
        *c = (orders_case){.type = type, .operation = operation, .role = role, .order = orders[i]};
        snprintf(c->name, sizeof c->name, "%s.%s.%s%s", type->name, operation->name, role_infix(role),
                 memory_order_name(orders[i]));
    }
    return count;
}

size_t orders_build_cases(orders_case *cases) {
    size_t count = 0;
    for (size_t t = 0; t < COUNT_OF(TYPES); t++) {
        const orders_type *type = TYPES[t];
        for (size_t o = 0; o < type->operation_count; o++) {
            const orders_operation *operation = &type->operations[o];
            switch (operation->access) {
            case ORDERS_LOAD:
                count = add_cases(cases, count, type, operation, ORDERS_ROLE_ORDER, LOAD_ORDERS, COUNT_OF(LOAD_ORDERS));
                break;
            case ORDERS_STORE:
                count =
                    add_cases(cases, count, type, operation, ORDERS_ROLE_ORDER, STORE_ORDERS, COUNT_OF(STORE_ORDERS));
                break;
            case ORDERS_READ_MODIFY_WRITE:
                count = add_cases(cases, count, type, operation, ORDERS_ROLE_ORDER, RMW_ORDERS, COUNT_OF(RMW_ORDERS));
                break;
            case ORDERS_COMPARE_EXCHANGE:
                count = add_cases(cases, count, type, operation, ORDERS_ROLE_SUCCESS, RMW_ORDERS, COUNT_OF(RMW_ORDERS));
                count = add_cases(cases, count, type, operation, ORDERS_ROLE_FAILURE, FAILURE_ORDERS,
                                  COUNT_OF(FAILURE_ORDERS));
                break;
            }
        }
    }
    return count;
}

/* A failure order is tested with the weakest success order the contract
 * pairs it with (failure no stronger than success): the same order. */
static size_t failure_rounds(const orders_case *c, orders_round rounds[ORDERS_MAX_ROUNDS]) {
    const orders_type *type = c->type;
    if (c->order == memory_order_relaxed) {
        /* Relaxed everywhere: no payload, so nothing needs ordering. */
        rounds[0] = (orders_round){
            .description = "failing compare-exchange relaxed/relaxed after a relaxed store",
            .publish = type->store_published,
            .publish_order = memory_order_relaxed,
            .observe_failing = c->operation->observe_failing,
            .observe_order = memory_order_relaxed,
            .observe_failure = memory_order_relaxed,
        };
        return 1;
    }
    /* Release: the store the failing compare-exchange must acquire from. */
    rounds[0] = (orders_round){
        .description = "failing compare-exchange observes a release store",
        .publish = type->store_published,
        .publish_order = memory_order_release,
        .observe_failing = c->operation->observe_failing,
        .observe_order = c->order,
        .observe_failure = c->order,
        .carries_payload = true,
    };
    return 1;
}

/* Weakening seq_cst to acq_rel is not caught here: x86 emits the same code
 * for both on a read-modify-write, and TSan models seq_cst as acq_rel.  What
 * is caught is seq_cst weakened to relaxed, as for release and acquire. */
size_t orders_case_rounds(const orders_case *c, orders_round rounds[ORDERS_MAX_ROUNDS]) {
    const orders_type *type = c->type;
    const orders_operation *operation = c->operation;
    size_t count = 0;
    if (c->role == ORDERS_ROLE_FAILURE) {
        return failure_rounds(c, rounds);
    }
    if (c->order == memory_order_relaxed) {
        /* Relaxed on both sides: no payload, so nothing needs ordering; loads
         * and stores borrow the type's store or load as their other side. */
        rounds[count++] = (orders_round){
            .description = "relaxed on both sides",
            .publish = operation->publish != NULL ? operation->publish : type->store_published,
            .publish_order = memory_order_relaxed,
            .observe = operation->observe != NULL ? operation->observe : type->load_is_published,
            .observe_order = memory_order_relaxed,
        };
        return count;
    }
    if (releases(c->order) && operation->publish != NULL) {
        /* Acquire: the reader's load pairs with the operation's release. */
        rounds[count++] = (orders_round){
            .description = "publishes to an acquire load",
            .publish = operation->publish,
            .publish_order = c->order,
            .observe = type->load_is_published,
            .observe_order = memory_order_acquire,
            .carries_payload = true,
        };
    }
    if (acquires(c->order) && operation->observe != NULL) {
        /* Release: the writer's store pairs with the operation's acquire. */
        rounds[count++] = (orders_round){
            .description = "observes a release store",
            .publish = type->store_published,
            .publish_order = memory_order_release,
            .observe = operation->observe,
            .observe_order = c->order,
            .carries_payload = true,
        };
    }
    return count;
}
