/* orders_suite - every (operation, memory order) pair of cymade/atomic.h as a
 * message-passing test (orders.h), built with ThreadSanitizer.
 *
 *   orders_suite          runs every case; prints a line per failure and
 *                         `orders: N passed, N failed`.  TSan prints its own
 *                         report for a missing happens-before and makes the
 *                         exit status non-zero.  The report names the case
 *                         (its threads carry the case's name); races with the
 *                         same stacks are reported once, so a broken operation
 *                         shows its first case only, unless
 *                         TSAN_OPTIONS=suppress_equal_stacks=0.
 *   orders_suite --list   prints every case's name, one a line (the coverage
 *                         check compares them with the header's pairs).
 */
#include "orders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run_all(const orders_case *cases, size_t case_count) {
    /* Every run of every case gets its own channel, kept to the end, so no
     * two runs share a payload address (TSan reports each racy address once). */
    orders_channel *channels = calloc(case_count * ORDERS_CHANNELS_PER_CASE, sizeof *channels);
    if (channels == NULL) {
        fprintf(stderr, "orders: out of memory\n");
        return 2;
    }
    size_t passed = 0;
    for (size_t i = 0; i < case_count; i++) {
        passed += orders_run_case(&cases[i], &channels[i * ORDERS_CHANNELS_PER_CASE]);
    }
    free(channels);
    printf("orders: %zu passed, %zu failed\n", passed, case_count - passed);
    return passed == case_count ? 0 : 1;
}

int main(int argc, char **argv) {
    bool list = argc == 2 && strcmp(argv[1], "--list") == 0;
    if (argc > 1 && !list) {
        fprintf(stderr, "usage: %s [--list]\n", argv[0]);
        return 2;
    }
    size_t case_count = orders_build_cases(NULL);
    orders_case *cases = calloc(case_count, sizeof *cases);
    if (cases == NULL) {
        fprintf(stderr, "orders: out of memory\n");
        return 2;
    }
    orders_build_cases(cases);
    int status = 0;
    if (list) {
        for (size_t i = 0; i < case_count; i++) {
            puts(cases[i].name);
        }
    } else {
        status = run_all(cases, case_count);
    }
    free(cases);
    return status;
}
