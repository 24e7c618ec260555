/*
 * verify/memory_order_name.h - a memory order's name, for the messages of
 * the per-operation and memory-order suites.  Header-only and dependent on
 * <stdatomic.h> alone, so that the mutant builds of cymade/atomic.h
 * (verify/mutants/mutant.bzl) can compile it with any suite.
 */
#ifndef CYMADE_VERIFY_MEMORY_ORDER_NAME_H
#define CYMADE_VERIFY_MEMORY_ORDER_NAME_H

#include <stdatomic.h>

static inline const char *memory_order_name(memory_order order) {
    switch (order) {
    case memory_order_relaxed: return "relaxed";
    case memory_order_consume: return "consume";
    case memory_order_acquire: return "acquire";
    case memory_order_release: return "release";
    case memory_order_acq_rel: return "acq_rel";
    case memory_order_seq_cst: return "seq_cst";
    }
    return "invalid";
}

#endif /* CYMADE_VERIFY_MEMORY_ORDER_NAME_H */
