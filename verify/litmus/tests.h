/*
 * verify/litmus/tests.h - the litmus test tables the runner executes.
 */
#ifndef CYMADE_VERIFY_LITMUS_TESTS_H
#define CYMADE_VERIFY_LITMUS_TESTS_H

#include <stddef.h>

#include "harness.h"

/* Ordering shapes: SB, MP, LB, S, R, 2+2W, WRC, IRIW and coherence. */
extern const litmus_test litmus_shape_tests[];
extern const size_t litmus_shape_test_count;

/* RMW atomicity: no lost update, for every read-modify-write operation. */
extern const litmus_test litmus_rmw_tests[];
extern const size_t litmus_rmw_test_count;

/* The engine's own ring, eventcount and future, called as the engine calls
 * them (tests_engine.c). */
extern const litmus_test litmus_engine_tests[];
extern const size_t litmus_engine_test_count;

/* One of the tables above (its count is not a constant expression, hence the
 * pointer). */
typedef struct litmus_table {
    const litmus_test *tests;
    const size_t *count;
} litmus_table;

/* What a runner executes: its tables, and the kinds file (relative to the
 * working directory) that lists exactly their tests.  suite_all.c defines it
 * for litmus_runner, suite_atomics.c for the atomics-layer mutants, which
 * build without the engine. */
extern const litmus_table litmus_suite_tables[];
extern const size_t litmus_suite_table_count;
extern const char litmus_suite_kinds[];

#endif /* CYMADE_VERIFY_LITMUS_TESTS_H */
