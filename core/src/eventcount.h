/*
 * eventcount.h - park idle threads without lost wake-ups.
 *
 * An eventcount in the style of Dmitry Vyukov's and folly's EventCount: a
 * waiter announces itself, re-checks its condition, and only then sleeps on a
 * futex; a notifier changes the condition, then wakes sleepers only if some
 * thread has announced itself, so the common case costs no syscall and no
 * write to shared memory.
 *
 * Use:
 *   waiter:   key = eventcount_prepare_wait(ec);
 *             if (condition holds) eventcount_cancel_wait(ec);
 *             else eventcount_wait(ec, key, deadline);
 *   notifier: make the condition hold; eventcount_notify(ec, n);
 *
 * This is the store-buffering shape (verify/litmus, SB+park-wake): the
 * notifier's "store condition; fence; load waiters" against the waiter's
 * "RMW waiters; fence; load condition".  Both fences are seq_cst, so at least
 * one side sees the other and no wake-up is lost.
 */
#ifndef CYMADE_EVENTCOUNT_H
#define CYMADE_EVENTCOUNT_H

#include <stdint.h>
#include <time.h>

#include "cymade/atomic.h"
#include "cymade/cacheline.h"

typedef struct eventcount {
    /* low 32 bits: epoch (the futex word); high 32 bits: announced waiters */
    _Alignas(CYMADE_CACHELINE_SIZE) cymade_atomic_u64 state;
} eventcount;

void eventcount_init(eventcount *ec);

/* Announces a waiter; returns the key for eventcount_wait. */
uint32_t eventcount_prepare_wait(eventcount *ec);

/* Withdraws an announcement whose condition turned out to hold. */
void eventcount_cancel_wait(eventcount *ec);

/* Sleeps until a notify after the matching prepare, or the CLOCK_MONOTONIC
 * deadline (NULL: none).  Withdraws the announcement.  May return early. */
void eventcount_wait(eventcount *ec, uint32_t key, const struct timespec *deadline);

/* Wakes up to `count` waiters (INT32_MAX: all) if any is announced. */
void eventcount_notify(eventcount *ec, int count);

#endif /* CYMADE_EVENTCOUNT_H */
