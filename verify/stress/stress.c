#define _POSIX_C_SOURCE 200809L

#include "stress.h"

#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

/* Fixed so that runs are repeatable unless a seed is asked for. */
#define STRESS_DEFAULT_SEED UINT64_C(0x5EEDC0DE2024)
#define STRESS_DEFAULT_SECONDS 2.0
/* One operation in 16 yields: often enough to interleave, rare enough that
 * most operations still race against a running peer. */
#define STRESS_YIELD_ONE_IN 16
/* A broken operation fails millions of times; the first few say enough. */
#define STRESS_MAX_PRINTED_FAILURES 5

const unsigned STRESS_THREAD_COUNTS[] = {2, 4, 8};
const unsigned STRESS_THREAD_COUNT_STEPS = sizeof STRESS_THREAD_COUNTS / sizeof STRESS_THREAD_COUNTS[0];

stress_tally stress_main_tally;

stress_options stress_options_from_env(const char *test_name) {
    stress_options options = {.seconds = STRESS_DEFAULT_SECONDS, .seed = STRESS_DEFAULT_SEED};
    const char *seconds = getenv("CYMADE_STRESS_SECONDS");
    const char *seed = getenv("CYMADE_STRESS_SEED");
    if (seconds != NULL && *seconds != '\0') {
        options.seconds = strtod(seconds, NULL);
    }
    if (seed != NULL && *seed != '\0') {
        options.seed = strtoull(seed, NULL, 0);
    }
    printf("stress_%s: seed=%#" PRIx64 " seconds=%g (CYMADE_STRESS_SEED, CYMADE_STRESS_SECONDS)\n", test_name,
           options.seed, options.seconds);
    fflush(stdout);
    return options;
}

void stress_rng_seed(stress_rng *rng, uint64_t seed, uint64_t stream) {
    /* splitmix64 of (seed, stream): distinct, never-zero xorshift states. */
    uint64_t z = seed + (stream + 1) * UINT64_C(0x9E3779B97F4A7C15);
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    z ^= z >> 31;
    rng->state = z != 0 ? z : 1;
}

uint64_t stress_rng_next(stress_rng *rng) {
    uint64_t x = rng->state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng->state = x;
    return x * UINT64_C(0x2545F4914F6CDD1D);
}

uint64_t stress_rng_below(stress_rng *rng, uint64_t bound) {
    return stress_rng_next(rng) % bound;
}

void stress_maybe_yield(stress_rng *rng) {
    if (stress_rng_below(rng, STRESS_YIELD_ONE_IN) == 0) {
        sched_yield();
    }
}

stress_deadline stress_deadline_after(double seconds) {
    stress_deadline deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline.end);
    long long nanoseconds = deadline.end.tv_nsec + (long long)(seconds * 1e9);
    deadline.end.tv_sec += (time_t)(nanoseconds / 1000000000);
    deadline.end.tv_nsec = (long)(nanoseconds % 1000000000);
    return deadline;
}

bool stress_deadline_passed(const stress_deadline *deadline) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > deadline->end.tv_sec ||
           (now.tv_sec == deadline->end.tv_sec && now.tv_nsec >= deadline->end.tv_nsec);
}

void stress_check(stress_tally *tally, bool ok, const char *expression, const char *file, int line) {
    if (ok) {
        tally->passed++;
        return;
    }
    tally->failed++;
    if (tally->failed <= STRESS_MAX_PRINTED_FAILURES) {
        printf("FAIL %s:%d: %s\n", file, line, expression);
    }
}

typedef struct thread_start {
    void (*body)(stress_thread *);
    stress_thread thread;
} thread_start;

static void *run_body(void *argument) {
    thread_start *start = argument;
    start->body(&start->thread);
    return NULL;
}

void stress_run_threads(unsigned thread_count, uint64_t seed, void (*body)(stress_thread *), void *shared) {
    pthread_t handles[STRESS_MAX_THREADS];
    thread_start starts[STRESS_MAX_THREADS];
    if (thread_count > STRESS_MAX_THREADS) {
        thread_count = STRESS_MAX_THREADS;
    }
    for (unsigned i = 0; i < thread_count; i++) {
        starts[i] = (thread_start){
            .body = body,
            .thread = {.index = i, .count = thread_count, .shared = shared},
        };
        stress_rng_seed(&starts[i].thread.rng, seed, (uint64_t)thread_count * STRESS_MAX_THREADS + i);
        if (pthread_create(&handles[i], NULL, run_body, &starts[i]) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            exit(2);
        }
    }
    for (unsigned i = 0; i < thread_count; i++) {
        pthread_join(handles[i], NULL);
        stress_main_tally.passed += starts[i].thread.tally.passed;
        stress_main_tally.failed += starts[i].thread.tally.failed;
    }
}

int stress_report(const char *test_name) {
    printf("stress_%s: %" PRIu64 " passed, %" PRIu64 " failed\n", test_name, stress_main_tally.passed,
           stress_main_tally.failed);
    return stress_main_tally.failed == 0 ? 0 : 1;
}
