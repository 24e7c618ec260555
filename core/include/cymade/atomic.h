/*
 * cymade/atomic.h - the one atomics layer every part of cymade goes through.
 *
 * Every operation is a thin, always-inline wrapper over a C11 <stdatomic.h>
 * operation and takes an explicit memory order; nothing here picks an order on
 * the caller's behalf.  The wrappers exist so that (a) every atomic access in
 * the library has one greppable name that verify/ tests by litmus and by
 * semantics, and (b) doubles get bitwise compare-exchange.
 *
 * The header is valid C11 and valid C++23 (which provides <stdatomic.h> and the
 * _Atomic(T) specifier), so GoogleTest suites can include it directly.
 *
 * Memory-order contract (C11 7.17.3), common to every function below:
 *   - load:       order must be relaxed, consume, acquire or seq_cst.
 *   - store:      order must be relaxed, release or seq_cst.
 *   - read-modify-write (exchange, fetch_*, successful compare-exchange):
 *                 any order.  The read and the write are one indivisible step
 *                 in the object's modification order (RMW atomicity).
 *   - failed compare-exchange: `failure` is a load order (relaxed, acquire or
 *                 seq_cst) no stronger than `success`; the current value is
 *                 written back to *expected.
 *   - weak compare-exchange may fail spuriously (even when *expected equals the
 *                 current value); use it only inside a retry loop.
 * Passing an order outside these sets is undefined behaviour, as in C11.
 *
 * ThreadSanitizer does not model atomic_thread_fence: code that must be TSan
 * clean puts its ordering on the accesses themselves, not on fences.
 */
#ifndef CYMADE_ATOMIC_H
#define CYMADE_ATOMIC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define CYMADE_ALWAYS_INLINE static inline __attribute__((always_inline))

/* ---------------------------------------------------------------------------
 * Unsigned 64-bit integers.  Arithmetic wraps modulo 2**64 (C11 7.17.7.5).
 * ------------------------------------------------------------------------- */

typedef struct cymade_atomic_u64 {
    _Atomic(uint64_t) value;
} cymade_atomic_u64;

/* Initialise an object no other thread can see yet (not an atomic access). */
CYMADE_ALWAYS_INLINE void cymade_atomic_u64_init(cymade_atomic_u64 *a, uint64_t v) {
    atomic_init(&a->value, v);
}

CYMADE_ALWAYS_INLINE uint64_t cymade_atomic_u64_load(const cymade_atomic_u64 *a, memory_order order) {
    return atomic_load_explicit((_Atomic(uint64_t) *)&a->value, order);
}

CYMADE_ALWAYS_INLINE void cymade_atomic_u64_store(cymade_atomic_u64 *a, uint64_t v, memory_order order) {
    atomic_store_explicit(&a->value, v, order);
}

/* Returns the value replaced. */
CYMADE_ALWAYS_INLINE uint64_t cymade_atomic_u64_exchange(cymade_atomic_u64 *a, uint64_t v, memory_order order) {
    return atomic_exchange_explicit(&a->value, v, order);
}

/* Stores `desired` iff the value equals *expected; otherwise loads the value
 * into *expected.  Returns whether the store happened. */
CYMADE_ALWAYS_INLINE bool cymade_atomic_u64_compare_exchange_strong(cymade_atomic_u64 *a, uint64_t *expected,
                                                                    uint64_t desired, memory_order success,
                                                                    memory_order failure) {
    return atomic_compare_exchange_strong_explicit(&a->value, expected, desired, success, failure);
}

/* As the strong form, but may fail spuriously. */
CYMADE_ALWAYS_INLINE bool cymade_atomic_u64_compare_exchange_weak(cymade_atomic_u64 *a, uint64_t *expected,
                                                                  uint64_t desired, memory_order success,
                                                                  memory_order failure) {
    return atomic_compare_exchange_weak_explicit(&a->value, expected, desired, success, failure);
}

/* fetch_OP: value = value OP v, atomically; returns the value before. */
CYMADE_ALWAYS_INLINE uint64_t cymade_atomic_u64_fetch_add(cymade_atomic_u64 *a, uint64_t v, memory_order order) {
    return atomic_fetch_add_explicit(&a->value, v, order);
}

