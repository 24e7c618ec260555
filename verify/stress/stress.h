/*
 * stress.h - shared scaffolding for the stress tests of verify/ (verify/README.md).
 *
 * Each stress binary runs a few phases, each on 2, 4 and 8 threads (more
 * threads than the machine's cores is intended: oversubscription plus random
 * yields produce preemptions at many different points).  Everything random
 * derives from one seed, printed at start, so a failing run can be repeated.
 *
 * Environment:
 *   CYMADE_STRESS_SECONDS  total wall time of one binary (default 2)
 *   CYMADE_STRESS_SEED     seed of every per-thread generator (default fixed)
 *
 * Sandbox note: TSan (GCC 12, libtsan.so.2) runs as is on this machine's
 * kernel (vm.mmap_rnd_bits = 28).  Kernels with more ASLR entropy make older
 * TSan runtimes abort with "unexpected memory mapping"; the fix there is to
 * run the binary under `setarch $(uname -m) -R` (ASLR off for that process)
 * or to lower vm.mmap_rnd_bits to 28.
 */
#ifndef CYMADE_VERIFY_STRESS_H
#define CYMADE_VERIFY_STRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

enum { STRESS_MAX_THREADS = 8 };

/* The thread counts every phase is swept over. */
extern const unsigned STRESS_THREAD_COUNTS[];
extern const unsigned STRESS_THREAD_COUNT_STEPS;

typedef struct stress_options {
    double seconds;
    uint64_t seed;
} stress_options;

/* A stress binary's whole main: reads the options from the environment
 * (printing them under `test_name`), runs `test` under the watchdog (see
 * below), and prints `stress_<test_name>: N passed, N failed`.  Returns the
 * exit status: 0 only if every check passed. */
int stress_main(const char *test_name, void (*test)(const stress_options *options));

/* xorshift64*: fast, and each thread gets its own stream so no generator
 * state is shared between threads. */
typedef struct stress_rng {
    uint64_t state;
} stress_rng;

void stress_rng_seed(stress_rng *rng, uint64_t seed, uint64_t stream);
uint64_t stress_rng_next(stress_rng *rng);
/* Uniform enough in [0, bound) for choosing operations and operands. */
uint64_t stress_rng_below(stress_rng *rng, uint64_t bound);

/* Yields the CPU with a small probability, so threads get preempted between
 * operations that would otherwise run back to back in one time slice. */
void stress_maybe_yield(stress_rng *rng);

typedef struct stress_deadline {
    uint64_t end_ns; /* on the monotonic clock (core/src/monotonic_clock.h) */
} stress_deadline;

stress_deadline stress_deadline_after(double seconds);
bool stress_deadline_passed(const stress_deadline *deadline);

/* Pass/fail counts.  A worker thread owns its own tally (plain fields, no
 * synchronisation that could hide a race from TSan); stress_run_threads adds
 * them to the main one after joining. */
typedef struct stress_tally {
    uint64_t passed;
    uint64_t failed;
} stress_tally;

#define STRESS_CHECK(tally, cond) stress_check((tally), (cond), #cond, __FILE__, __LINE__)

void stress_check(stress_tally *tally, bool ok, const char *expression, const char *file, int line);

/* The tally of checks made on the main thread, and the running total. */
extern stress_tally stress_main_tally;

typedef struct stress_thread {
    unsigned index;
    unsigned count;
    stress_rng rng;
    stress_tally tally;
    void *shared;
} stress_thread;

/* Runs body on thread_count threads (at most STRESS_MAX_THREADS), each with
 * its own generator stream, and joins them; pthread_join orders everything
 * the workers did before the caller's final checks. */
void stress_run_threads(unsigned thread_count, uint64_t seed, void (*body)(stress_thread *), void *shared);

/* Watchdog: turns a hang (a lost wake-up, a deadlock) into a quick, named
 * failure instead of a test timeout.  A thread that is about to wait for
 * something watches a slot, describing itself and what it waits for; whoever
 * makes that wait progress beats the slot (stress_progress); the waiter
 * unwatches the slot when its wait is over.  A slot watched without a beat
 * for the watchdog's limit fails the test: the watchdog prints
 *   FAIL watchdog: no progress for 1.5 s: waiter 3 (future of job 17 not done), ...
 *   stress_<name>: 1 failed (watchdog; hung threads are not joined)
 * and exits with status 1 (a hung thread cannot be joined).
 * A wait that legitimately lasts long must be beaten while it lasts.
 *
 * stress_main runs every test under the watchdog (one thread per process).
 * Roles and descriptions are string constants in which `#` stands for the
 * number passed with them.  Every access is a relaxed atomic: no lock is
 * taken, so the watchdog adds no happens-before edge between the threads it
 * watches and cannot hide a data race from TSan. */
enum { STRESS_WATCH_SLOTS = 64 };

/* The limit unless CYMADE_STRESS_WATCHDOG_SECONDS overrides it. */
#define STRESS_WATCHDOG_DEFAULT_SECONDS 1.5

/* Slot `slot` (< STRESS_WATCH_SLOTS) waits from now on: `role` names the
 * waiter ("waiter #" with role_number 3: "waiter 3"), `what` what it waits
 * for ("future of job # not done" with what_number 17).  Counts as a beat. */
void stress_watch(unsigned slot, const char *role, uint64_t role_number, const char *what, uint64_t what_number);

/* A beat: what slot `slot` waits for has moved.  Any thread may call it. */
void stress_progress(unsigned slot);

/* Slot `slot` waits no more. */
void stress_unwatch(unsigned slot);

#endif /* CYMADE_VERIFY_STRESS_H */
