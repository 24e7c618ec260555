/*
 * verify/litmus/suite_all.c - litmus_runner's suite: the atomics layer's
 * tests and the engine's, judged by verify/litmus/kinds.txt.
 */
#include "tests.h"

const litmus_table litmus_suite_tables[] = {
    {litmus_shape_tests, &litmus_shape_test_count},
    {litmus_rmw_tests, &litmus_rmw_test_count},
    {litmus_engine_tests, &litmus_engine_test_count},
};

const size_t litmus_suite_table_count = sizeof litmus_suite_tables / sizeof litmus_suite_tables[0];

const char litmus_suite_kinds[] = "verify/litmus/kinds.txt";
