/*
 * stress_ring_growth - the ring_queue strategy (core/src/ring_queue.c) under
 * TSan, with the rwlock RCU backend.
 *
 * Phase "growth": queues of 1 or 2 workers whose rings start at 2 cells, so
 * pushes keep replacing full rings by bigger ones while consumers pop (and
 * unlink drained rings for RCU reclamation) concurrently.  Fresh queues every
 * round keep the growth going.  Checks: exactly once, per-producer FIFO as
 * seen by each consumer (a producer always pushes to the same worker),
 * magic values, and grows > 0 (worker_counts).
 *
 * Phase "steal": one element, pushed to a random worker, and every consumer
 * popping it at once with a different worker index: exactly one gets it, and
 * `stolen` is set iff it came from another worker's ring.
 *
 * Phase "park": one consumer that parks (no deadline) whenever its pop finds
 * nothing, and one producer that pushes the next job exactly when the
 * consumer is between its empty pop and its park.  The park's re-check after
 * announcing itself is what keeps that job from being forgotten; the
 * watchdog (verify/stress/stress.h) fails with `lost wakeup` if the consumer
 * stays parked with a job queued.  The growth and steal rounds are watched
 * too: every pop is progress.
 *
 * The queue stores cymade_future pointers without dereferencing them, so the
 * items here are plain structs passed through that type.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "queue_strategy.h"
#include "rcu.h"
#include "verify/stress/stress.h"

#define MAX_SIDE 4
#define ITEMS_PER_ROUND 400
/* Watchdog slots (verify/stress/stress.h). */
#define PARK_SLOT 0
#define GROWTH_SLOT 1
#define STEAL_SLOT 2

static const queue_strategy *const strategy = &ring_queue_strategy;

typedef struct item {
    uint32_t producer;
    uint64_t sequence;
    uint64_t magic;
    size_t worker;
    cymade_atomic_u64 pops;
} item;

/* The item a pop took (carried in the job's argument), or NULL. */
static item *pop_item(job_queue *queue, size_t worker, bool *stolen) {
    queued_job job;
    return strategy->pop(queue, worker, &job, stolen) ? job.arg : NULL;
}

static uint64_t magic_of(uint32_t producer, uint64_t sequence) {
    return (UINT64_C(0x9E3779B97F4A7C15) * (sequence + 1)) ^ ((uint64_t)producer << 56) ^ UINT64_C(0xBADC0DE);
}

/* ------------------------------------------------------------------------ */
/* growth                                                                   */

typedef struct growth_round {
    job_queue *queue;
    size_t workers;
    unsigned producers;
    unsigned consumers;
    item items[MAX_SIDE][ITEMS_PER_ROUND];
    cymade_atomic_u64 producers_done;
    cymade_atomic_u64 pushed_total;
    cymade_atomic_u64 popped_total;
} growth_round;

static void growth_body(stress_thread *t) {
    growth_round *g = t->shared;
    if (t->index < g->producers) {
        unsigned p = t->index;
        size_t hint = p % g->workers;
        for (uint64_t n = 0; n < ITEMS_PER_ROUND; n++) {
            item *it = &g->items[p][n];
            it->producer = p;
            it->sequence = n;
            it->magic = magic_of(p, n);
            it->worker = hint;
            cymade_atomic_u64_init(&it->pops, 0);
            STRESS_CHECK(&t->tally, strategy->push(g->queue, hint, (queued_job){.arg = it}) == CYMADE_OK);
            cymade_atomic_u64_fetch_add(&g->pushed_total, 1, memory_order_release);
            stress_maybe_yield(&t->rng);
        }
        cymade_atomic_u64_fetch_add(&g->producers_done, 1, memory_order_acq_rel);
        return;
    }
    size_t worker = (t->index - g->producers) % g->workers;
    int64_t last[MAX_SIDE] = {-1, -1, -1, -1};
    for (;;) {
        bool stolen = false;
        item *it = pop_item(g->queue, worker, &stolen);
        if (it != NULL) {
            bool producer_ok = it->producer < g->producers;
            STRESS_CHECK(&t->tally, producer_ok);
            if (!producer_ok) {
                continue;
            }
            STRESS_CHECK(&t->tally, it->magic == magic_of(it->producer, it->sequence));
            STRESS_CHECK(&t->tally, cymade_atomic_u64_fetch_add(&it->pops, 1, memory_order_relaxed) == 0);
            bool fifo = (int64_t)it->sequence > last[it->producer];
            STRESS_CHECK(&t->tally, fifo);
            if (!fifo) {
                printf("  FIFO: consumer %u got producer %u seq %" PRIu64 " after seq %" PRId64 "\n", t->index,
                       it->producer, it->sequence, last[it->producer]);
            }
            last[it->producer] = (int64_t)it->sequence;
            STRESS_CHECK(&t->tally, stolen == (it->worker != worker));
            cymade_atomic_u64_fetch_add(&g->popped_total, 1, memory_order_relaxed);
            stress_progress(GROWTH_SLOT);
            stress_maybe_yield(&t->rng);
            continue;
        }
        if (cymade_atomic_u64_load(&g->producers_done, memory_order_acquire) == g->producers &&
            cymade_atomic_u64_load(&g->popped_total, memory_order_relaxed) ==
                cymade_atomic_u64_load(&g->pushed_total, memory_order_acquire)) {
            return;
        }
        sched_yield();
    }
}

