/*
 * cymade._core: the extension module behind the cymade package.
 *
 * Multi-phase initialisation (PEP 489) with no global state, so the module can
 * be loaded in several interpreters and, on 3.13+, without the GIL.
 */
#include "compat.h"

#include "cymade/verified.h"

static int cymade_core_exec(PyObject *module) {
    /* The summary of the verify/ suites this build passed (see //verify:gate). */
    return PyModule_AddStringConstant(module, "verified", CYMADE_VERIFIED);
}

static PyModuleDef_Slot cymade_core_slots[] = {
    {Py_mod_exec, cymade_core_exec},
    COMPAT_SLOT_PER_INTERPRETER_GIL COMPAT_SLOT_GIL_NOT_USED{0, NULL},
};

static struct PyModuleDef cymade_core_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "cymade._core",
    .m_doc = "Native core of cymade: verified C11 atomics and a lock-free thread pool.",
    .m_size = 0,
    .m_slots = cymade_core_slots,
};

PyMODINIT_FUNC PyInit__core(void) {
    return PyModuleDef_Init(&cymade_core_module);
}
