/*
 * verify/litmus/harness.h - a small litmus harness for the cymade atomics layer.
 *
 * The design follows litmus7 (the herdtools7 test runner, Alglave & Maranget):
 * a test is a handful of threads, each a short straight-line program over a few
 * shared locations; the harness runs it many times on fresh, zeroed locations
 * and counts how often a "weak" final state (the test's witness condition, the
 * `exists` clause of a herd7 test) is reached.  As in litmus7, the runs are
 * grouped in batches of records ("-s size"); the threads sweep one batch in
 * lockstep, and every location of every record sits on its own cache line and
 * is touched by that one iteration only.
 *
 * Test names use the Linux-kernel memory model convention (tools/memory-model
 * litmus-tests): SHAPE+annotations, e.g. "MP+rel+acq".
 */
#ifndef CYMADE_VERIFY_LITMUS_HARNESS_H
#define CYMADE_VERIFY_LITMUS_HARNESS_H

#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>

#include "cymade/atomic.h"

enum {
    LITMUS_CACHE_LINE = 64,
    LITMUS_MAX_THREADS = 4,
    /* Registers (observed values) per thread, like litmus7's r0..r3. */
    LITMUS_REGISTERS = 4,
};

/* At least this many iterations per test: enough for the store-buffering
 * positive control to show itself on every run (verify/README.md). */
#define LITMUS_DEFAULT_ITERATIONS 200000L

/* Expected verdict of a test, checked against the witness count. */
typedef enum litmus_verdict {
    LITMUS_NEVER,     /* forbidden by C11: the witness count must be 0 */
    LITMUS_SOMETIMES, /* allowed by C11 and observable on x86-TSO: must be seen */
    LITMUS_ALLOWED,   /* allowed by C11, the hardware may never show it: any count */
} litmus_verdict;

/* One shared location.  Each test picks the member of the type it tests. */
typedef struct litmus_cell {
    alignas(LITMUS_CACHE_LINE) union {
        cymade_atomic_u64 u64;
        cymade_atomic_i64 i64;
        cymade_atomic_f64 f64;
        cymade_atomic_ptr ptr;
    };
} litmus_cell;

/* One observed register; plain data, written by its own thread only. */
typedef union litmus_value {
    uint64_t u64;
    int64_t i64;
    double f64;
    void *ptr;
} litmus_value;

/* The registers of one thread, on their own line so that recording an
 * observation never disturbs the line of a shared location. */
typedef struct litmus_registers {
    alignas(LITMUS_CACHE_LINE) litmus_value r[LITMUS_REGISTERS];
} litmus_registers;

/* Non-atomic data published through an atomic flag or pointer. */
typedef struct litmus_payload {
    alignas(LITMUS_CACHE_LINE) uint64_t value;
} litmus_payload;

/* A structure of the code under test that does not fit in a cell (an engine
 * ring, say).  The test's init creates it and stores it here; once the
 * iteration has been judged, the harness calls release(pointer) if release is
 * set.  Read-only while the threads run, on its own line. */
typedef struct litmus_object {
    alignas(LITMUS_CACHE_LINE) void *pointer;
    void (*release)(void *pointer);
} litmus_object;

/* Everything one iteration touches; zeroed before the test's init runs. */
typedef struct litmus_record {
    litmus_cell x;
    litmus_cell y;
    litmus_registers thread[LITMUS_MAX_THREADS];
    litmus_payload payload;
    litmus_object object;
} litmus_record;

typedef void (*litmus_init_fn)(litmus_record *record);
typedef void (*litmus_thread_fn)(litmus_record *record);
/* Runs after every thread finished the iteration: true iff the weak outcome
 * the test looks for happened. */
typedef bool (*litmus_witness_fn)(const litmus_record *record);

typedef struct litmus_test {
    const char *name;
    litmus_verdict expected;
    int thread_count; /* 2 .. LITMUS_MAX_THREADS */
    /* Skip the test on fewer CPUs (0: always run, threads may share CPUs). */
    int min_cpus;
    litmus_init_fn init;
    litmus_thread_fn thread[LITMUS_MAX_THREADS];
    litmus_witness_fn witness;
} litmus_test;

typedef struct litmus_result {
    long iterations;
    long witnesses;
    bool skipped; /* fewer CPUs than test->min_cpus */
} litmus_result;

/* LITMUS_DEFAULT_ITERATIONS, or CYMADE_LITMUS_ITERATIONS when set (any
 * positive count, so a quick local run can ask for fewer). */
long litmus_iterations(void);

/* Number of CPUs this process may run on. */
int litmus_cpu_count(void);

/* Runs `test` for `iterations` iterations.  Returns false (with a message on
 * stderr) if the threads or the memory could not be set up. */
bool litmus_run(const litmus_test *test, long iterations, litmus_result *result);

const char *litmus_verdict_name(litmus_verdict verdict);

#endif /* CYMADE_VERIFY_LITMUS_HARNESS_H */