static void run_growth(double seconds, uint64_t seed) {
    static const unsigned shapes[][3] = {{1, 1, 1}, {2, 2, 2}, {4, 4, 2}, {2, 2, 1}, {4, 1, 2}, {1, 4, 2}};
    const unsigned shape_count = sizeof shapes / sizeof shapes[0];
    uint64_t grows = 0, rounds = 0, items = 0;
    for (unsigned s = 0; s < shape_count; s++) {
        stress_deadline deadline = stress_deadline_after(seconds / shape_count);
        do {
            growth_round *g = calloc(1, sizeof *g);
            g->producers = shapes[s][0];
            g->consumers = shapes[s][1];
            g->workers = shapes[s][2];
            g->queue = strategy->create(g->workers, 2);
            stress_watch(GROWTH_SLOT, "growth round #", rounds, "pushed items not popped", 0);
            stress_run_threads(g->producers + g->consumers, seed + rounds, growth_body, g);
            stress_unwatch(GROWTH_SLOT);
            for (unsigned p = 0; p < g->producers; p++) {
                for (unsigned n = 0; n < ITEMS_PER_ROUND; n++) {
                    STRESS_CHECK(&stress_main_tally,
                                 cymade_atomic_u64_load(&g->items[p][n].pops, memory_order_relaxed) == 1);
                }
            }
            items += (uint64_t)g->producers * ITEMS_PER_ROUND;
            for (size_t w = 0; w < g->workers; w++) {
                uint64_t queued, worker_grows;
                strategy->worker_counts(g->queue, w, &queued, &worker_grows);
                STRESS_CHECK(&stress_main_tally, queued == 0);
                grows += worker_grows;
            }
            bool stolen;
            STRESS_CHECK(&stress_main_tally, pop_item(g->queue, 0, &stolen) == NULL);
            strategy->close(g->queue);
            STRESS_CHECK(&stress_main_tally, strategy->is_drained(g->queue));
            strategy->destroy(g->queue);
            free(g);
            rounds++;
        } while (!stress_deadline_passed(&deadline));
    }
    STRESS_CHECK(&stress_main_tally, grows > 0);
    printf("  growth: %" PRIu64 " rounds, %" PRIu64 " items, %" PRIu64 " ring grows\n", rounds, items, grows);
}

/* ------------------------------------------------------------------------ */
/* steal                                                                    */

typedef struct barrier {
    cymade_atomic_u64 arrived;
    cymade_atomic_u64 generation;
} barrier;

static void barrier_wait(barrier *b, unsigned count) {
    uint64_t generation = cymade_atomic_u64_load(&b->generation, memory_order_acquire);
    if (cymade_atomic_u64_fetch_add(&b->arrived, 1, memory_order_acq_rel) == count - 1) {
        cymade_atomic_u64_store(&b->arrived, 0, memory_order_relaxed);
        cymade_atomic_u64_fetch_add(&b->generation, 1, memory_order_acq_rel);
        return;
    }
    while (cymade_atomic_u64_load(&b->generation, memory_order_acquire) == generation) {
        sched_yield();
    }
}

typedef struct steal_phase {
    job_queue *queue;
    size_t workers;
    barrier barrier;
    item it;
    cymade_atomic_u64 taken;
    cymade_atomic_u64 stop;
    stress_deadline deadline;
    uint64_t rounds;
} steal_phase;

