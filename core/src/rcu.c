/* Backends for rcu.h; see there for why each exists. */
#define _GNU_SOURCE
#include "rcu.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "cymade/atomic.h"

void cymade_rcu_reader_required(const char *where) {
    fprintf(stderr, "rcu: %s outside a read-side section\n", where);
    abort();
}

#ifdef CYMADE_RCU_RWLOCK

/* Writer-preferring: with glibc's default (reader-preferring) lock, workers
 * that keep entering read-side sections while they spin would starve a
 * grace period forever.  Read-side sections do not nest (rcu.h), which this
 * kind of lock requires. */
static pthread_rwlock_t grace_period_lock = PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP;
static pthread_mutex_t retired_lock = PTHREAD_MUTEX_INITIALIZER;
static cymade_rcu_head *retired;
/* How many objects `retired` holds; read without the lock as a hint, so
 * that the common read_unlock (nothing retired) takes no lock.  A retirer
 * sees its own count, so it never skips its own object. */
static cymade_atomic_u64 retired_count;
/* Held while a batch is reclaimed, so that cymade_rcu_barrier also waits for
 * a batch another thread took.  Never taken inside a read-side section (a
 * reclaimer holding it waits for every reader). */
static pthread_mutex_t reclaim_lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local bool reading;

void cymade_rcu_init(void) {}

bool cymade_rcu_read_ongoing(void) {
    return reading;
}

void cymade_rcu_read_lock(void) {
    pthread_rwlock_rdlock(&grace_period_lock);
    reading = true;
}

static void reclaim_retired(void);

void cymade_rcu_read_unlock(void) {
    reading = false;
    pthread_rwlock_unlock(&grace_period_lock);
    reclaim_retired();
}

void cymade_rcu_synchronize(void) {
    pthread_rwlock_wrlock(&grace_period_lock);
    pthread_rwlock_unlock(&grace_period_lock);
}

/* Takes every object retired so far. */
static cymade_rcu_head *take_retired(void) {
    pthread_mutex_lock(&retired_lock);
    cymade_rcu_head *list = retired;
    retired = NULL;
    /* relaxed: a hint; the list itself is guarded by retired_lock. */
    cymade_atomic_u64_store(&retired_count, 0, memory_order_relaxed);
    pthread_mutex_unlock(&retired_lock);
    return list;
}

/* Reclaims what was retired before a grace period that starts now, after
 * any batch another thread is reclaiming.  The list is taken first: an
 * object retired after that may have readers the grace period does not wait
 * for, and is left to its own retirer. */
static void reclaim_all_retired(void) {
    pthread_mutex_lock(&reclaim_lock);
    cymade_rcu_head *list = take_retired();
    if (list != NULL) {
        cymade_rcu_synchronize();
    }
    while (list != NULL) {
        cymade_rcu_head *next = list->next;
        list->reclaim(list);
        list = next;
    }
    pthread_mutex_unlock(&reclaim_lock);
}

static void reclaim_retired(void) {
    /* relaxed: see retired_count. */
    if (cymade_atomic_u64_load(&retired_count, memory_order_relaxed) != 0) {
        reclaim_all_retired();
    }
}

/* Inside a read-side section no grace period can be awaited, so the object
 * waits for the retirer's read_unlock; outside one it is reclaimed now. */
void cymade_rcu_defer_free(cymade_rcu_head *head, void (*reclaim)(cymade_rcu_head *head)) {
    head->reclaim = reclaim;
    pthread_mutex_lock(&retired_lock);
    head->next = retired;
    retired = head;
    /* relaxed: see retired_count. */
    cymade_atomic_u64_fetch_add(&retired_count, 1, memory_order_relaxed);
    pthread_mutex_unlock(&retired_lock);
    if (!reading) {
        reclaim_retired();
    }
}

void cymade_rcu_barrier(void) {
    reclaim_all_retired();
}

#else

/* liburcu keeps internal locks that a fork() child would inherit held; its
 * documented hooks release them around fork (urcu-bp.h, call-rcu.h). */
static void rcu_before_fork(void) {
    urcu_bp_call_rcu_before_fork();
    urcu_bp_before_fork();
}

static void rcu_after_fork_parent(void) {
    urcu_bp_after_fork_parent();
    urcu_bp_call_rcu_after_fork_parent();
}

static void rcu_after_fork_child(void) {
    urcu_bp_after_fork_child();
    urcu_bp_call_rcu_after_fork_child();
}

static pthread_once_t fork_hooks_once = PTHREAD_ONCE_INIT;

static void install_fork_hooks(void) {
    pthread_atfork(rcu_before_fork, rcu_after_fork_parent, rcu_after_fork_child);
}

void cymade_rcu_init(void) {
    pthread_once(&fork_hooks_once, install_fork_hooks);
}

void cymade_rcu_read_lock(void) {
    urcu_bp_read_lock();
}

void cymade_rcu_read_unlock(void) {
    urcu_bp_read_unlock();
}

void cymade_rcu_synchronize(void) {
    urcu_bp_synchronize_rcu();
}

void cymade_rcu_defer_free(cymade_rcu_head *head, void (*reclaim)(cymade_rcu_head *head)) {
    urcu_bp_call_rcu(head, reclaim);
}

void cymade_rcu_barrier(void) {
    urcu_bp_barrier();
}

bool cymade_rcu_read_ongoing(void) {
    return urcu_bp_read_ongoing();
}

#endif
