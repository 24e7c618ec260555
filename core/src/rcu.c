/* Backends for rcu.h; see there for why each exists. */
#define _GNU_SOURCE
#include "rcu.h"

#include <pthread.h>
#include <stddef.h>
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

#include <urcu/static/urcu-bp.h>

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

/*
 * The read side, on liburcu-bp's own per-thread state.  urcu_bp_read_lock()
 * finds the calling thread's registry entry through a thread-local of
 * liburcu-bp.so, and a shared library's thread-locals cost a __tls_get_addr
 * call per access: about 40 instructions per lock and unlock pair, paid on
 * every submit and every pop.  The engine keeps the entry's address in a
 * thread-local of its own instead, which is one load, and updates the entry
 * as liburcu's inline read side (_urcu_bp_read_lock and
 * _urcu_bp_read_unlock, urcu/static/urcu-bp.h) does.
 *
 * A cached entry is trusted only while it still names this thread: liburcu
 * releases a thread's entry in a thread-exit destructor, after which another
 * thread may take it.  Code that enters a read-side section from a later
 * destructor of the same thread (a submit from a thread-local's destructor)
 * then finds a different or zero tid and registers again, as
 * urcu_bp_read_lock() would.  The entry's memory stays mapped while
 * liburcu-bp is loaded: its registry arena grows in place and never moves.
 */
static _Thread_local __attribute__((tls_model("initial-exec"))) char *thread_reader;
static _Thread_local __attribute__((tls_model("initial-exec"))) pthread_t thread_reader_owner;

/* An entry's fields, reached through their offsets: liburcu's registry
 * arena places entries 32 bytes past a cache-line boundary while the struct
 * type claims cache-line alignment (its `node` member's attribute), so an
 * access through the struct type is a misaligned access (UBSan reports
 * it), though each field itself is naturally aligned. */
static unsigned long *entry_counter(char *entry) {
    return (unsigned long *)(entry + offsetof(struct urcu_bp_reader, ctr));
}

static pthread_t *entry_owner(char *entry) {
    return (pthread_t *)(entry + offsetof(struct urcu_bp_reader, tid));
}

/* Out of line and cold, so the lock's fast path needs no stack frame. */
__attribute__((noinline, cold)) static char *register_thread_reader(void) {
    urcu_bp_register_thread();
    thread_reader = (char *)URCU_TLS(urcu_bp_reader);
    thread_reader_owner = pthread_self();
    return thread_reader;
}

/* Whether `entry` (the cached one) is still this thread's.  relaxed: a
 * released entry's tid may be rewritten by the thread that takes it next,
 * but never to this thread's id, so any value read is either this thread's
 * (the entry is ours) or not. */
static bool is_own_entry(char *entry) {
    return entry != NULL && __atomic_load_n(entry_owner(entry), __ATOMIC_RELAXED) == thread_reader_owner;
}

void cymade_rcu_read_lock(void) {
    char *reader = thread_reader;
    if (__builtin_expect(!is_own_entry(reader), 0)) {
        reader = register_thread_reader();
    }
    unsigned long *counter = entry_counter(reader);
    /* relaxed: only this thread writes its counter; urcu_bp_smp_mb_slave()
     * below orders the section after it, as in liburcu's own read lock. */
    unsigned long nesting = __atomic_load_n(counter, __ATOMIC_RELAXED);
    if ((nesting & URCU_BP_GP_CTR_NEST_MASK) != 0) {
        __atomic_store_n(counter, nesting + URCU_BP_GP_COUNT, __ATOMIC_RELAXED); /* relaxed: nested */
        return;
    }
    /* relaxed: a grace period's phase may be read stale; the writer then
     * waits for this reader, which is what a stale phase means in urcu-bp. */
    __atomic_store_n(counter, __atomic_load_n(&urcu_bp_gp.ctr, __ATOMIC_RELAXED), __ATOMIC_RELAXED);
    urcu_bp_smp_mb_slave();
}

void cymade_rcu_read_unlock(void) {
    unsigned long *counter = entry_counter(thread_reader);
    /* relaxed: this thread's own counter; the fence before the store keeps
     * the section's reads before the unlock, as in liburcu's read unlock. */
    unsigned long nesting = __atomic_load_n(counter, __ATOMIC_RELAXED);
    urcu_bp_smp_mb_slave();
    __atomic_store_n(counter, nesting - URCU_BP_GP_COUNT, __ATOMIC_RELAXED);
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
