#include "worker_gil.h"

#include "cymade/internal/monotonic_clock.h"

/* Thread-locals of a worker thread; NULL/false on every other thread.
 * initial-exec, as in core/src/worker.h: no __tls_get_addr call per job. */
#define WORKER_TLS _Thread_local __attribute__((tls_model("initial-exec")))

static WORKER_TLS PyThreadState *worker_thread_state;
static WORKER_TLS bool worker_holds_gil;
static WORKER_TLS unsigned jobs_since_clock_check;
static WORKER_TLS int64_t gil_held_since_ns;
static WORKER_TLS int64_t gil_hold_limit_ns;
static WORKER_TLS const cymade_atomic_u64 *worker_broken_flag;

/* Two switch intervals (sys.getswitchinterval(), read once per worker). */
static int64_t read_gil_hold_limit_ns(void) {
    PyObject *interval = PySys_GetObject("getswitchinterval"); /* borrowed; the sys function */
    PyObject *seconds = interval ? PyObject_CallNoArgs(interval) : NULL;
    double value = seconds ? PyFloat_AsDouble(seconds) : -1.0;
    Py_XDECREF(seconds);
    if (value <= 0) {
        PyErr_Clear();
        value = 0.005; /* CPython's default */
    }
    return (int64_t)(2 * value * 1e9);
}

void worker_gil_enter(const cymade_atomic_u64 *broken) {
    worker_thread_state = PyThreadState_Get();
    worker_holds_gil = true;
    jobs_since_clock_check = 0;
    gil_hold_limit_ns = read_gil_hold_limit_ns();
    gil_held_since_ns = (int64_t)monotonic_clock_ns();
    worker_broken_flag = broken;
}

void worker_gil_leave(void) {
    worker_gil_hold();
    worker_thread_state = NULL;
    worker_holds_gil = false;
    worker_broken_flag = NULL;
}

void worker_gil_hold(void) {
    if (!worker_holds_gil) {
        PyEval_RestoreThread(worker_thread_state);
        worker_holds_gil = true;
        jobs_since_clock_check = 0;
        gil_held_since_ns = (int64_t)monotonic_clock_ns();
    }
}

void worker_gil_release(void) {
    if (worker_holds_gil) {
        PyEval_SaveThread();
        worker_holds_gil = false;
    }
}

/* A thread waiting for the GIL asks its holder to drop it once a switch
 * interval passed without a switch, and the bytecode loop honours the
 * request, in our Python jobs too.  Dropping and retaking the GIL when
 * nobody asked counts as a switch and restarts every waiter's interval, so
 * doing it often (it used to be every 64 jobs) means no waiter ever asks:
 * it starved other threads.  Jobs that run no bytecode (builtins) never
 * look at a request, so after two intervals of holding the GIL the worker
 * drops it once: by then any waiter has asked, and CPython's forced
 * switching hands it over. */
void worker_gil_yield_if_due(void) {
    if (!worker_holds_gil || ++jobs_since_clock_check < WORKER_GIL_CLOCK_CHECK_JOBS) {
        return;
    }
    jobs_since_clock_check = 0;
    int64_t now = (int64_t)monotonic_clock_ns();
    if (now - gil_held_since_ns >= gil_hold_limit_ns) {
        PyEval_SaveThread();
        PyEval_RestoreThread(worker_thread_state);
        gil_held_since_ns = (int64_t)monotonic_clock_ns();
    }
}

bool worker_pool_is_broken(void) {
    /* acquire: pairs with the failing initializer's release (pool.c). */
    return worker_broken_flag != NULL && cymade_atomic_u64_load(worker_broken_flag, memory_order_acquire) != 0;
}

/* Whether the calling thread holds the GIL.  On a worker, whether its own
 * thread state is attached (compat_current_thread_state): a load and a
 * compare, the common case, since workers complete and free their jobs'
 * futures.  Not worker_holds_gil, which a job makes stale when it releases
 * the GIL (Py_BEGIN_ALLOW_THREADS) around a call that reaches the engine,
 * such as shutdown(cancel_futures=True).  Elsewhere PyGILState_Check, which
 * compares the thread's own thread state with the holder's.  Not the
 * unchecked thread state alone: on 3.11 that is the GIL holder of the
 * whole runtime, whichever thread it is (a soak run caught refcount
 * corruption from trusting it). */
static bool gil_held(void) {
    if (worker_thread_state != NULL) {
        return compat_current_thread_state() == worker_thread_state;
    }
    return PyGILState_Check();
}

gil_guard gil_guard_enter(void) {
    gil_guard guard = {.ensured = !gil_held()};
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
