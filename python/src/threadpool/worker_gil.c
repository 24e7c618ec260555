#include "worker_gil.h"

#include "cymade/internal/monotonic_clock.h"

/* Thread-locals of a worker thread; NULL/false on every other thread.
 * initial-exec, as in core/src/worker.h: no __tls_get_addr call per job. */
#define WORKER_TLS _Thread_local __attribute__((tls_model("initial-exec")))

WORKER_TLS PyThreadState *worker_thread_state;
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

/* Takes the GIL for a job if this worker does not hold it. */
static void worker_gil_hold(void) {
    if (!worker_holds_gil) {
        PyEval_RestoreThread(worker_thread_state);
        worker_holds_gil = true;
        jobs_since_clock_check = 0;
        gil_held_since_ns = (int64_t)monotonic_clock_ns();
    }
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
static void worker_gil_yield_if_due(void) {
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

bool worker_gil_begin_job(void) {
    worker_gil_yield_if_due();
    worker_gil_hold();
    /* acquire: pairs with the failing initializer's release (pool.c). */
    return worker_broken_flag != NULL && cymade_atomic_u64_load(worker_broken_flag, memory_order_acquire) != 0;
}

gil_guard gil_guard_enter_slow(void) {
    gil_guard guard = {.ensured = !PyGILState_Check()};
    if (guard.ensured) {
        guard.state = PyGILState_Ensure();
    }
    return guard;
}
