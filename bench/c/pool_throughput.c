/*
 * pool_throughput - submits N no-op jobs to a pool and prints jobs/s for
 * the engine's rings and each baseline strategy (core/baselines/), side by
 * side in one run (median of the repeats).
 *
 *   pool_throughput [jobs=10000000] [workers=2] [repeats=3]
 *
 * The clock runs from the first submit until shutdown(wait) returns, so it
 * counts both submitting and running every job.
 */
#define _GNU_SOURCE /* clock_gettime under -std=c11 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "baseline_strategies.h"
#include "cymade/internal/monotonic_clock.h"
#include "cymade/pool.h"

static int no_op(void *arg, void **result) {
    (void)arg;
    (void)result;
    return 0;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Jobs per second for one run, or a negative value on error. */
static double run_once(const queue_strategy *strategy, size_t workers, long jobs) {
    cymade_pool_options options;
    cymade_pool_options_init(&options, workers);
    cymade_pool *pool;
    if (pool_create_with_strategy(&pool, &options, strategy) != CYMADE_OK) {
        return -1;
    }
    uint64_t start_ns = monotonic_clock_ns();
    for (long i = 0; i < jobs; i++) {
        if (cymade_pool_submit(pool, no_op, NULL, NULL) != CYMADE_OK) {
            cymade_pool_destroy(pool);
            return -1;
        }
    }
    cymade_pool_shutdown(pool, true, false);
    double elapsed = (double)(monotonic_clock_ns() - start_ns) * 1e-9;
    cymade_pool_stats stats;
    cymade_pool_get_stats(pool, &stats, NULL);
    cymade_pool_destroy(pool);
    return stats.completed == (uint64_t)jobs ? (double)jobs / elapsed : -1;
}

int main(int argc, char **argv) {
    long jobs = argc > 1 ? atol(argv[1]) : 10000000;
    size_t workers = argc > 2 ? (size_t)atol(argv[2]) : 2;
    int repeats = argc > 3 ? atoi(argv[3]) : 3;
    if (jobs < 1 || workers < 1 || repeats < 1 || repeats > 99) {
        fprintf(stderr, "usage: %s [jobs>=1] [workers>=1] [repeats 1..99]\n", argv[0]);
        return 2;
    }
    const struct {
        const char *name;
        const queue_strategy *strategy;
    } strategies[] = {
        {"rings", &ring_queue_strategy},
        {"mutex", &mutex_queue_strategy},
        {"wfcqueue", &wfcq_queue_strategy},
    };
    enum { STRATEGY_COUNT = sizeof strategies / sizeof strategies[0] };
    double median[STRATEGY_COUNT];
    printf("| strategy | workers | jobs | jobs/s (median of %d) | min | max |\n|---|---|---|---|---|---|\n", repeats);
    for (int s = 0; s < STRATEGY_COUNT; s++) {
        double rates[99];
        for (int r = 0; r < repeats; r++) {
            rates[r] = run_once(strategies[s].strategy, workers, jobs);
            if (rates[r] < 0) {
                fprintf(stderr, "%s: a run failed or lost jobs\n", strategies[s].name);
                return 1;
            }
        }
        qsort(rates, (size_t)repeats, sizeof rates[0], compare_doubles);
        median[s] = rates[repeats / 2];
        printf("| %s | %zu | %ld | %.3g | %.3g | %.3g |\n", strategies[s].name, workers, jobs, median[s], rates[0],
               rates[repeats - 1]);
    }
    printf("\nrings / mutex = %.2fx, rings / wfcqueue = %.2fx\n", median[0] / median[1], median[0] / median[2]);
    return 0;
}
