/*
 * orders.h - the memory-order suite: every (operation, memory order) pair of
 * cymade/atomic.h as a message-passing test that ThreadSanitizer judges.
 *
 * A case hands a plain (non-atomic) payload from a writer thread to a reader
 * thread through one atomic "flag" and the operation under test:
 *   - publish round (the order releases): the writer fills the payload, then
 *     applies the operation, which leaves the flag PUBLISHED; the reader
 *     acquire-loads the flag until it is PUBLISHED, then reads the payload;
 *   - observe round (the order acquires): the writer fills the payload, then
 *     release-stores PUBLISHED; the reader applies the operation until it
 *     sees PUBLISHED, then reads the payload;
 *   - failing round (a compare-exchange's failure order): as observe, but the
 *     reader's compare-exchange always fails and sees PUBLISHED through its
 *     failure order;
 *   - relaxed round: the operation with relaxed order on both sides and no
 *     payload, a check of the values only (there is nothing to weaken).
 * If the operation ignored its order and ran relaxed, nothing would order the
 * payload's write before its read, and TSan reports the data race.
 */
#ifndef CYMADE_VERIFY_ORDERS_H
#define CYMADE_VERIFY_ORDERS_H

#include "cymade/atomic.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The atomic object a case's two threads synchronise through. */
typedef union orders_flag {
    cymade_atomic_u64 u64;
    cymade_atomic_i64 i64;
    cymade_atomic_f64 f64;
    cymade_atomic_ptr ptr;
} orders_flag;

/* Which orders an operation accepts (the contract atop cymade/atomic.h). */
typedef enum orders_access {
    ORDERS_LOAD,
    ORDERS_STORE,
    ORDERS_READ_MODIFY_WRITE,
    ORDERS_COMPARE_EXCHANGE,
} orders_access;

/* Applies an operation so that the flag becomes PUBLISHED; returns whether
 * the operation returned what it should. */
typedef bool (*orders_publish_fn)(orders_flag *flag, memory_order order);

/* Applies an operation once, leaving a PUBLISHED flag PUBLISHED; returns
 * whether it saw PUBLISHED. */
typedef bool (*orders_observe_fn)(orders_flag *flag, memory_order order);

/* A compare-exchange that never succeeds (it expects a value never stored);
 * returns whether its failure reported PUBLISHED. */
typedef bool (*orders_observe_failing_fn)(orders_flag *flag, memory_order success, memory_order failure);

/* One function of cymade/atomic.h, as the rounds drive it. */
typedef struct orders_operation {
    const char *name;
    orders_access access;
    /* Sets the flag to the value `publish` starts from; not an atomic access,
     * the threads see it through pthread_create. */
    void (*init)(orders_flag *flag);
    orders_publish_fn publish;                 /* NULL for loads */
    orders_observe_fn observe;                 /* NULL for stores */
    orders_observe_failing_fn observe_failing; /* compare-exchange only */
} orders_operation;

/* One type of cymade/atomic.h: its operations, and its load and store, which
 * are the other side of every publish and observe round. */
typedef struct orders_type {
    const char *name;
    orders_observe_fn load_is_published;
    orders_publish_fn store_published;
    const orders_operation *operations;
    size_t operation_count;
} orders_type;

extern const orders_type ORDERS_U64;
extern const orders_type ORDERS_I64;
extern const orders_type ORDERS_F64;
extern const orders_type ORDERS_PTR;

/* What a case's order is for: the operation's only order, or one of a
 * compare-exchange's two. */
typedef enum orders_role {
    ORDERS_ROLE_ORDER,
    ORDERS_ROLE_SUCCESS,
    ORDERS_ROLE_FAILURE,
} orders_role;

enum { ORDERS_CASE_NAME_SIZE = 80 };

/* One (operation, memory order) pair, named type.function.order, or
 * type.function.success.order / type.function.failure.order. */
typedef struct orders_case {
    char name[ORDERS_CASE_NAME_SIZE];
    const orders_type *type;
    const orders_operation *operation;
    orders_role role;
    memory_order order;
} orders_case;

/* The writer's and the reader's side of one two-thread run. */
typedef struct orders_round {
    const char *description;
    orders_publish_fn publish;
    memory_order publish_order;
    /* Exactly one of observe and observe_failing is set. */
    orders_observe_fn observe;
    orders_observe_failing_fn observe_failing;
    memory_order observe_order;
    memory_order observe_failure;
    bool carries_payload;
} orders_round;

/* A case runs at most a publish and an observe round. */
enum { ORDERS_MAX_ROUNDS = 2 };

/* Fills `cases` (if not NULL) with every pair the contract allows; returns
 * how many there are. */
size_t orders_build_cases(orders_case *cases);

/* The rounds that test `c`; returns how many. */
size_t orders_case_rounds(const orders_case *c, orders_round rounds[ORDERS_MAX_ROUNDS]);

/* State of one run of one round: fresh for every run, so every run's
 * payload is a distinct address and a distinct race candidate. */
typedef struct orders_channel {
    orders_flag flag;
    uint64_t payload;
    const orders_round *round;
    const char *case_name;
    atomic_uint threads_started;
    bool writer_ok;
    bool reader_ok;
} orders_channel;

/* Each round runs this many times, each on its own channel. */
enum { ORDERS_RUNS_PER_ROUND = 3 };
enum { ORDERS_CHANNELS_PER_CASE = ORDERS_MAX_ROUNDS * ORDERS_RUNS_PER_ROUND };

/* Runs every round of `c` on two threads, using `channels`
 * (ORDERS_CHANNELS_PER_CASE of them, zeroed); prints a line per failure and
 * returns whether all passed.  A missing happens-before is TSan's to report. */
bool orders_run_case(const orders_case *c, orders_channel *channels);

#endif /* CYMADE_VERIFY_ORDERS_H */
