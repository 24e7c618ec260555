/*
 * cymade._atomic, layer 6 (module): U64, I64, Int and Float, numbers that
 * many threads update without a threading.Lock.  This file is the module: its
 * state, multi-phase initialisation and type registration; each type lives in
 * its own file.
 *
 * The files form layers, each using only the layers before it, so no name
 * refers forward:
 *   1. checked arithmetic: checked_ops.h (pure C)
 *   2. objects: atomic_objects.h, atomic_objects.c (layouts, memory orders,
 *      recognising, reading and freeing an atomic)
 *   3. operands: operands.h, operands.c (arguments to C values, errors)
 *   4. number protocol: number_protocol.h, number_protocol.c (an atomic as
 *      its plain value; the shared slots)
 *   5. types: int64_types.c, bigint_type.c, float_type.c (atomic_types.h)
 *   6. module: this file
 *
 * Hand-written C API in the style of CPython's Modules/_queuemodule.c: heap
 * types made by PyType_FromModuleAndSpec, module state instead of C globals,
 * multi-phase initialisation, and no reliance on the GIL (U64, I64 and Float
 * live in cymade/atomic.h atomics; Int's PyLong is guarded by its own lock).
 */
#include "atomic_types.h"
#include "number_protocol.h"

#include "cymade/verified.h"

typedef struct {
    PyTypeObject *U64_type;
    PyTypeObject *I64_type;
    PyTypeObject *Int_type;
    PyTypeObject *Float_type;
} atomic_state;

static inline atomic_state *get_state(PyObject *module) {
    return (atomic_state *)PyModule_GetState(module);
}

static int add_type(PyObject *module, const PyType_Spec *spec, bool is_integer, PyTypeObject **slot) {
    *slot = atomic_type_from_spec(module, spec, is_integer);
    if (*slot == NULL) {
        return -1;
    }
    return PyModule_AddType(module, *slot);
}

static int atomic_exec(PyObject *module) {
    atomic_state *st = get_state(module);
    if (add_type(module, &U64_spec, true, &st->U64_type) < 0 || add_type(module, &I64_spec, true, &st->I64_type) < 0 ||
        add_type(module, &bigint_spec, true, &st->Int_type) < 0 ||
        add_type(module, &float_spec, false, &st->Float_type) < 0) {
        return -1;
    }
    /* The verify/ suites this build passed (see //verify:gate), as in
     * cymade._core: the atomics this module is built on are among them. */
    return PyModule_AddStringConstant(module, "__verified__", CYMADE_VERIFIED);
}

static int atomic_traverse(PyObject *module, visitproc visit, void *arg) {
    atomic_state *st = get_state(module);
    Py_VISIT(st->U64_type);
    Py_VISIT(st->I64_type);
    Py_VISIT(st->Int_type);
    Py_VISIT(st->Float_type);
    return 0;
}

static int atomic_clear(PyObject *module) {
    atomic_state *st = get_state(module);
    Py_CLEAR(st->U64_type);
    Py_CLEAR(st->I64_type);
    Py_CLEAR(st->Int_type);
    Py_CLEAR(st->Float_type);
    return 0;
}

static void atomic_free(void *module) {
    (void)atomic_clear((PyObject *)module);
}

static PyModuleDef_Slot atomic_slots[] = {
    {Py_mod_exec, atomic_exec},
    COMPAT_SLOT_PER_INTERPRETER_GIL COMPAT_SLOT_GIL_NOT_USED{0, NULL},
};

static struct PyModuleDef atomic_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "cymade._atomic",
    .m_doc = "U64, I64, Int and Float: numbers updated atomically without a threading.Lock.",
    .m_size = sizeof(atomic_state),
    .m_slots = atomic_slots,
    .m_traverse = atomic_traverse,
    .m_clear = atomic_clear,
    .m_free = atomic_free,
};

PyMODINIT_FUNC PyInit__atomic(void) {
    return PyModuleDef_Init(&atomic_module);
}
