#include "worker_gil.h"

/* Thread-locals of a worker thread; NULL/false on every other thread.
 * initial-exec, as in core/src/pool.c: no __tls_get_addr call per job. */
#define WORKER_TLS _Thread_local __attribute__((tls_model("initial-exec")))

static WORKER_TLS PyThreadState *worker_thread_state;
static WORKER_TLS bool worker_holds_gil;
static WORKER_TLS unsigned jobs_since_yield;

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

/* Whether the calling thread holds the GIL.  PyGILState_Check compares this
 * thread's own thread state with the one holding the GIL.  Not
 * _PyThreadState_UncheckedGet: on 3.11 that is the GIL holder of the whole
 * runtime, whichever thread it is (a soak run caught refcount corruption
 * from trusting it).  Not worker_holds_gil either, which a job makes stale
 * when it releases the GIL (Py_BEGIN_ALLOW_THREADS) around a call that
 * reaches the engine, such as shutdown(cancel_futures=True). */
gil_guard gil_guard_enter(void) {
    gil_guard guard = {.ensured = !PyGILState_Check()};
    if (guard.ensured) {
        guard.state = PyGILState_Ensure();
    }
    return guard;
}

void gil_guard_exit(gil_guard guard) {
    if (guard.ensured) {
        PyGILState_Release(guard.state);
    }
}
