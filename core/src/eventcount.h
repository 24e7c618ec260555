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
 *
 * Searchers.  A thread that is awake and looking for work (spinning before
 * it parks) registers as a searcher; eventcount_notify_idle then skips the
 * wake-up, since the searcher will find the work (the idea of Go's
 * "spinning M" count).  A searcher that gives up withdraws (RMW) before it
 * prepares to wait and re-checks, so the same store-buffering argument
 * covers it: a notifier that saw it still searching is seen by its re-check.
 */
#ifndef CYMADE_EVENTCOUNT_H
#define CYMADE_EVENTCOUNT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "cymade/atomic.h"
#include "cymade/cacheline.h"

typedef struct eventcount {
    /* bits 0-31: epoch (the futex word); 32-47: announced waiters;
     * 48-63: searchers */
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

/* Wakes one waiter if any is announced and no searcher is awake.  Unlike
 * eventcount_notify it issues no fence: the caller's condition change must
 * itself be a seq_cst read-modify-write (the ring's reservation CAS is), which
 * with this function's seq_cst load forms the notifier's half of the
 * handshake.  On x86 that saves an MFENCE per push. */
void eventcount_notify_idle(eventcount *ec);

/* Registers / withdraws the caller as a searcher (at most 65535).  A
 * searcher that found work passes found=true, which wakes one waiter unless
 * another searcher is awake: notifiers skipped their wake-ups while it
 * searched, so it hands the baton on (Go's scheduler does the same when a
 * spinning thread finds work). */
void eventcount_search_begin(eventcount *ec);
void eventcount_search_end(eventcount *ec, bool found);

#endif /* CYMADE_EVENTCOUNT_H */
