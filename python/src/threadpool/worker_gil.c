#include "worker_gil.h"

/* Thread-locals of a worker thread; NULL/false on every other thread. */
static _Thread_local PyThreadState *worker_thread_state;
static _Thread_local bool worker_holds_gil;
static _Thread_local unsigned jobs_since_yield;

void worker_gil_attach(PyInterpreterState *interp) {
    worker_thread_state = PyThreadState_New(interp);
    if (worker_thread_state == NULL) {
        /* Nothing can run a Python job on this thread, and the engine has
         * already counted it as a worker: stop loudly rather than strand
         * the jobs it would take. */
        Py_FatalError("cymade: out of memory creating a ThreadPool worker's thread state");
    }
    worker_holds_gil = false;
}

void worker_gil_hold(void) {
    if (!worker_holds_gil) {
        PyEval_RestoreThread(worker_thread_state);
        worker_holds_gil = true;
        jobs_since_yield = 0;
    }
}

void worker_gil_release(void) {
    if (worker_holds_gil) {
        PyEval_SaveThread();
        worker_holds_gil = false;
    }
}

void worker_gil_yield_if_due(void) {
    if (worker_holds_gil && ++jobs_since_yield >= WORKER_GIL_BATCH) {
        jobs_since_yield = 0;
        /* CPython hands the GIL to a waiting thread when it is dropped while
         * a drop request is pending (forced switching). */
        PyEval_SaveThread();
        PyEval_RestoreThread(worker_thread_state);
    }
}

void worker_gil_detach(void) {
    worker_gil_hold();
    PyThreadState_Clear(worker_thread_state);
    PyThreadState_DeleteCurrent();
    worker_thread_state = NULL;
    worker_holds_gil = false;
}

/* Always PyGILState_Ensure, never worker_holds_gil: a job may have released
 * the GIL (Py_BEGIN_ALLOW_THREADS) around a call that reaches the engine,
 * such as shutdown(cancel_futures=True), whose cancellations call back here
 * on the same thread; the flag would be stale there.  Ensure is cheap when
 * the GIL is already held: it only counts. */
gil_guard gil_guard_enter(void) {
    return (gil_guard){.state = PyGILState_Ensure()};
}

void gil_guard_exit(gil_guard guard) {
    PyGILState_Release(guard.state);
}