static void steal_body(stress_thread *t) {
    steal_phase *s = t->shared;
    size_t worker = t->index % s->workers;
    for (;;) {
        if (t->index == 0) {
            /* Between two barriers: nobody else touches the item or the flag. */
            s->it.worker = stress_rng_below(&t->rng, s->workers);
            s->it.magic = magic_of(0, s->rounds);
            s->it.sequence = s->rounds;
            cymade_atomic_u64_store(&s->it.pops, 0, memory_order_relaxed);
            cymade_atomic_u64_store(&s->taken, 0, memory_order_relaxed);
            cymade_atomic_u64_store(&s->stop, stress_deadline_passed(&s->deadline), memory_order_relaxed);
        }
        barrier_wait(&s->barrier, t->count);
        if (cymade_atomic_u64_load(&s->stop, memory_order_relaxed)) {
            return;
        }
        if (t->index == 0) {
            STRESS_CHECK(&t->tally, strategy->push(s->queue, s->it.worker, (queued_job){.arg = &s->it}) == CYMADE_OK);
        }
        while (cymade_atomic_u64_load(&s->taken, memory_order_acquire) == 0) {
            bool stolen = false;
            item *it = pop_item(s->queue, worker, &stolen);
            if (it != NULL) {
                STRESS_CHECK(&t->tally, it == &s->it);
                STRESS_CHECK(&t->tally, it->magic == magic_of(0, it->sequence));
                STRESS_CHECK(&t->tally, cymade_atomic_u64_fetch_add(&it->pops, 1, memory_order_relaxed) == 0);
                STRESS_CHECK(&t->tally, stolen == (it->worker != worker));
                cymade_atomic_u64_store(&s->taken, 1, memory_order_release);
                stress_progress(STEAL_SLOT);
            } else {
                stress_maybe_yield(&t->rng);
            }
        }
        barrier_wait(&s->barrier, t->count);
        if (t->index == 0) {
            STRESS_CHECK(&t->tally, cymade_atomic_u64_load(&s->it.pops, memory_order_relaxed) == 1);
            bool stolen;
            STRESS_CHECK(&t->tally, pop_item(s->queue, 0, &stolen) == NULL);
            s->rounds++;
        }
    }
}

static void run_steal(double seconds, uint64_t seed) {
    static const unsigned shapes[][2] = {{2, 2}, {4, 4}, {4, 2}, {3, 3}}; /* consumers, workers */
    const unsigned shape_count = sizeof shapes / sizeof shapes[0];
    uint64_t rounds = 0;
    for (unsigned i = 0; i < shape_count; i++) {
        steal_phase *s = calloc(1, sizeof *s);
        s->workers = shapes[i][1];
        s->queue = strategy->create(s->workers, 2);
        s->deadline = stress_deadline_after(seconds / shape_count);
        stress_watch(STEAL_SLOT, "steal shape #", i, "the pushed item not taken", 0);
        stress_run_threads(shapes[i][0], seed + i, steal_body, s);
        stress_unwatch(STEAL_SLOT);
        rounds += s->rounds;
        strategy->destroy(s->queue);
        free(s);
    }
    STRESS_CHECK(&stress_main_tally, rounds > 0);
    printf("  steal: %" PRIu64 " last-element races\n", rounds);
}

/* ------------------------------------------------------------------------ */
/* park                                                                     */

typedef struct park_phase {
    job_queue *queue;
    item *items;
    uint64_t capacity;
    cymade_atomic_u64 pushed;   /* items pushed so far */
    cymade_atomic_u64 consumed; /* items popped so far */
    cymade_atomic_u64 empty_at; /* consumed+1 when the consumer's last pop found nothing */
    cymade_atomic_u64 asleep;   /* the consumer is inside park */
    cymade_atomic_u64 stop_pushing;
    cymade_atomic_u64 producer_done;
    cymade_atomic_u64 stop;
} park_phase;

static bool park_should_return(void *context) {
    park_phase *p = context;
    return cymade_atomic_u64_load(&p->stop, memory_order_seq_cst) != 0;
}

static void park_consumer(park_phase *p, stress_thread *t) {
    for (;;) {
        bool stolen;
        item *it = pop_item(p->queue, 0, &stolen);
        if (it != NULL) {
            uint64_t expected = cymade_atomic_u64_load(&p->consumed, memory_order_relaxed);
            STRESS_CHECK(&t->tally, it->sequence == expected);
            STRESS_CHECK(&t->tally, it->magic == magic_of(1, it->sequence));
            STRESS_CHECK(&t->tally, cymade_atomic_u64_fetch_add(&it->pops, 1, memory_order_relaxed) == 0);
            cymade_atomic_u64_store(&p->consumed, expected + 1, memory_order_release);
            continue;
        }
        if (cymade_atomic_u64_load(&p->stop, memory_order_acquire)) {
            return;
        }
        /* Tell the producer: "my pop found nothing, I am about to park". */
        cymade_atomic_u64_store(&p->empty_at, cymade_atomic_u64_load(&p->consumed, memory_order_relaxed) + 1,
                                memory_order_seq_cst);
        if (stress_rng_below(&t->rng, 2) == 0) {
            sched_yield();
        }
        cymade_atomic_u64_store(&p->asleep, 1, memory_order_seq_cst);
        strategy->park(p->queue, park_should_return, p, NULL);
        cymade_atomic_u64_store(&p->asleep, 0, memory_order_seq_cst);
    }
}

