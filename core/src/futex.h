/*
 * futex.h - the two Linux futex calls cymade needs, on the low half of a
 * 64-bit atomic word (x86-64 and AArch64 Linux are little-endian, so the low
 * 32 bits sit at the word's address).
 */
#ifndef CYMADE_FUTEX_H
#define CYMADE_FUTEX_H

#include <stdint.h>
#include <time.h>

#include "cymade/atomic.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "futex words use the low half of a 64-bit atomic");

/* Sleeps while the low 32 bits of *word equal `expected`, until woken or until
 * the CLOCK_MONOTONIC `deadline` (NULL: no deadline).  Returns 0 when woken or
 * when the value differed, ETIMEDOUT at the deadline, EINTR on a signal. */
int futex_wait_low32(cymade_atomic_u64 *word, uint32_t expected, const struct timespec *deadline);

/* Wakes up to `count` threads sleeping on `word`. */
void futex_wake(cymade_atomic_u64 *word, int count);

/* CLOCK_MONOTONIC now + `timeout_ns`. */
struct timespec futex_deadline_after(uint64_t timeout_ns);

#endif /* CYMADE_FUTEX_H */
