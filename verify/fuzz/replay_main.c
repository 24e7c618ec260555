/*
 * replay_main - runs pool_fuzzer.c without libFuzzer, so that its checks
 * also run in the builds libFuzzer cannot join: under ThreadSanitizer and
 * against the checked engine (core/engine_config.bzl), and in every
 * --config.
 *
 * It replays every input file named on the command line (the seed corpus),
 * then, until CYMADE_FUZZ_SECONDS (default 3) have passed, runs mutations
 * of them: a few random byte overwrites, insertions or truncations per
 * input, from a generator seeded by CYMADE_FUZZ_SEED (default 1, printed).
 * A violation aborts inside the harness, naming what broke; the inputs
 * derive from the seed alone, so running again with the printed seed
 * replays them (thread timing aside).
 *
 * An input that runs longer than CYMADE_FUZZ_INPUT_SECONDS (default 30; a
 * normal one takes milliseconds) has hung: a lost job or wake-up, since
 * the harness may wait forever on a job.  A watchdog thread then prints it
 * in hex once (`xxd -r -p` turns that into a file to replay); the suite's
 * timeout (verify/run_suite.sh) later records every thread's stack.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "monotonic_clock.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_INPUT = 512, MAX_SEEDS = 64 };

typedef struct seed_input {
    uint8_t bytes[MAX_INPUT];
    size_t size;
} seed_input;

static seed_input seeds[MAX_SEEDS];
static size_t seed_count;

/* xorshift64*: one stream, this program is single-threaded. */
static uint64_t rng_state;

static uint64_t rng_next(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * UINT64_C(2685821657736338717);
}

static const seed_input *load_seed(const char *path) {
    FILE *file = fopen(path, "rb");
    if (file == NULL || seed_count == MAX_SEEDS) {
        fprintf(stderr, "pool_fuzz_replay: cannot load %s (at most %d seeds)\n", path, MAX_SEEDS);
        exit(2);
    }
    seed_input *seed = &seeds[seed_count++];
    seed->size = fread(seed->bytes, 1, MAX_INPUT, file);
    fclose(file);
    return seed;
}

/* The input under way, for the watchdog; guarded by running_lock. */
static pthread_mutex_t running_lock = PTHREAD_MUTEX_INITIALIZER;
static seed_input running_input;
static uint64_t running_since_ns;
static unsigned long running_number;
static bool running_reported;
/* Set before the watchdog starts. */
static double input_limit_seconds;

static void run_input(const uint8_t *bytes, size_t size, unsigned long number) {
    pthread_mutex_lock(&running_lock);
    memcpy(running_input.bytes, bytes, size);
    running_input.size = size;
    running_since_ns = monotonic_clock_ns();
    running_number = number;
    running_reported = false;
    pthread_mutex_unlock(&running_lock);
    LLVMFuzzerTestOneInput(bytes, size);
}

static void report_hung_input(void) {
    fprintf(stderr, "pool_fuzz_replay: input %lu still running after %.0f s (a lost job or wake-up); its bytes:\n",
            running_number, input_limit_seconds);
    for (size_t i = 0; i < running_input.size; i++) {
        fprintf(stderr, "%02x", running_input.bytes[i]);
    }
    fprintf(stderr, "\n");
}

static void *watch_inputs(void *unused) {
    (void)unused;
    for (;;) {
        sleep(1);
        pthread_mutex_lock(&running_lock);
        if (!running_reported && (double)(monotonic_clock_ns() - running_since_ns) / 1e9 > input_limit_seconds) {
            report_hung_input();
            running_reported = true;
        }
        pthread_mutex_unlock(&running_lock);
    }
    return NULL;
}

static size_t mutate(uint8_t *bytes, size_t size) {
    unsigned edits = 1 + (unsigned)(rng_next() % 4);
    for (unsigned edit = 0; edit < edits; edit++) {
        uint64_t choice = rng_next();
        size_t at = size == 0 ? 0 : (size_t)(rng_next() % size);
        switch (choice % 3) {
        case 0: /* overwrite */
            if (size > 0) {
                bytes[at] = (uint8_t)rng_next();
            }
            break;
        case 1: /* insert */
            if (size < MAX_INPUT) {
                memmove(bytes + at + 1, bytes + at, size - at);
                bytes[at] = (uint8_t)rng_next();
                size++;
            }
            break;
        default: /* truncate */ size = at; break;
        }
    }
    return size;
}

int main(int argc, char **argv) {
    LLVMFuzzerInitialize(&argc, &argv);
    const char *seconds_text = getenv("CYMADE_FUZZ_SECONDS");
    const char *seed_text = getenv("CYMADE_FUZZ_SEED");
    double seconds = seconds_text != NULL ? atof(seconds_text) : 3.0;
    rng_state = seed_text != NULL ? strtoull(seed_text, NULL, 0) : 1;
    if (rng_state == 0) {
        rng_state = 1; /* xorshift's one fixed point */
    }
    printf("pool_fuzz_replay: %d seed inputs, %.1f s of mutations, seed %llu\n", argc - 1, seconds,
           (unsigned long long)rng_state);
    fflush(stdout);

    const char *limit_text = getenv("CYMADE_FUZZ_INPUT_SECONDS");
    input_limit_seconds = limit_text != NULL ? atof(limit_text) : 30.0;
    pthread_t watchdog;
    if (pthread_create(&watchdog, NULL, watch_inputs, NULL) != 0) {
        fprintf(stderr, "pool_fuzz_replay: cannot start the watchdog thread\n");
        return 2;
    }

    unsigned long runs = 0;
    for (int i = 1; i < argc; i++) {
        const seed_input *seed = load_seed(argv[i]);
        run_input(seed->bytes, seed->size, runs++);
    }
    uint64_t start_ns = monotonic_clock_ns();
    uint8_t scratch[MAX_INPUT];
    while (seed_count > 0 && (double)(monotonic_clock_ns() - start_ns) / 1e9 < seconds) {
        const seed_input *seed = &seeds[rng_next() % seed_count];
        memcpy(scratch, seed->bytes, seed->size);
        run_input(scratch, mutate(scratch, seed->size), runs++);
    }
    printf("pool_fuzz_replay: %lu passed, 0 failed\n", runs);
    return 0;
}