static void park_producer(park_phase *p, stress_thread *t) {
    for (uint64_t n = 0; n < p->capacity; n++) {
        /* One job in flight: wait until the previous one was consumed, and
         * (mostly) until the consumer has seen the queue empty. */
        bool in_window = stress_rng_below(&t->rng, 8) != 0;
        while (cymade_atomic_u64_load(&p->consumed, memory_order_acquire) != n ||
               (in_window && cymade_atomic_u64_load(&p->empty_at, memory_order_seq_cst) != n + 1)) {
            if (cymade_atomic_u64_load(&p->stop_pushing, memory_order_acquire)) {
                cymade_atomic_u64_store(&p->producer_done, 1, memory_order_release);
                return;
            }
            if (stress_rng_below(&t->rng, 4) == 0) {
                sched_yield();
            }
        }
        item *it = &p->items[n];
        it->producer = 1;
        it->sequence = n;
        it->magic = magic_of(1, n);
        cymade_atomic_u64_init(&it->pops, 0);
        STRESS_CHECK(&t->tally, strategy->push(p->queue, 0, (queued_job){.arg = it}) == CYMADE_OK);
        cymade_atomic_u64_store(&p->pushed, n + 1, memory_order_release);
    }
    cymade_atomic_u64_store(&p->producer_done, 1, memory_order_release);
}

static void park_body(stress_thread *t) {
    park_phase *p = t->shared;
    if (t->index == 0) {
        park_consumer(p, t);
    } else {
        park_producer(p, t);
    }
}

typedef struct park_run {
    park_phase *phase;
    uint64_t seed;
} park_run;

#include <pthread.h>

static void *park_threads(void *argument) {
    park_run *run = argument;
    stress_run_threads(2, run->seed, park_body, run->phase);
    return NULL;
}

static void run_park(double seconds, uint64_t seed) {
    park_phase *p = calloc(1, sizeof *p);
    p->capacity = 1000000;
    p->items = calloc(p->capacity, sizeof(item));
    p->queue = strategy->create(1, 2);
    park_run run = {.phase = p, .seed = seed};
    pthread_t threads;
    pthread_create(&threads, NULL, park_threads, &run);

    /* A job queued, the consumer inside park, and no progress means nobody
     * will ever wake it: a lost wakeup, which the watchdog reports.  Any
     * other state is progress.  At the deadline the producer stops, and the
     * watch goes on until the last job was consumed. */
    stress_deadline deadline = stress_deadline_after(seconds);
    uint64_t last_consumed = UINT64_MAX;
    for (;;) {
        struct timespec tick = {.tv_sec = 0, .tv_nsec = 5000000};
        nanosleep(&tick, NULL);
        if (stress_deadline_passed(&deadline)) {
            cymade_atomic_u64_store(&p->stop_pushing, 1, memory_order_release);
        }
        bool producer_done = cymade_atomic_u64_load(&p->producer_done, memory_order_acquire) != 0;
        uint64_t consumed = cymade_atomic_u64_load(&p->consumed, memory_order_acquire);
        uint64_t pushed = cymade_atomic_u64_load(&p->pushed, memory_order_acquire);
        bool asleep = cymade_atomic_u64_load(&p->asleep, memory_order_seq_cst) != 0;
        if (producer_done && consumed == pushed) {
            break;
        }
        if (consumed != last_consumed || pushed == consumed || !asleep) {
            last_consumed = consumed;
            stress_watch(PARK_SLOT, "park consumer", 0, "lost wakeup: parked with job # queued", consumed);
        }
    }
    /* Shut down by a final wake-all (after stop, which the park re-checks). */
    stress_watch(PARK_SLOT, "park consumer", 0, "lost wakeup: parked through the final wake-all after job #",
                 last_consumed);
    cymade_atomic_u64_store(&p->stop, 1, memory_order_seq_cst);
    strategy->wake_all(p->queue);
    pthread_join(threads, NULL);
    stress_unwatch(PARK_SLOT);
    uint64_t pushed = cymade_atomic_u64_load(&p->pushed, memory_order_relaxed);
    for (uint64_t n = 0; n < pushed; n++) {
        STRESS_CHECK(&stress_main_tally, cymade_atomic_u64_load(&p->items[n].pops, memory_order_relaxed) == 1);
    }
    STRESS_CHECK(&stress_main_tally, pushed > 0);
    printf("  park: %" PRIu64 " park/push races\n", pushed);
    strategy->close(p->queue);
    bool stolen;
    while (pop_item(p->queue, 0, &stolen) != NULL) {
    }
    strategy->destroy(p->queue);
    free(p->items);
    free(p);
}

static void run_ring_growth(const stress_options *options) {
    cymade_rcu_init();
    run_park(options->seconds * 0.3, options->seed);
    run_growth(options->seconds * 0.5, options->seed + 1000);
    run_steal(options->seconds * 0.2, options->seed + 2000);
}

int main(void) {
    return stress_main("ring_growth", run_ring_growth);
}
