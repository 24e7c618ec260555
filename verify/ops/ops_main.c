/* ops_test - every operation of cymade/atomic.h x every valid memory order x
 * its edge cases, single-threaded: these tests pin down *what* each operation
 * computes; the litmus and stress suites cover how it orders. */
#include "check.h"

int main(void) {
    ops_test_u64();
    ops_test_i64();
    ops_test_f64();
    ops_test_ptr();
    ops_test_fences();
    return ops_report();
}
