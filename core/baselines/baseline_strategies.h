/*
 * baseline_strategies.h - the queue strategies the rings are measured
 * against.  Benchmarks, tests and verify/ only: the engine that ships
 * (//core:engine) neither contains nor links them.
 *
 *   mutex_queue_strategy  one FIFO for all workers under a mutex, idle
 *                         workers sleeping on a condition variable
 *                         (mutex_queue.c).
 *   wfcq_queue_strategy   one liburcu wait-free concurrent queue
 *                         (urcu/wfcqueue.h) with eventcount parking
 *                         (wfcq_queue.c); it has no ThreadSanitizer
 *                         annotations, so TSan builds must not run it.
 *
 * Both keep every promise of queue_strategy.h, so a pool over either
 * (pool_create_with_strategy) behaves as cymade_pool_create's, except that
 * neither has per-worker queues: worker_counts reports every job at worker
 * 0, and no ring grows.
 */
#ifndef CYMADE_BASELINE_STRATEGIES_H
#define CYMADE_BASELINE_STRATEGIES_H

#include "queue_strategy.h"

extern const queue_strategy mutex_queue_strategy;
extern const queue_strategy wfcq_queue_strategy;

#endif /* CYMADE_BASELINE_STRATEGIES_H */
