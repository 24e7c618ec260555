/* Futures: a state word with futex waiting, and a sealed callback stack. */
#include "cymade/future.h"

#include <errno.h>
#include <limits.h>

#include "alloc.h"
#include "future_internal.h"
#include "futex.h"

#define STATE_MASK UINT64_C(0xffffffff)
#define WAITER_ONE (UINT64_C(1) << 32)

struct cymade_done_callback {
    cymade_done_callback *next;
    cymade_done_callback_fn fn;
    void *arg;
};

/* The callback stack's "sealed" mark: once installed, adders run their
 * callback themselves.  Its address is unique and never a real node. */
static cymade_done_callback callbacks_sealed;

static void free_with_allocator(cymade_future *future) {
    cymade_free(future);
}

void cymade_future_init(cymade_future *future, cymade_job_fn job, void *job_arg,
                        void (*free_fn)(cymade_future *future)) {
    cymade_atomic_u64_init(&future->state, CYMADE_FUTURE_PENDING);
    cymade_atomic_u64_init(&future->references, 1);
    cymade_atomic_ptr_init(&future->callbacks, NULL);
    future->job = job;
    future->job_arg = job_arg;
    future->result = NULL;
    future->status = 0;
    future->priority = 0;
    future->sequence = 0;
    future->free_fn = free_fn;
    future->final_fn = NULL;
}

cymade_future *future_create(cymade_job_fn job, void *job_arg) {
    cymade_future *future = cymade_malloc(sizeof *future);
    if (future != NULL) {
        cymade_future_init(future, job, job_arg, free_with_allocator);
    }
    return future;
}

cymade_future_state cymade_future_get_state(const cymade_future *future) {
    /* acquire: pairs with the completing release, so DONE implies the result. */
    return (cymade_future_state)(cymade_atomic_u64_load(&future->state, memory_order_acquire) & STATE_MASK);
}

static bool state_is_final(uint64_t state) {
    uint64_t s = state & STATE_MASK;
    return s == CYMADE_FUTURE_DONE || s == CYMADE_FUTURE_CANCELLED;
}

bool cymade_future_is_final(const cymade_future *future) {
    /* acquire: as cymade_future_get_state. */
    return state_is_final(cymade_atomic_u64_load(&future->state, memory_order_acquire));
}

int cymade_future_wait(cymade_future *future, int64_t timeout_ns) {
    struct timespec deadline;
    if (timeout_ns >= 0) {
        deadline = futex_deadline_after((uint64_t)timeout_ns);
    }
    for (;;) {
        /* acquire, and an RMW: announcing ourselves and reading the state is
         * one step in the word's modification order, so the completer's RMW
         * either precedes it (we see the final state, and acquire its result)
         * or follows it (the completer sees our announcement and wakes us). */
        uint64_t state = cymade_atomic_u64_fetch_add(&future->state, WAITER_ONE, memory_order_acquire);
        if (state_is_final(state)) {
            cymade_atomic_u64_fetch_sub(&future->state, WAITER_ONE, memory_order_relaxed);
            return CYMADE_OK;
        }
        int rc = futex_wait_low32(&future->state, (uint32_t)(state & STATE_MASK), timeout_ns >= 0 ? &deadline : NULL);
        /* relaxed: the waiter count only decides whether to issue a wake. */
        cymade_atomic_u64_fetch_sub(&future->state, WAITER_ONE, memory_order_relaxed);
        if (rc == ETIMEDOUT) {
            return cymade_future_is_final(future) ? CYMADE_OK : CYMADE_ETIMEDOUT;
        }
        if (rc == EINTR) {
            return cymade_future_is_final(future) ? CYMADE_OK : CYMADE_EINTR;
        }
    }
}

/* Moves the state from `from` to `to`, keeping the waiter count; returns the
 * previous word, or UINT64_MAX if the state was not `from`. */
