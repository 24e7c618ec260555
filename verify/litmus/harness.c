/*
 * verify/litmus/harness.c - runs litmus tests; see harness.h.
 *
 * The harness's own synchronisation (barriers, lockstep counters) uses
 * <stdatomic.h> directly, not cymade/atomic.h: the mutant builds recompile
 * this file against a deliberately broken atomic.h, and a broken layer must
 * make the tests fail, not hang or confuse the machinery that runs them.
 */
#define _GNU_SOURCE /* sched_getaffinity, pthread_setaffinity_np, CPU_* */

#include "harness.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define LITMUS_CPU_RELAX() _mm_pause()
#else
#define LITMUS_CPU_RELAX() ((void)0)
#endif

/* Records per batch (litmus7 "-s"): big enough that the batch barrier is
 * amortised, small enough (~2.6 MB) that a batch is allocated fresh. */
enum { LITMUS_BATCH_RECORDS = 5000 };

/* A waiting thread spins this many polls before it yields its CPU: the
 * machine may be shared with other work, and a thread pinned next to the one
 * it waits for (more test threads than CPUs) must let that one run. */
enum { LITMUS_SPINS_BEFORE_YIELD = 256 };

/* Lockstep is only a timing aid, never needed for correctness.  A thread that
 * has yielded this often for one record and still misses a peer (descheduled
 * by another process, or sharing its CPU with a busy one) stops waiting for
 * the rest of the batch, so a loaded machine costs a few time slices per batch,
 * not per record. */
enum { LITMUS_LOCKSTEP_YIELDS = 8 };

long litmus_iterations(void) {
    const char *text = getenv("CYMADE_LITMUS_ITERATIONS");
    if (text == NULL || *text == '\0') {
        return LITMUS_DEFAULT_ITERATIONS;
    }
    char *end = NULL;
    errno = 0;
    long iterations = strtol(text, &end, 10);
    if (errno != 0 || *end != '\0' || iterations <= 0) {
        fprintf(stderr, "litmus: ignoring invalid CYMADE_LITMUS_ITERATIONS=\"%s\"\n", text);
        return LITMUS_DEFAULT_ITERATIONS;
    }
    return iterations;
}

/* The CPUs this process may use, in increasing order; thread i of a test is
 * pinned to allowed_cpus[i % count]. */
static int allowed_cpus(int *cpus, int capacity) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) {
        return 0;
    }
    int count = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE && count < capacity; ++cpu) {
        if (CPU_ISSET(cpu, &set)) {
            cpus[count++] = cpu;
        }
    }
    return count;
}

int litmus_cpu_count(void) {
    int cpus[CPU_SETSIZE];
    int count = allowed_cpus(cpus, CPU_SETSIZE);
    return count > 0 ? count : 1;
}

const char *litmus_verdict_name(litmus_verdict verdict) {
    switch (verdict) {
    case LITMUS_NEVER: return "Never";
    case LITMUS_SOMETIMES: return "Sometimes";
    case LITMUS_ALLOWED: return "Allowed";
    }
    return "?";
}

/* One poll of a wait loop: pause while the wait is young, then yield. */
static void wait_politely(unsigned polls) {
    if (polls < LITMUS_SPINS_BEFORE_YIELD) {
        LITMUS_CPU_RELAX();
    } else {
        sched_yield();
    }
}

/* Sense-reversing spin barrier: the last thread to arrive resets the count
 * and flips the sense; the others spin on the sense.  Release/acquire make
 * everything before the barrier (batch set-up, the iterations) visible to
 * everything after it (the iterations, witness counting). */
typedef struct spin_barrier {
    alignas(LITMUS_CACHE_LINE) atomic_int arrived;
    alignas(LITMUS_CACHE_LINE) atomic_bool sense;
    int participants;
} spin_barrier;

static void spin_barrier_wait(spin_barrier *barrier, bool *local_sense) {
    *local_sense = !*local_sense;
    if (atomic_fetch_add_explicit(&barrier->arrived, 1, memory_order_acq_rel) == barrier->participants - 1) {
        atomic_store_explicit(&barrier->arrived, 0, memory_order_relaxed);
        atomic_store_explicit(&barrier->sense, *local_sense, memory_order_release);
        return;
    }
    for (unsigned polls = 0; atomic_load_explicit(&barrier->sense, memory_order_acquire) != *local_sense; ++polls) {
        wait_politely(polls); /* wrapping after 2**32 polls only spins again */
    }
}

/* Per-thread progress through the current batch, one line each. */
typedef struct progress_counter {
    alignas(LITMUS_CACHE_LINE) atomic_long next_record;
} progress_counter;

typedef struct run_state {
    const litmus_test *test;
    long iterations;
    int cpus[LITMUS_MAX_THREADS];
    spin_barrier barrier;
    progress_counter progress[LITMUS_MAX_THREADS];
    /* Written by thread 0 between barriers, read by all after them. */
    litmus_record *batch;
    long witnesses;
    bool out_of_memory;
} run_state;

typedef struct thread_arg {
    run_state *state;
    int index;
} thread_arg;