CYMADE_ALWAYS_INLINE uint64_t cymade_atomic_u64_fetch_sub(cymade_atomic_u64 *a, uint64_t v, memory_order order) {
    return atomic_fetch_sub_explicit(&a->value, v, order);
}

CYMADE_ALWAYS_INLINE uint64_t cymade_atomic_u64_fetch_and(cymade_atomic_u64 *a, uint64_t v, memory_order order) {
    return atomic_fetch_and_explicit(&a->value, v, order);
}

CYMADE_ALWAYS_INLINE uint64_t cymade_atomic_u64_fetch_or(cymade_atomic_u64 *a, uint64_t v, memory_order order) {
    return atomic_fetch_or_explicit(&a->value, v, order);
}

CYMADE_ALWAYS_INLINE uint64_t cymade_atomic_u64_fetch_xor(cymade_atomic_u64 *a, uint64_t v, memory_order order) {
    return atomic_fetch_xor_explicit(&a->value, v, order);
}

/* ---------------------------------------------------------------------------
 * Signed 64-bit integers.  Arithmetic is two's complement with silent
 * wrap-around; C11 7.17.7.5 defines it, so it is never undefined behaviour.
 * ------------------------------------------------------------------------- */

typedef struct cymade_atomic_i64 {
    _Atomic(int64_t) value;
} cymade_atomic_i64;

CYMADE_ALWAYS_INLINE void cymade_atomic_i64_init(cymade_atomic_i64 *a, int64_t v) {
    atomic_init(&a->value, v);
}

CYMADE_ALWAYS_INLINE int64_t cymade_atomic_i64_load(const cymade_atomic_i64 *a, memory_order order) {
    return atomic_load_explicit((_Atomic(int64_t) *)&a->value, order);
}

CYMADE_ALWAYS_INLINE void cymade_atomic_i64_store(cymade_atomic_i64 *a, int64_t v, memory_order order) {
    atomic_store_explicit(&a->value, v, order);
}

CYMADE_ALWAYS_INLINE int64_t cymade_atomic_i64_exchange(cymade_atomic_i64 *a, int64_t v, memory_order order) {
    return atomic_exchange_explicit(&a->value, v, order);
}

CYMADE_ALWAYS_INLINE bool cymade_atomic_i64_compare_exchange_strong(cymade_atomic_i64 *a, int64_t *expected,
                                                                    int64_t desired, memory_order success,
                                                                    memory_order failure) {
    return atomic_compare_exchange_strong_explicit(&a->value, expected, desired, success, failure);
}

CYMADE_ALWAYS_INLINE bool cymade_atomic_i64_compare_exchange_weak(cymade_atomic_i64 *a, int64_t *expected,
                                                                  int64_t desired, memory_order success,
                                                                  memory_order failure) {
    return atomic_compare_exchange_weak_explicit(&a->value, expected, desired, success, failure);
}

CYMADE_ALWAYS_INLINE int64_t cymade_atomic_i64_fetch_add(cymade_atomic_i64 *a, int64_t v, memory_order order) {
    return atomic_fetch_add_explicit(&a->value, v, order);
}

CYMADE_ALWAYS_INLINE int64_t cymade_atomic_i64_fetch_sub(cymade_atomic_i64 *a, int64_t v, memory_order order) {
    return atomic_fetch_sub_explicit(&a->value, v, order);
}

CYMADE_ALWAYS_INLINE int64_t cymade_atomic_i64_fetch_and(cymade_atomic_i64 *a, int64_t v, memory_order order) {
    return atomic_fetch_and_explicit(&a->value, v, order);
}

CYMADE_ALWAYS_INLINE int64_t cymade_atomic_i64_fetch_or(cymade_atomic_i64 *a, int64_t v, memory_order order) {
    return atomic_fetch_or_explicit(&a->value, v, order);
}

CYMADE_ALWAYS_INLINE int64_t cymade_atomic_i64_fetch_xor(cymade_atomic_i64 *a, int64_t v, memory_order order) {
    return atomic_fetch_xor_explicit(&a->value, v, order);
}

