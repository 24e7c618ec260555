/*
 * call_arguments.h - a job's arguments, kept in the vectorcall convention
 * (PEP 590) as submit() received them, so that running the job builds no
 * tuple or dict: most jobs take one or two arguments, which fit inline.
 *
 * Not thread-safe: a future's arguments are written by the submitting
 * thread before the job is queued and read by the one worker that runs it
 * (future.h).  GIL held (or the object's critical section) for every call.
 */
#ifndef CYMADE_PY_CALL_ARGUMENTS_H
#define CYMADE_PY_CALL_ARGUMENTS_H

#include "compat.h"

#include <stdint.h>

/* Values (positional and keyword) kept without a second allocation: two,
 * which with the other fields keeps a future in CPython's 256-byte
 * allocation class (future.h). */
#define CALL_ARGUMENTS_INLINE 2

/* `count` strong references at `values`: the positional arguments, then
 * the values of `keyword_names` (a tuple of str, or NULL for none).  The
 * slot before values[0] is free, so calls pass PY_VECTORCALL_ARGUMENTS_OFFSET
 * and a bound method prepends its self there without copying.  `values`
 * points into `inline_slots`, or into a PyMem array when count exceeds
 * CALL_ARGUMENTS_INLINE. */
typedef struct call_arguments {
    PyObject **values;
    int32_t positional_count;
    int32_t count;
    PyObject *keyword_names;
    PyObject *inline_slots[1 + CALL_ARGUMENTS_INLINE];
} call_arguments;

/* Keeps new references to args[0 .. nargs + len(kwnames)) and kwnames, the
 * arguments of a vectorcall.  0, or -1 with MemoryError (nothing kept;
 * also for more than INT32_MAX values, which no real call has). */
int call_arguments_store(call_arguments *arguments, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames);

/* fn(*arguments): a new reference, or NULL with an exception set.  The
 * arguments stay stored. */
PyObject *call_arguments_call(const call_arguments *arguments, PyObject *fn);

/* Drops the references; the arguments are then empty (count 0).  Safe on
 * empty arguments. */
void call_arguments_clear(call_arguments *arguments);

/* tp_traverse's visit of every reference held. */
int call_arguments_traverse(const call_arguments *arguments, visitproc visit, void *arg);

#endif /* CYMADE_PY_CALL_ARGUMENTS_H */
