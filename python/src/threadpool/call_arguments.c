#include "call_arguments.h"

#include <stdbool.h>

static void set_empty(call_arguments *arguments) {
    arguments->values = &arguments->inline_slots[1];
    arguments->positional_count = 0;
    arguments->count = 0;
    arguments->keyword_names = NULL;
}

int call_arguments_store(call_arguments *arguments, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    Py_ssize_t count = nargs + (kwnames != NULL ? PyTuple_GET_SIZE(kwnames) : 0);
    set_empty(arguments);
    if (count > INT32_MAX) {
        PyErr_NoMemory();
        return -1;
    }
    if (count > CALL_ARGUMENTS_INLINE) {
        PyObject **slots = PyMem_Malloc((size_t)(1 + count) * sizeof(PyObject *));
        if (slots == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        arguments->values = slots + 1;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        arguments->values[i] = Py_NewRef(args[i]);
    }
    arguments->positional_count = (int32_t)nargs;
    arguments->count = (int32_t)count;
    arguments->keyword_names = count > nargs ? Py_NewRef(kwnames) : NULL;
    return 0;
}

PyObject *call_arguments_call(const call_arguments *arguments, PyObject *fn) {
    return PyObject_Vectorcall(fn, arguments->values,
                               (size_t)arguments->positional_count | PY_VECTORCALL_ARGUMENTS_OFFSET,
                               arguments->keyword_names);
}

void call_arguments_clear(call_arguments *arguments) {
    /* Emptied before the references go, since a value's destructor may run
     * arbitrary code; inline values stay readable (set_empty keeps them). */
    PyObject **values = arguments->values;
    int32_t count = arguments->count;
    PyObject *keyword_names = arguments->keyword_names;
    bool heap = values != &arguments->inline_slots[1];
    set_empty(arguments);
    for (int32_t i = 0; i < count; i++) {
        Py_DECREF(values[i]);
    }
    Py_XDECREF(keyword_names);
    if (heap) {
        PyMem_Free(values - 1);
    }
}

int call_arguments_traverse(const call_arguments *arguments, visitproc visit, void *arg) {
    for (int32_t i = 0; i < arguments->count; i++) {
        Py_VISIT(arguments->values[i]);
    }
    Py_VISIT(arguments->keyword_names);
    return 0;
}
