/*
 * verify/litmus/suite_atomics.c - the suite of the atomics-layer mutants
 * (verify/mutants/BUILD.bazel): they recompile the runner against a mutated
 * cymade/atomic.h and nothing else, so the engine's tests are left out, and
 * kinds_atomics.txt (kinds.txt without the engine's lines, made by
 * verify/litmus/BUILD.bazel) judges the rest.
 */
#include "tests.h"

const litmus_table litmus_suite_tables[] = {
    {litmus_shape_tests, &litmus_shape_test_count},
    {litmus_rmw_tests, &litmus_rmw_test_count},
};

const size_t litmus_suite_table_count = sizeof litmus_suite_tables / sizeof litmus_suite_tables[0];

const char litmus_suite_kinds[] = "verify/litmus/kinds_atomics.txt";
