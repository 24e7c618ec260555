#include "map_job.h"

#include <stddef.h>

#include "worker_gil.h"

/* 1024 jobs of 112 bytes: a block stays under glibc's 128 KiB mmap
 * threshold (see map_job.h). */
#define MAP_BLOCK_JOBS 1024

enum map_job_status { MAP_JOB_RETURNED = 0, MAP_JOB_RAISED = 1 };

struct map_block {
    cymade_atomic_u64 references; /* jobs not yet freed, plus the list's while it points here */
    map_block *next;
    PyObject *fn;
    PyObject *broken_error;
    bool unpack;
    int count; /* committed jobs */
    map_job jobs[MAP_BLOCK_JOBS];
};

_Static_assert(sizeof(map_block) < 128 * 1024, "a block must stay under glibc's default mmap threshold");

static void map_block_release(map_block *block) {
    /* acq_rel: every user's accesses to the block happen-before its free. */
    if (cymade_atomic_u64_fetch_sub(&block->references, 1, memory_order_acq_rel) == 1) {
        Py_DECREF(block->fn);
        Py_DECREF(block->broken_error);
        PyMem_RawFree(block);
    }
}

/* The engine's job function: fn(argument) or fn(*argument), on a worker. */
static int map_job_run(void *arg, void **result) {
    map_job *job = arg;
    map_block *block = job->block;
    PyObject *outcome;
    if (worker_gil_begin_job()) {
        /* As ThreadPoolExecutor fails what is queued when an initializer fails. */
        PyErr_SetString(block->broken_error, THREADPOOL_BROKEN_MESSAGE);
        outcome = NULL;
    } else if (block->unpack) {
        outcome = PyObject_Vectorcall(block->fn, &PyTuple_GET_ITEM(job->argument, 0),
                                      (size_t)PyTuple_GET_SIZE(job->argument), NULL);
    } else {
        /* The slot before the argument is free for a bound method's self. */
        PyObject *call[2] = {NULL, job->argument};
        outcome = PyObject_Vectorcall(block->fn, call + 1, 1 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
    }
    int status = MAP_JOB_RETURNED;
    if (outcome == NULL) {
        outcome = compat_fetch_exception();
        status = MAP_JOB_RAISED;
    }
    *result = outcome;
    Py_CLEAR(job->argument);
    return status;
}

/* The last release, on whatever thread makes it. */
static void map_job_free(cymade_future *core) {
    map_job *job = (map_job *)((char *)core - offsetof(map_job, core));
    gil_guard guard = gil_guard_enter();
    Py_XDECREF(job->argument);            /* still set if the job was cancelled */
    Py_XDECREF((PyObject *)core->result); /* NULL unless the job ran */
    map_block_release(job->block);
    gil_guard_exit(guard);
}

void map_jobs_init(map_jobs *jobs, PyObject *fn, bool unpack, PyObject *broken_error) {
    jobs->head = NULL;
    jobs->tail = NULL;
    jobs->head_index = 0;
    jobs->fn = Py_NewRef(fn);
    jobs->unpack = unpack;
    jobs->broken_error = Py_NewRef(broken_error);
}

static map_block *map_block_create(const map_jobs *jobs) {
    map_block *block = PyMem_RawMalloc(sizeof *block);
    if (block == NULL) {
        return NULL;
    }
    cymade_atomic_u64_init(&block->references, 1); /* the list's */
    block->next = NULL;
    block->fn = Py_NewRef(jobs->fn);
    block->broken_error = Py_NewRef(jobs->broken_error);
    block->unpack = jobs->unpack;
    block->count = 0;
    return block;
}

map_job *map_jobs_prepare(map_jobs *jobs, PyObject *argument) {
    map_block *block = jobs->tail;
    if (block == NULL || block->count == MAP_BLOCK_JOBS) {
        block = map_block_create(jobs);
        if (block == NULL) {
            PyErr_NoMemory();
            return NULL;
        }
        if (jobs->tail == NULL) {
            jobs->head = block;
        } else {
            jobs->tail->next = block;
        }
        jobs->tail = block;
    }
    map_job *job = &block->jobs[block->count];
    cymade_future_init(&job->core, map_job_run, job, map_job_free);
    cymade_future_retain(&job->core); /* the pool's, for cymade_pool_submit_future */
    job->argument = Py_NewRef(argument);
    job->block = block;
    /* relaxed: the list's own reference keeps the block alive meanwhile. */
    cymade_atomic_u64_fetch_add(&block->references, 1, memory_order_relaxed);
    return job;
}

void map_jobs_commit(map_jobs *jobs) {
    jobs->tail->count++;
}

void map_jobs_abandon(map_job *job) {
    cymade_future_release(&job->core);
    cymade_future_release(&job->core);
}

map_job *map_jobs_take(map_jobs *jobs) {
    map_block *block = jobs->head;
    if (block == NULL || jobs->head_index == block->count) {
        return NULL; /* only the last block is ever partly filled */
    }
    map_job *job = &block->jobs[jobs->head_index++];
    if (jobs->head_index == MAP_BLOCK_JOBS) {
        /* The list lets go of the block; the taken job's reference keeps
         * it alive for the caller. */
        jobs->head = block->next;
        jobs->head_index = 0;
        if (jobs->head == NULL) {
            jobs->tail = NULL;
        }
        map_block_release(block);
    }
    return job;
}

void map_jobs_clear(map_jobs *jobs) {
    for (map_job *job; (job = map_jobs_take(jobs)) != NULL;) {
        map_job_release(job);
    }
    if (jobs->head != NULL) {
        map_block_release(jobs->head); /* the partly filled last block */
        jobs->head = NULL;
        jobs->tail = NULL;
    }
    Py_CLEAR(jobs->fn);
    Py_CLEAR(jobs->broken_error);
}

int map_jobs_traverse(const map_jobs *jobs, visitproc visit, void *arg) {
    Py_VISIT(jobs->fn);
    int first = jobs->head_index;
    for (const map_block *block = jobs->head; block != NULL; block = block->next, first = 0) {
        bool all_final = true;
        for (int i = 0; i < block->count; i++) {
            const map_job *job = &block->jobs[i];
            if (!cymade_future_is_final(&job->core)) {
                all_final = false;
            } else if (i >= first) {
                Py_VISIT(job->argument);
                Py_VISIT((PyObject *)job->core.result);
            }
        }
        /* The block's reference to fn only once none of its jobs can call
         * it any more: the collector must never clear fn under a job that
         * is about to run. */
        if (all_final) {
            Py_VISIT(block->fn);
        }
    }
    return 0;
}

PyObject *map_job_outcome(map_job *job, threadpool_state *state) {
    if (cymade_future_get_state(&job->core) == CYMADE_FUTURE_CANCELLED) {
        PyErr_SetNone(state->cancelled_error);
        return NULL;
    }
    PyObject *outcome = job->core.result;
    if (job->core.status == MAP_JOB_RAISED) {
        compat_raise_exception(outcome);
        return NULL;
    }
    return Py_NewRef(outcome);
}

void map_job_release(map_job *job) {
    cymade_future_release(&job->core);
}
