/*
 * cymade/cacheline.h - cache-line size used to keep hot atomics apart.
 */
#ifndef CYMADE_CACHELINE_H
#define CYMADE_CACHELINE_H

/* x86-64 and most AArch64 parts use 64-byte lines; adjacent-line prefetch makes
 * 128 safer for the two hottest counters, which ring.h pads explicitly. */
#define CYMADE_CACHELINE_SIZE 64

#endif /* CYMADE_CACHELINE_H */
