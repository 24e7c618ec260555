/*
 * monotonic_clock.h - the one clock of cymade: CLOCK_MONOTONIC in
 * nanoseconds, for deadlines, delays and measurements.  Header-only, so
 * that the engine, its tests, verify/ and the benchmarks share it without
 * linking the engine (//core:monotonic_clock).  clock_gettime is POSIX: a
 * C11 includer defines _GNU_SOURCE (or _POSIX_C_SOURCE) before its first
 * #include.
 */
#ifndef CYMADE_MONOTONIC_CLOCK_H
#define CYMADE_MONOTONIC_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t monotonic_clock_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

#endif /* CYMADE_MONOTONIC_CLOCK_H */