static uint64_t transition(cymade_future *future, uint64_t from, uint64_t to) {
    /* relaxed: only a hint for the CAS below. */
    uint64_t state = cymade_atomic_u64_load(&future->state, memory_order_relaxed);
    do {
        if ((state & STATE_MASK) != from) {
            return UINT64_MAX;
        }
        /* acq_rel: release publishes the result to readers of the final
         * state; acquire orders the job after the submitter's writes.  The
         * waiter count read needs no more: RMWs on one word are totally
         * ordered (see cymade_future_wait). */
    } while (!cymade_atomic_u64_compare_exchange_weak(&future->state, &state, (state & ~STATE_MASK) | to,
                                                      memory_order_acq_rel, memory_order_relaxed));
    return state;
}

static void run_callbacks(cymade_future *future) {
    /* acq_rel: acquire the nodes pushed with release; release the seal to
     * adders, which then see the final state. */
    cymade_done_callback *node =
        cymade_atomic_ptr_exchange(&future->callbacks, &callbacks_sealed, memory_order_acq_rel);
    /* The stack is newest-first; run in registration order. */
    cymade_done_callback *in_order = NULL;
    while (node != NULL) {
        cymade_done_callback *next = node->next;
        node->next = in_order;
        in_order = node;
        node = next;
    }
    while (in_order != NULL) {
        cymade_done_callback *next = in_order->next;
        in_order->fn(future, in_order->arg);
        cymade_free(in_order);
        in_order = next;
    }
}

static void finish(cymade_future *future, uint64_t previous_state) {
    if (future->final_fn != NULL) {
        future->final_fn(future);
    }
    run_callbacks(future);
    if ((previous_state >> 32) != 0) {
        futex_wake(&future->state, INT_MAX);
    }
}

bool future_start(cymade_future *future) {
    return transition(future, CYMADE_FUTURE_PENDING, CYMADE_FUTURE_RUNNING) != UINT64_MAX;
}

void future_complete(cymade_future *future, void *result, int status) {
    future->result = result;
    future->status = status;
    finish(future, transition(future, CYMADE_FUTURE_RUNNING, CYMADE_FUTURE_DONE));
}

bool cymade_future_cancel(cymade_future *future) {
    uint64_t previous = transition(future, CYMADE_FUTURE_PENDING, CYMADE_FUTURE_CANCELLED);
    if (previous == UINT64_MAX) {
        return false;
    }
    finish(future, previous);
    return true;
}

void *cymade_future_result(const cymade_future *future) {
    return future->result;
}

int cymade_future_status(const cymade_future *future) {
    return future->status;
}

int cymade_future_add_done_callback(cymade_future *future, cymade_done_callback_fn callback, void *arg) {
    if (future == NULL || callback == NULL) {
        return CYMADE_EINVAL;
    }
    cymade_done_callback *node = cymade_malloc(sizeof *node);
    if (node == NULL) {
        return CYMADE_ENOMEM;
    }
    node->fn = callback;
    node->arg = arg;
    /* acquire: if we read the seal, the completer's result is visible. */
    void *head = cymade_atomic_ptr_load(&future->callbacks, memory_order_acquire);
    do {
        if (head == &callbacks_sealed) {
            cymade_free(node);
            callback(future, arg);
            return CYMADE_OK;
        }
        node->next = head;
        /* release: publishes the node to the completer's acquire exchange. */
    } while (!cymade_atomic_ptr_compare_exchange_weak(&future->callbacks, &head, node, memory_order_release,
                                                      memory_order_acquire));
    return CYMADE_OK;
}

void cymade_future_retain(cymade_future *future) {
    /* relaxed: the caller already holds a reference (Boost/shared_ptr idiom). */
    cymade_atomic_u64_fetch_add(&future->references, 1, memory_order_relaxed);
}

void cymade_future_release(cymade_future *future) {
    /* acq_rel: release our uses of the future; the last releaser acquires
     * everyone else's before freeing. */
    if (cymade_atomic_u64_fetch_sub(&future->references, 1, memory_order_acq_rel) == 1) {
        cymade_done_callback *pending = cymade_atomic_ptr_load(&future->callbacks, memory_order_relaxed);
        /* A future never run nor cancelled may still hold callbacks. */
        while (pending != NULL && pending != &callbacks_sealed) {
            cymade_done_callback *next = pending->next;
            cymade_free(pending);
            pending = next;
        }
        future->free_fn(future);
    }
}
