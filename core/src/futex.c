#define _GNU_SOURCE /* syscall, clock_gettime, posix_memalign under -std=c11 */
#include "futex.h"

#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "monotonic_clock.h"

int futex_wait_low32(cymade_atomic_u64 *word, uint32_t expected, const struct timespec *deadline) {
    /* FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline, so a
     * spurious return can simply retry without recomputing the timeout. */
    long rc = syscall(SYS_futex, (uint32_t *)(void *)word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, expected, deadline,
                      NULL, FUTEX_BITSET_MATCH_ANY);
    if (rc == 0) {
        return 0;
    }
    switch (errno) {
    case ETIMEDOUT: return ETIMEDOUT;
    case EINTR: return EINTR;
    default: return 0; /* EAGAIN: the value had already changed */
    }
}

void futex_wake(cymade_atomic_u64 *word, int count) {
    syscall(SYS_futex, (uint32_t *)(void *)word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, count, NULL, NULL, 0);
}

struct timespec futex_deadline_after(uint64_t timeout_ns) {
    uint64_t at = monotonic_clock_ns() + timeout_ns;
    struct timespec deadline = {.tv_sec = (time_t)(at / 1000000000u), .tv_nsec = (long)(at % 1000000000u)};
    return deadline;
}