/* Lockstep inside a batch (litmus7's "user" synchronisation mode, made
 * cheaper): before record i, a thread announces it has reached i and waits
 * until every thread has.  The threads then enter each record within a few
 * cache-line transfers of each other, which is what lets the short windows
 * of the weak behaviours (a store still in the store buffer) overlap.
 * Relaxed: the counters only steer timing; the batch barriers do all the
 * ordering, so lockstep adds no happens-before edge (or fence, on weaker
 * hardware) that could hide a weak outcome.
 * Returns false if a peer ran out of the thread's patience. */
static bool wait_for_peers(run_state *state, int self, long record) {
    atomic_store_explicit(&state->progress[self].next_record, record, memory_order_relaxed);
    for (int peer = 0; peer < state->test->thread_count; ++peer) {
        for (unsigned polls = 0;
             atomic_load_explicit(&state->progress[peer].next_record, memory_order_relaxed) < record; ++polls) {
            if (polls == LITMUS_SPINS_BEFORE_YIELD + LITMUS_LOCKSTEP_YIELDS) {
                return false;
            }
            wait_politely(polls);
        }
    }
    return true;
}

/* Thread 0 allocates every batch fresh, so no iteration sees a location an
 * earlier one touched, and lets the test initialise it. */
static litmus_record *prepare_batch(const litmus_test *test, long count) {
    litmus_record *batch = aligned_alloc(LITMUS_CACHE_LINE, (size_t)count * sizeof *batch);
    if (batch == NULL) {
        return NULL;
    }
    memset(batch, 0, (size_t)count * sizeof *batch);
    for (long i = 0; i < count; ++i) {
        test->init(&batch[i]);
    }
    return batch;
}

static void release_object(litmus_object *object) {
    if (object->release != NULL) {
        object->release(object->pointer);
    }
}

static void pin_to_cpu(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    /* Best effort: an unpinned thread only makes weak outcomes rarer. */
    (void)pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static void *litmus_thread_main(void *raw) {
    const thread_arg *arg = raw;
    run_state *state = arg->state;
    const litmus_test *test = state->test;
    const int self = arg->index;
    const litmus_thread_fn body = test->thread[self];
    bool local_sense = false;

    pin_to_cpu(state->cpus[self]);
    for (long done = 0; done < state->iterations; done += LITMUS_BATCH_RECORDS) {
        long count = state->iterations - done;
        if (count > LITMUS_BATCH_RECORDS) {
            count = LITMUS_BATCH_RECORDS;
        }
        if (self == 0) {
            state->batch = prepare_batch(test, count);
            state->out_of_memory = state->batch == NULL;
            for (int t = 0; t < test->thread_count; ++t) {
                atomic_store_explicit(&state->progress[t].next_record, -1, memory_order_relaxed);
            }
        }
        spin_barrier_wait(&state->barrier, &local_sense);
        if (state->out_of_memory) {
            break;
        }
        litmus_record *batch = state->batch;
        bool lockstep = true;
        for (long i = 0; i < count; ++i) {
            if (lockstep && !wait_for_peers(state, self, i)) {
                /* Out of patience: run the rest of the batch freely, and tell
                 * the peers not to wait for this thread either. */
                lockstep = false;
                atomic_store_explicit(&state->progress[self].next_record, LONG_MAX, memory_order_relaxed);
            }
            body(&batch[i]);
        }
        spin_barrier_wait(&state->barrier, &local_sense);
        if (self == 0) {
            for (long i = 0; i < count; ++i) {
                state->witnesses += test->witness(&batch[i]) ? 1 : 0;
                release_object(&batch[i].object);
            }
            free(batch);
        }
    }
    return NULL;
}

bool litmus_run(const litmus_test *test, long iterations, litmus_result *result) {
    int cpus[CPU_SETSIZE];
    int cpu_count = allowed_cpus(cpus, CPU_SETSIZE);
    if (cpu_count <= 0) {
        cpus[0] = 0;
        cpu_count = 1;
    }
    *result = (litmus_result){.iterations = iterations, .witnesses = 0, .skipped = false};
    if (test->min_cpus > cpu_count) {
        result->skipped = true;
        return true;
    }

    static run_state state; /* large and aligned; one run at a time */
    memset(&state, 0, sizeof state);
    state.test = test;
    state.iterations = iterations;
    state.barrier.participants = test->thread_count;
    atomic_init(&state.barrier.arrived, 0);
    atomic_init(&state.barrier.sense, false);
    for (int t = 0; t < test->thread_count; ++t) {
        state.cpus[t] = cpus[t % cpu_count];
        atomic_init(&state.progress[t].next_record, -1);
    }

    pthread_t threads[LITMUS_MAX_THREADS];
    thread_arg args[LITMUS_MAX_THREADS];
    int started = 0;
    for (; started < test->thread_count; ++started) {
        args[started] = (thread_arg){.state = &state, .index = started};
        int error = pthread_create(&threads[started], NULL, litmus_thread_main, &args[started]);
        if (error != 0) {
            fprintf(stderr, "litmus: %s: pthread_create: %s\n", test->name, strerror(error));
            break;
        }
    }
    if (started < test->thread_count) {
        /* The started threads wait at the first barrier for ever: this is
         * not recoverable, and the runner exits on a false return. */
        return false;
    }
    for (int t = 0; t < test->thread_count; ++t) {
        pthread_join(threads[t], NULL);
    }
    if (state.out_of_memory) {
        fprintf(stderr, "litmus: %s: out of memory for a batch\n", test->name);
        return false;
    }
    result->witnesses = state.witnesses;
    return true;
}
