/*
 * rcu.h - the engine's read-copy-update interface, over one of two backends.
 *
 * Default: liburcu's "bulletproof" flavour (urcu-bp).  cymade is a library:
 * jobs are submitted from threads it did not create (any Python thread, any
 * C caller), and urcu-bp is the flavour that registers reader threads lazily
 * and unregisters them at thread exit, so callers never have to.  Its read
 * side costs a thread-local check plus a compiler barrier (membarrier does the
 * heavy lifting in synchronize_rcu), cheap enough for every submit and pop.
 * urcu-memb or urcu-qsbr would be faster for readers but need every submitting
 * thread to register and (qsbr) to report quiescent states.
 *
 * ThreadSanitizer and verify/ builds (CYMADE_RCU_RWLOCK): Debian's liburcu
 * 0.13 has no TSan annotations, so TSan would report its grace periods as
 * races.  There a pthread rwlock plays the grace period (readers rdlock,
 * synchronize takes the write lock), visible to TSan.  This stand-in is
 * built to expose misuse, not to be fast: a deferred free is reclaimed at the
 * first grace period after the retiring thread leaves its read-side section
 * (at once when it retires outside one), where liburcu may wait much longer.
 * A reader that walks RCU-protected memory outside a read-side section then
 * races with the free (TSan reports it: free counts as a write) or reads
 * freed memory (ASan does), instead of going unnoticed.
 *
 * Contract:
 *   - Memory reachable from an RCU-protected pointer read between
 *     cymade_rcu_read_lock and cymade_rcu_read_unlock stays valid until the
 *     unlock, even if the pointer is replaced meanwhile.
 *   - cymade_rcu_synchronize returns after every read-side section that
 *     started before it has ended.  Never call it inside a read-side section.
 *   - cymade_rcu_defer_free runs `reclaim(head)` after such a grace period.
 *   - cymade_rcu_barrier waits for every deferred reclaim queued so far.
 * Read-side sections do not nest.
 *
 * cymade_rcu_assert_reader() aborts, naming the caller, unless the calling
 * thread is inside a read-side section.  Code that dereferences an
 * RCU-protected pointer calls it first (as liburcu's rcu_dereference is
 * meant to be used).  It is on in the stand-in and in builds without NDEBUG,
 * and compiles to nothing in production builds.
 */
#ifndef CYMADE_RCU_H
#define CYMADE_RCU_H

#include <stdbool.h>

#ifdef CYMADE_RCU_RWLOCK

typedef struct cymade_rcu_head {
    struct cymade_rcu_head *next;
    void (*reclaim)(struct cymade_rcu_head *head);
} cymade_rcu_head;

#else

/* Declares the urcu_bp_-prefixed API, call_rcu included. */
#include <urcu/urcu-bp.h>

typedef struct rcu_head cymade_rcu_head;

#endif

/* Installs liburcu's fork hooks (once per process); call before first use. */
void cymade_rcu_init(void);
void cymade_rcu_read_lock(void);
void cymade_rcu_read_unlock(void);
void cymade_rcu_synchronize(void);
void cymade_rcu_defer_free(cymade_rcu_head *head, void (*reclaim)(cymade_rcu_head *head));
void cymade_rcu_barrier(void);

/* Whether the calling thread is inside a read-side section. */
bool cymade_rcu_read_ongoing(void);

/* Prints `rcu: <where> outside a read-side section` and aborts. */
__attribute__((noreturn)) void cymade_rcu_reader_required(const char *where);

#if defined(CYMADE_RCU_RWLOCK) || !defined(NDEBUG)
#define cymade_rcu_assert_reader()                \
    do {                                          \
        if (!cymade_rcu_read_ongoing()) {         \
            cymade_rcu_reader_required(__func__); \
        }                                         \
    } while (0)
#else
#define cymade_rcu_assert_reader() ((void)0)
#endif

#endif /* CYMADE_RCU_H */
