/* Runs a case's rounds: each run is a writer and a reader thread sharing one
 * fresh channel. */
#define _GNU_SOURCE /* pthread_setname_np */

#include "orders.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

/* What the writer puts in the payload and the reader must find there. */
#define PAYLOAD UINT64_C(0x0DE5C0DE0DE5C0DE)

/* Both threads are running before either touches the flag, so the reader is
 * spinning when the writer publishes.  Plain <stdatomic.h>, not the header
 * under test, so a mutant cannot break the harness. */
static void wait_for_both_threads(orders_channel *channel) {
    /* Relaxed: timing only; it must add no happens-before of its own. */
    atomic_fetch_add_explicit(&channel->threads_started, 1, memory_order_relaxed);
    /* Relaxed: as above. */
    while (atomic_load_explicit(&channel->threads_started, memory_order_relaxed) < 2) {
        sched_yield();
    }
}

/* Names the thread after the case.  The kernel refuses names over 15
 * characters (the call then fails, harmlessly), but TSan records the whole
 * name first, so its reports say which case raced. */
static void name_thread(const orders_channel *channel) {
    (void)pthread_setname_np(pthread_self(), channel->case_name);
}

static void *write_message(void *argument) {
    orders_channel *channel = argument;
    const orders_round *round = channel->round;
    name_thread(channel);
    wait_for_both_threads(channel);
    if (round->carries_payload) {
        channel->payload = PAYLOAD;
    }
    channel->writer_ok = round->publish(&channel->flag, round->publish_order);
    return NULL;
}

static bool observe_once(orders_channel *channel) {
    const orders_round *round = channel->round;
    if (round->observe_failing != NULL) {
        return round->observe_failing(&channel->flag, round->observe_order, round->observe_failure);
    }
    return round->observe(&channel->flag, round->observe_order);
}

static void *read_message(void *argument) {
    orders_channel *channel = argument;
    name_thread(channel);
    wait_for_both_threads(channel);
    while (!observe_once(channel)) {
        sched_yield();
    }
    channel->reader_ok = !channel->round->carries_payload || channel->payload == PAYLOAD;
    return NULL;
}

static void start_thread(pthread_t *thread, void *(*body)(void *), orders_channel *channel) {
    if (pthread_create(thread, NULL, body, channel) != 0) {
        fprintf(stderr, "orders: pthread_create failed\n");
        exit(2);
    }
}

/* pthread_create orders the channel's initialisation before both threads,
 * and pthread_join orders their results before the checks here; neither
 * orders the writer before the reader, which is left to the round. */
static bool run_round(const orders_case *c, const orders_round *round, orders_channel *channel) {
    pthread_t writer;
    pthread_t reader;
    channel->round = round;
    channel->case_name = c->name;
    c->operation->init(&channel->flag);
    atomic_init(&channel->threads_started, 0);
    start_thread(&writer, write_message, channel);
    start_thread(&reader, read_message, channel);
    pthread_join(writer, NULL);
    pthread_join(reader, NULL);
    if (!channel->writer_ok) {
        printf("FAIL %s (%s): the writer's operation returned a wrong value\n", c->name, round->description);
    }
    if (!channel->reader_ok) {
        printf("FAIL %s (%s): the reader found a wrong payload\n", c->name, round->description);
    }
    return channel->writer_ok && channel->reader_ok;
}

bool orders_run_case(const orders_case *c, orders_channel *channels) {
    orders_round rounds[ORDERS_MAX_ROUNDS];
    size_t round_count = orders_case_rounds(c, rounds);
    bool passed = round_count > 0;
    if (round_count == 0) {
        printf("FAIL %s: no round tests it\n", c->name);
    }
    for (size_t r = 0; r < round_count; r++) {
        for (size_t run = 0; run < ORDERS_RUNS_PER_ROUND; run++) {
            passed &= run_round(c, &rounds[r], &channels[r * ORDERS_RUNS_PER_ROUND + run]);
        }
    }
    return passed;
}
