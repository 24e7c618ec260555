/*
 * stress_message_passing - a plain (non-atomic) payload handed from a writer
 * to a reader by a flag: the writer fills the payload, then release-stores the
 * round number; the reader acquire-loads the flag, then reads the payload.
 * The reader acknowledges each round the same way, so the writer can reuse
 * the buffer.  If either store were relaxed, TSan would report the payload
 * accesses as a data race (the suite's mutants rely on exactly that).
 *
 * Pairs run side by side: 1, 2 and 4 pairs, i.e. 2, 4 and 8 threads.
 */
#define _POSIX_C_SOURCE 200809L

#include "stress.h"

#include "cymade/atomic.h"

#include <sched.h>
#include <stdint.h>

enum { PAYLOAD_WORDS = 8 };

/* Sent instead of a round number when the writer's time is up. */
#define ROUND_DONE UINT64_MAX

typedef struct mailbox {
    uint64_t payload[PAYLOAD_WORDS];
    cymade_atomic_u64 published_round;
    cymade_atomic_u64 consumed_round;
    uint64_t rounds_read;
} mailbox;

typedef struct message_shared {
    stress_deadline deadline;
    mailbox mailboxes[STRESS_MAX_THREADS / 2];
} message_shared;

static uint64_t payload_word(unsigned pair, uint64_t round, unsigned word) {
    return (round * 0x9E3779B97F4A7C15u) + ((uint64_t)pair << 48) + word;
}

/* Waits until the reader has acknowledged `round`; false if time ran out. */
static bool wait_for_ack(mailbox *box, uint64_t round, const stress_deadline *deadline) {
    /* Acquire: the reader's reads of that round's payload happen before we
     * overwrite it.  (Bounded by the deadline: not the watchdog's.) */
    while (cymade_atomic_u64_load(&box->consumed_round, memory_order_acquire) != round) {
        if (stress_deadline_passed(deadline)) {
            return false;
        }
        sched_yield();
    }
    return true;
}

static void write_rounds(stress_thread *self, unsigned pair, mailbox *box, const stress_deadline *deadline) {
    for (uint64_t round = 1; wait_for_ack(box, round - 1, deadline) && !stress_deadline_passed(deadline); round++) {
        for (unsigned w = 0; w < PAYLOAD_WORDS; w++) {
            box->payload[w] = payload_word(pair, round, w);
            stress_maybe_yield(&self->rng);
        }
        /* Release: publishes the payload written above to the acquiring reader. */
        cymade_atomic_u64_store(&box->published_round, round, memory_order_release);
        stress_progress(pair);
    }
    /* Release for uniformity; the reader reads no payload after ROUND_DONE. */
    cymade_atomic_u64_store(&box->published_round, ROUND_DONE, memory_order_release);
}

/* The reader waits for each round without a deadline: the watchdog's (the
 * writer's publishes are its progress). */
static void read_rounds(stress_thread *self, unsigned pair, mailbox *box) {
    stress_watch(pair, "reader #", pair, "the writer to publish a round or ROUND_DONE", 0);
    for (uint64_t round = 1;; round++) {
        uint64_t published;
        /* Acquire: pairs with the writer's release, so the payload is ours to read. */
        while ((published = cymade_atomic_u64_load(&box->published_round, memory_order_acquire)) != round) {
            if (published == ROUND_DONE) {
                stress_unwatch(pair);
                return;
            }
            sched_yield();
        }
        for (unsigned w = 0; w < PAYLOAD_WORDS; w++) {
            STRESS_CHECK(&self->tally, box->payload[w] == payload_word(pair, round, w));
            stress_maybe_yield(&self->rng);
        }
        box->rounds_read = round;
        /* Release: our payload reads happen before the writer's next round. */
        cymade_atomic_u64_store(&box->consumed_round, round, memory_order_release);
    }
}

/* Even thread indices write, odd ones read, pair = index / 2. */
static void pass_messages(stress_thread *self) {
    message_shared *shared = self->shared;
    unsigned pair = self->index / 2;
    mailbox *box = &shared->mailboxes[pair];
    if (self->index % 2 == 0) {
        write_rounds(self, pair, box, &shared->deadline);
    } else {
        read_rounds(self, pair, box);
    }
}

static void run_message_passing(unsigned thread_count, uint64_t seed, double seconds) {
    message_shared shared = {.deadline = stress_deadline_after(seconds)};
    for (unsigned pair = 0; pair < thread_count / 2; pair++) {
        cymade_atomic_u64_init(&shared.mailboxes[pair].published_round, 0);
        cymade_atomic_u64_init(&shared.mailboxes[pair].consumed_round, 0);
    }
    stress_run_threads(thread_count, seed, pass_messages, &shared);
    for (unsigned pair = 0; pair < thread_count / 2; pair++) {
        /* Every pair must have made progress, or the test proved nothing. */
        STRESS_CHECK(&stress_main_tally, shared.mailboxes[pair].rounds_read > 0);
    }
}

static void run_every_thread_count(const stress_options *options) {
    double seconds_per_run = options->seconds / STRESS_THREAD_COUNT_STEPS;
    for (unsigned i = 0; i < STRESS_THREAD_COUNT_STEPS; i++) {
        run_message_passing(STRESS_THREAD_COUNTS[i], options->seed, seconds_per_run);
    }
}

int main(void) {
    return stress_main("message_passing", run_every_thread_count);
}
