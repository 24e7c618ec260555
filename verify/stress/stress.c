#define _POSIX_C_SOURCE 200809L

#include "stress.h"

#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cymade/atomic.h"
#include "cymade/internal/monotonic_clock.h"

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

static stress_options options_from_env(const char *test_name) {
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
    return (stress_deadline){.end_ns = monotonic_clock_ns() + (uint64_t)(seconds * 1e9)};
}

bool stress_deadline_passed(const stress_deadline *deadline) {
    return monotonic_clock_ns() >= deadline->end_ns;
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

/* ------------------------------------------------------------------------ */
/* Watchdog (see stress.h).                                                 */

/* How often the watchdog looks: a small fraction of any sensible limit. */
#define WATCHDOG_TICK_NS 20000000L

typedef struct watch_slot {
    cymade_atomic_u64 watching;
    cymade_atomic_u64 beats;
    cymade_atomic_ptr role; /* const char *, a string constant */
    cymade_atomic_u64 role_number;
    cymade_atomic_ptr what; /* const char *, a string constant */
    cymade_atomic_u64 what_number;
} watch_slot;

/* The watchdog thread's own record of a slot. */
typedef struct watch_view {
    uint64_t beats_seen;
    uint64_t quiet_since_ns;
} watch_view;

static watch_slot watch_slots[STRESS_WATCH_SLOTS];
static cymade_atomic_u64 watchdog_stopping;
static pthread_t watchdog_thread;
/* Written before the watchdog thread is created, read only by it. */
static const char *watchdog_test_name;
static uint64_t watchdog_limit_ns;

/* Prints `text` with its `#` replaced by `number`. */
static void print_numbered(const char *text, uint64_t number) {
    for (const char *c = text; *c != '\0'; c++) {
        if (*c == '#') {
            printf("%" PRIu64, number);
        } else {
            putchar(*c);
        }
    }
}

/* Fails the test if a watched slot has been quiet for the limit. */
static void check_slots(watch_view *views, uint64_t now) {
    unsigned stuck = 0;
    for (unsigned i = 0; i < STRESS_WATCH_SLOTS; i++) {
        watch_slot *slot = &watch_slots[i];
        /* relaxed (every access in the watchdog): it only needs to notice
         * changes, and must add no happens-before edge (see stress.h). */
        uint64_t beats = cymade_atomic_u64_load(&slot->beats, memory_order_relaxed);
        bool watching = cymade_atomic_u64_load(&slot->watching, memory_order_relaxed) != 0;
        if (!watching || beats != views[i].beats_seen) {
            views[i].beats_seen = beats;
            views[i].quiet_since_ns = now;
        } else if (now - views[i].quiet_since_ns >= watchdog_limit_ns) {
            printf(stuck == 0 ? "FAIL watchdog: no progress for %.1f s: " : ", ", (double)watchdog_limit_ns / 1e9);
            print_numbered(cymade_atomic_ptr_load(&slot->role, memory_order_relaxed),
                           cymade_atomic_u64_load(&slot->role_number, memory_order_relaxed));
            printf(" (");
            print_numbered(cymade_atomic_ptr_load(&slot->what, memory_order_relaxed),
                           cymade_atomic_u64_load(&slot->what_number, memory_order_relaxed));
            printf(")");
            stuck++;
        }
    }
    if (stuck > 0) {
        printf("\nstress_%s: 1 failed (watchdog; hung threads are not joined)\n", watchdog_test_name);
        fflush(stdout);
        _exit(1);
    }
}

static void *watchdog_main(void *argument) {
    (void)argument;
    watch_view views[STRESS_WATCH_SLOTS] = {{0}};
    uint64_t last_tick = monotonic_clock_ns();
    while (cymade_atomic_u64_load(&watchdog_stopping, memory_order_relaxed) == 0) {
        struct timespec tick = {.tv_sec = 0, .tv_nsec = WATCHDOG_TICK_NS};
        nanosleep(&tick, NULL);
        uint64_t now = monotonic_clock_ns();
        /* A tick far too late means this whole process was not scheduled
         * (a loaded machine): nobody could make progress, so start afresh. */
        if (now - last_tick > watchdog_limit_ns / 2) {
            for (unsigned i = 0; i < STRESS_WATCH_SLOTS; i++) {
                views[i].quiet_since_ns = now;
            }
        }
        last_tick = now;
        check_slots(views, now);
    }
    return NULL;
}

static void watchdog_start(const char *test_name, double seconds) {
    const char *limit = getenv("CYMADE_STRESS_WATCHDOG_SECONDS");
    if (limit != NULL && *limit != '\0') {
        seconds = strtod(limit, NULL);
    }
    watchdog_test_name = test_name;
    watchdog_limit_ns = (uint64_t)(seconds * 1e9);
    /* relaxed: the thread is created after this store (pthread_create orders it). */
    cymade_atomic_u64_store(&watchdog_stopping, 0, memory_order_relaxed);
    if (pthread_create(&watchdog_thread, NULL, watchdog_main, NULL) != 0) {
        fprintf(stderr, "pthread_create failed\n");
        exit(2);
    }
}

void stress_watch(unsigned slot, const char *role, uint64_t role_number, const char *what, uint64_t what_number) {
    watch_slot *watched = &watch_slots[slot];
    /* relaxed (every access by the watched threads): see stress.h; a report
     * reads a slot that has not changed for the whole limit. */
    cymade_atomic_ptr_store(&watched->role, (void *)role, memory_order_relaxed);
    cymade_atomic_u64_store(&watched->role_number, role_number, memory_order_relaxed);
    cymade_atomic_ptr_store(&watched->what, (void *)what, memory_order_relaxed);
    cymade_atomic_u64_store(&watched->what_number, what_number, memory_order_relaxed);
    cymade_atomic_u64_store(&watched->watching, 1, memory_order_relaxed);
    stress_progress(slot);
}

void stress_progress(unsigned slot) {
    /* relaxed: see stress_watch. */
    cymade_atomic_u64_fetch_add(&watch_slots[slot].beats, 1, memory_order_relaxed);
}

void stress_unwatch(unsigned slot) {
    /* relaxed: see stress_watch. */
    cymade_atomic_u64_store(&watch_slots[slot].watching, 0, memory_order_relaxed);
}

static void watchdog_stop(void) {
    /* relaxed: pthread_join below orders the watchdog's exit for us. */
    cymade_atomic_u64_store(&watchdog_stopping, 1, memory_order_relaxed);
    pthread_join(watchdog_thread, NULL);
}

/* ------------------------------------------------------------------------ */
/* The main of every stress binary (see stress.h).                          */

int stress_main(const char *test_name, void (*test)(const stress_options *options)) {
    stress_options options = options_from_env(test_name);
    watchdog_start(test_name, STRESS_WATCHDOG_DEFAULT_SECONDS);
    test(&options);
    watchdog_stop();
    printf("stress_%s: %" PRIu64 " passed, %" PRIu64 " failed\n", test_name, stress_main_tally.passed,
           stress_main_tally.failed);
    return stress_main_tally.failed == 0 ? 0 : 1;
}