/* ---------------------------------------------------------------------------
 * Doubles.  The object holds the IEEE-754 bit pattern in a uint64_t, so every
 * comparison is bitwise: -0.0 and +0.0 are different values, and a NaN equals
 * a NaN with the same bits (a value-compare would loop forever on NaN).
 * Arithmetic follows IEEE-754: division by zero yields an infinity or NaN;
 * callers that want an error must check the operand first.
 * ------------------------------------------------------------------------- */

typedef struct cymade_atomic_f64 {
    _Atomic(uint64_t) bits;
} cymade_atomic_f64;

CYMADE_ALWAYS_INLINE uint64_t cymade_f64_to_bits(double v) {
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return bits;
}

CYMADE_ALWAYS_INLINE double cymade_f64_from_bits(uint64_t bits) {
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

CYMADE_ALWAYS_INLINE void cymade_atomic_f64_init(cymade_atomic_f64 *a, double v) {
    atomic_init(&a->bits, cymade_f64_to_bits(v));
}

CYMADE_ALWAYS_INLINE double cymade_atomic_f64_load(const cymade_atomic_f64 *a, memory_order order) {
    return cymade_f64_from_bits(atomic_load_explicit((_Atomic(uint64_t) *)&a->bits, order));
}

CYMADE_ALWAYS_INLINE void cymade_atomic_f64_store(cymade_atomic_f64 *a, double v, memory_order order) {
    atomic_store_explicit(&a->bits, cymade_f64_to_bits(v), order);
}

CYMADE_ALWAYS_INLINE double cymade_atomic_f64_exchange(cymade_atomic_f64 *a, double v, memory_order order) {
    return cymade_f64_from_bits(atomic_exchange_explicit(&a->bits, cymade_f64_to_bits(v), order));
}

/* Bitwise compare-exchange; on failure *expected receives the current value. */
CYMADE_ALWAYS_INLINE bool cymade_atomic_f64_compare_exchange_strong(cymade_atomic_f64 *a, double *expected,
                                                                    double desired, memory_order success,
                                                                    memory_order failure) {
    uint64_t expected_bits = cymade_f64_to_bits(*expected);
    bool stored = atomic_compare_exchange_strong_explicit(&a->bits, &expected_bits, cymade_f64_to_bits(desired),
                                                          success, failure);
    *expected = cymade_f64_from_bits(expected_bits);
    return stored;
}

CYMADE_ALWAYS_INLINE bool cymade_atomic_f64_compare_exchange_weak(cymade_atomic_f64 *a, double *expected,
                                                                  double desired, memory_order success,
                                                                  memory_order failure) {
    uint64_t expected_bits = cymade_f64_to_bits(*expected);
    bool stored =
        atomic_compare_exchange_weak_explicit(&a->bits, &expected_bits, cymade_f64_to_bits(desired), success, failure);
    *expected = cymade_f64_from_bits(expected_bits);
    return stored;
}

/* The CAS loop behind fetch_add/sub/mul/div on doubles: stores the value
 * `arithmetic` v (`arithmetic` is an operator) and leaves the value before
 * in `old_bits`.  The successful CAS uses `order`; a failed one only
 * reloads, so it is relaxed unless `order` asks for acquire semantics (the
 * value read feeds the next attempt only).  A macro, #undef'd after its four
 * uses: not part of the API. */
#define CYMADE_ATOMIC_F64_CAS_LOOP_(a, old_bits, arithmetic, v, order)                                        \
    do {                                                                                                      \
        memory_order failure_order = (order) == memory_order_seq_cst ? memory_order_seq_cst                   \
                                     : ((order) == memory_order_acquire || (order) == memory_order_acq_rel)   \
                                         ? memory_order_acquire                                               \
                                         : memory_order_relaxed;                                              \
        old_bits = atomic_load_explicit(&(a)->bits, failure_order);                                           \
        while (!atomic_compare_exchange_weak_explicit(                                                        \
            &(a)->bits, &old_bits, cymade_f64_to_bits(cymade_f64_from_bits(old_bits) arithmetic(v)), (order), \
            failure_order)) {                                                                                 \
        }                                                                                                     \
    } while (0)

/* fetch_OP on doubles: value = value OP v, atomically (a CAS loop); returns
 * the value before.  Lock-free, not wait-free. */
CYMADE_ALWAYS_INLINE double cymade_atomic_f64_fetch_add(cymade_atomic_f64 *a, double v, memory_order order) {
    uint64_t old_bits;
    CYMADE_ATOMIC_F64_CAS_LOOP_(a, old_bits, +, v, order);
    return cymade_f64_from_bits(old_bits);
}

CYMADE_ALWAYS_INLINE double cymade_atomic_f64_fetch_sub(cymade_atomic_f64 *a, double v, memory_order order) {
    uint64_t old_bits;
    CYMADE_ATOMIC_F64_CAS_LOOP_(a, old_bits, -, v, order);
    return cymade_f64_from_bits(old_bits);
}

CYMADE_ALWAYS_INLINE double cymade_atomic_f64_fetch_mul(cymade_atomic_f64 *a, double v, memory_order order) {
    uint64_t old_bits;
    CYMADE_ATOMIC_F64_CAS_LOOP_(a, old_bits, *, v, order);
    return cymade_f64_from_bits(old_bits);
}

CYMADE_ALWAYS_INLINE double cymade_atomic_f64_fetch_div(cymade_atomic_f64 *a, double v, memory_order order) {
    uint64_t old_bits;
    CYMADE_ATOMIC_F64_CAS_LOOP_(a, old_bits, /, v, order);
    return cymade_f64_from_bits(old_bits);
}

#undef CYMADE_ATOMIC_F64_CAS_LOOP_

/* ---------------------------------------------------------------------------
 * Pointers.
 * ------------------------------------------------------------------------- */

typedef struct cymade_atomic_ptr {
    _Atomic(void *) value;
} cymade_atomic_ptr;

CYMADE_ALWAYS_INLINE void cymade_atomic_ptr_init(cymade_atomic_ptr *a, void *v) {
    atomic_init(&a->value, v);
}

CYMADE_ALWAYS_INLINE void *cymade_atomic_ptr_load(const cymade_atomic_ptr *a, memory_order order) {
    return atomic_load_explicit((_Atomic(void *) *)&a->value, order);
}

CYMADE_ALWAYS_INLINE void cymade_atomic_ptr_store(cymade_atomic_ptr *a, void *v, memory_order order) {
    atomic_store_explicit(&a->value, v, order);
}

CYMADE_ALWAYS_INLINE void *cymade_atomic_ptr_exchange(cymade_atomic_ptr *a, void *v, memory_order order) {
    return atomic_exchange_explicit(&a->value, v, order);
}

CYMADE_ALWAYS_INLINE bool cymade_atomic_ptr_compare_exchange_strong(cymade_atomic_ptr *a, void **expected,
                                                                    void *desired, memory_order success,
                                                                    memory_order failure) {
    return atomic_compare_exchange_strong_explicit(&a->value, expected, desired, success, failure);
}

CYMADE_ALWAYS_INLINE bool cymade_atomic_ptr_compare_exchange_weak(cymade_atomic_ptr *a, void **expected, void *desired,
                                                                  memory_order success, memory_order failure) {
    return atomic_compare_exchange_weak_explicit(&a->value, expected, desired, success, failure);
}

/* ---------------------------------------------------------------------------
 * Fences.  Not modelled by ThreadSanitizer (see above).
 * ------------------------------------------------------------------------- */

/* Orders this thread's surrounding accesses against other threads. */
CYMADE_ALWAYS_INLINE void cymade_atomic_thread_fence(memory_order order) {
    atomic_thread_fence(order);
}

/* Orders accesses against a signal handler running on this same thread:
 * a compiler barrier only, no CPU fence. */
CYMADE_ALWAYS_INLINE void cymade_atomic_signal_fence(memory_order order) {
    atomic_signal_fence(order);
}

/* The helper macro above is the header's own, not part of the API. */
#undef CYMADE_ALWAYS_INLINE

#endif /* CYMADE_ATOMIC_H */
