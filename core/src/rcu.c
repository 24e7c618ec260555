/* Backends for rcu.h; see there for why each exists. */
#define _GNU_SOURCE
#include "rcu.h"

#include <pthread.h>

#ifdef CYMADE_RCU_RWLOCK

/* Writer-preferring: with glibc's default (reader-preferring) lock, workers
 * that keep entering read-side sections while they spin would starve a
 * grace period forever.  Read-side sections do not nest (rcu.h), which this
 * kind of lock requires. */
static pthread_rwlock_t grace_period_lock = PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP;
static pthread_mutex_t retired_lock = PTHREAD_MUTEX_INITIALIZER;
static cymade_rcu_head *retired;

void cymade_rcu_init(void) {
}

void cymade_rcu_read_lock(void) {
    pthread_rwlock_rdlock(&grace_period_lock);
}

void cymade_rcu_read_unlock(void) {
    pthread_rwlock_unlock(&grace_period_lock);
}

void cymade_rcu_synchronize(void) {
    pthread_rwlock_wrlock(&grace_period_lock);
    pthread_rwlock_unlock(&grace_period_lock);
}

/* Deferred reclaims may be requested inside a read-side section, where a
 * grace period cannot be awaited, so they wait for the next barrier. */
void cymade_rcu_defer_free(cymade_rcu_head *head, void (*reclaim)(cymade_rcu_head *head)) {
    head->reclaim = reclaim;
    pthread_mutex_lock(&retired_lock);
    head->next = retired;
    retired = head;
    pthread_mutex_unlock(&retired_lock);
}

void cymade_rcu_barrier(void) {
    cymade_rcu_synchronize();
    pthread_mutex_lock(&retired_lock);
    cymade_rcu_head *list = retired;
    retired = NULL;
    pthread_mutex_unlock(&retired_lock);
    while (list != NULL) {
        cymade_rcu_head *next = list->next;
        list->reclaim(list);
        list = next;
    }
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

#endif
