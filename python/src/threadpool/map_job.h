/*
 * map_job.h - the jobs of one ThreadPool.map() call: bare engine futures
 * (cymade/future.h), allocated a block at a time, with no Python object
 * each.
 *
 * map() hands out results, never futures, so a Future per item (future.h:
 * a GC-tracked object in CPython's 256-byte class, created and collected
 * once per item) would be pure overhead.  A map job is 112 bytes in a block
 * of MAP_BLOCK_JOBS, allocated below glibc's mmap threshold so that blocks
 * freed by one map() are reused by the next instead of being faulted in
 * again.
 *
 * Lifetime: a job holds two references while queued, the list's (handed to
 * whoever takes it, map_iterator.c) and the pool's (cymade_pool_submit_future
 * takes it over).  The last release drops the job's argument and outcome.
 * A block lives while any of its jobs does, and while the list still points
 * at it.
 *
 * Thread safety: a list is built, then consumed, by one thread at a time
 * (map_iterator.h).  A job's argument is written before submission and then
 * touched only by the worker that runs it; its outcome is written by that
 * worker before completion, which publishes it (release) to whoever sees
 * the final state (acquire).  Block reference counts are atomic: workers
 * release jobs too.  GIL held, or a thread state attached, for every call.
 */
#ifndef CYMADE_PY_MAP_JOB_H
#define CYMADE_PY_MAP_JOB_H

#include "compat.h"

#include <stdbool.h>

#include "cymade/future.h"
#include "module_state.h"

typedef struct map_block map_block;

typedef struct map_job {
    cymade_future core; /* job_arg: this job; result: the outcome, a strong reference */
    PyObject *argument; /* the item, or the tuple of items to unpack; NULL once the job ran */
    map_block *block;
} map_job;

/* The jobs of one map() call, in submission order, and a cursor over them. */
typedef struct map_jobs {
    map_block *head;        /* the block of the next job to take; NULL: none left */
    map_block *tail;        /* where the next job goes */
    int head_index;         /* the next job to take, within head */
    PyObject *fn;           /* what every job calls */
    bool unpack;            /* arguments are tuples, passed as fn(*argument) */
    PyObject *broken_error; /* BrokenThreadPool, raised by jobs of a broken pool */
} map_jobs;

/* An empty list of jobs calling fn (new references to fn and broken_error). */
void map_jobs_init(map_jobs *jobs, PyObject *fn, bool unpack, PyObject *broken_error);

/* A new job for `argument` at the end of the list, holding both its
 * references; not taken by map_jobs_take until map_jobs_commit.  NULL with
 * MemoryError. */
map_job *map_jobs_prepare(map_jobs *jobs, PyObject *argument);

/* The prepared job was submitted (the pool took its reference). */
void map_jobs_commit(map_jobs *jobs);

/* The prepared job was not submitted: drops both its references. */
void map_jobs_abandon(map_job *job);

/* The next job, whose list reference the caller now owns (map_job_release),
 * or NULL at the end. */
map_job *map_jobs_take(map_jobs *jobs);

/* Takes and releases every job left (their jobs still run), and the list's
 * own references. */
void map_jobs_clear(map_jobs *jobs);

/* tp_traverse's visit of what the list holds and no worker will touch
 * again: fn, the argument and outcome of each final job not yet taken, and
 * each block's fn once all its jobs are final.  (A reference a queued or
 * running job still needs is not visited, so the collector never clears
 * what a worker is about to use.) */
int map_jobs_traverse(const map_jobs *jobs, visitproc visit, void *arg);

/* The outcome of a final job: its value, or NULL with its exception (or
 * CancelledError from `state`) set. */
PyObject *map_job_outcome(map_job *job, threadpool_state *state);

/* Drops a reference taken with map_jobs_take. */
void map_job_release(map_job *job);

#endif /* CYMADE_PY_MAP_JOB_H */
