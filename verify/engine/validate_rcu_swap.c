/*
 * validate_rcu_swap - a ring-pointer swap against readers, under the real
 * liburcu (core/src/rcu.c's default backend), the way ring_queue.c uses it.
 *
 * Thread 0 keeps replacing the published object (as grow() replaces a
 * worker's current ring) and hands the old one to cymade_rcu_defer_free,
 * whose reclaim poisons it and keeps it in a graveyard until the end (a real
 * free could make a broken reader crash instead of report).  The other threads read the
 * object inside a read-side section, twice with a yield in between.  A
 * reader that ever sees the poison, or the object change under it, read
 * memory reclaimed before its section ended: RCU's guarantee was broken.
 *
 * Now and then (every LINGER_INTERVAL_SECONDS) a reader lingers in its
 * section instead, until its object is poisoned or LINGER_SECONDS passed.
 * Correct RCU never reclaims the object meanwhile; a read side that does
 * not hold back grace periods is then seen for certain, not only when a
 * yield happens to span a reclaim.  The writer also lets at most
 * RECLAIM_BACKLOG_MAX retired objects wait for reclaim: liburcu's reclaim
 * thread works in batches about 10 ms apart, and a writer that runs far
 * ahead of it leaves every reclaim behind the objects readers still hold,
 * where a broken read side can go unseen for a whole run.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "cymade/atomic.h"
#include "rcu.h"
#include "verify/stress/stress.h"

#define LIVE UINT64_C(0x11fe11fe11fe11fe)
#define POISON UINT64_C(0xdeaddeaddeaddead)
#define LINGER_SECONDS 0.05
#define LINGER_INTERVAL_SECONDS 0.25
#define RECLAIM_BACKLOG_MAX 1000

typedef struct published {
    cymade_rcu_head rcu;
    struct published *next_dead;
    volatile uint64_t magic; /* volatile: the reader's two loads must both happen */
    uint64_t generation;
} published;

typedef struct shared_state {
    cymade_atomic_ptr current;
    cymade_atomic_u64 stop;
    stress_deadline deadline;
    uint64_t swaps;
} shared_state;

static pthread_mutex_t graveyard_lock = PTHREAD_MUTEX_INITIALIZER;
static published *graveyard;
/* Objects poisoned so far.  relaxed, as every access: a progress count that
 * orders nothing. */
static cymade_atomic_u64 reclaimed;

static void poison(cymade_rcu_head *head) {
    published *old = (published *)((char *)head - offsetof(published, rcu));
    old->magic = POISON;
    cymade_atomic_u64_fetch_add(&reclaimed, 1, memory_order_relaxed);
    pthread_mutex_lock(&graveyard_lock);
    old->next_dead = graveyard;
    graveyard = old;
    pthread_mutex_unlock(&graveyard_lock);
}

static published *make_published(uint64_t generation) {
    published *object = malloc(sizeof *object);
    object->magic = LIVE;
    object->generation = generation;
    return object;
}

static void writer(stress_thread *t, shared_state *state) {
    uint64_t generation = 1;
    while (!stress_deadline_passed(&state->deadline)) {
        while (generation - 1 - cymade_atomic_u64_load(&reclaimed, memory_order_relaxed) > RECLAIM_BACKLOG_MAX &&
               !stress_deadline_passed(&state->deadline)) {
            sched_yield(); /* let reclaim catch up */
        }
        /* acq_rel: release publishes the new object; acquire orders our
         * retirement of the old one after its initialisation. */
        published *old =
            cymade_atomic_ptr_exchange(&state->current, make_published(++generation), memory_order_acq_rel);
        cymade_rcu_defer_free(&old->rcu, poison);
        stress_maybe_yield(&t->rng);
    }
    state->swaps = generation - 1;
    /* release: readers stop after seeing it; nothing else is published. */
    cymade_atomic_u64_store(&state->stop, 1, memory_order_release);
}

static void linger(const published *object) {
    stress_deadline end = stress_deadline_after(LINGER_SECONDS);
    while (object->magic == LIVE && !stress_deadline_passed(&end)) {
        sched_yield();
    }
}

static void reader(stress_thread *t, shared_state *state) {
    stress_deadline next_linger = stress_deadline_after(LINGER_INTERVAL_SECONDS);
    while (!cymade_atomic_u64_load(&state->stop, memory_order_acquire)) {
        cymade_rcu_read_lock();
        /* acquire: as rcu_dereference; pairs with the writer's exchange. */
        published *object = cymade_atomic_ptr_load(&state->current, memory_order_acquire);
        uint64_t first = object->magic;
        uint64_t generation = object->generation;
        if (stress_deadline_passed(&next_linger)) {
            linger(object);
            next_linger = stress_deadline_after(LINGER_INTERVAL_SECONDS);
        } else if (stress_rng_below(&t->rng, 4) == 0) {
            sched_yield(); /* stretch the section across the writer's swaps */
        }
        uint64_t second = object->magic;
        STRESS_CHECK(&t->tally, first == LIVE && second == LIVE && object->generation == generation);
        cymade_rcu_read_unlock();
    }
}

static void body(stress_thread *t) {
    shared_state *state = t->shared;
    if (t->index == 0) {
        writer(t, state);
    } else {
        reader(t, state);
    }
}

static void run_validate_rcu_swap(const stress_options *options) {
    shared_state state;
    cymade_rcu_init();
    cymade_atomic_ptr_init(&state.current, make_published(1));
    cymade_atomic_u64_init(&state.stop, 0);
    cymade_atomic_u64_init(&reclaimed, 0);
    state.deadline = stress_deadline_after(options->seconds);
    stress_run_threads(4, options->seed, body, &state);
    cymade_rcu_barrier();
    STRESS_CHECK(&stress_main_tally, state.swaps > 1000);
    free(cymade_atomic_ptr_load(&state.current, memory_order_relaxed));
    while (graveyard != NULL) {
        published *next = graveyard->next_dead;
        free(graveyard);
        graveyard = next;
    }
    printf("validate_rcu_swap: %llu swaps\n", (unsigned long long)state.swaps);
}

int main(void) {
    return stress_main("validate_rcu_swap", run_validate_rcu_swap);
}
