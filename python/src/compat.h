/*
 * compat.h - every difference between the CPython versions cymade supports,
 * in one place: 3.11, 3.12, 3.13 and 3.14 (3.15 as a preview), each with the
 * GIL or free-threaded (Py_GIL_DISABLED, 3.13+).  No other file in
 * python/src tests PY_VERSION_HEX or Py_GIL_DISABLED, nor writes #if around
 * a difference; each difference has a name here instead.
 *
 * Naming policy: a difference is a `compat_<what>` static inline function
 * (or type), named for what it does, and callers call it on every version.
 * Only where C needs text rather than a call — an entry of a module-slot or
 * member table, the fields of a struct — is it a `COMPAT_<WHAT>` macro,
 * which expands to nothing on the versions without the difference.
 *
 *   version  what changed                          names below
 *   3.12     <Python.h> no longer includes         (this header includes
 *            <stddef.h> (offsetof)                 <stddef.h>)
 *   3.12     Py_T_PYSSIZET/Py_READONLY public,     COMPAT_WEAKLIST_MEMBER
 *            <structmember.h> deprecated
 *   3.12     PyErr_GetRaisedException replaces     compat_fetch_exception,
 *            PyErr_Fetch/PyErr_Restore             compat_raise_exception
 *   3.12     compact ints behind                   compat_long_compact_value
 *            PyUnstable_Long_CompactValue
 *   3.12     Python classes keep __weakref__       COMPAT_PYCLASS_INSTANCE_FIELDS,
 *            before the object header              COMPAT_PYCLASS_WEAKLIST_MEMBER,
 *            (Py_TPFLAGS_MANAGED_WEAKREF)          compat_pyclass_layout_matches,
 *                                                  compat_pyclass_init_weakrefs,
 *                                                  compat_pyclass_clear_weakrefs
 *   3.12     the instance __dict__ before the      compat_pyclass_visit_dict,
 *            header gets visit/clear functions     compat_pyclass_clear_dict
 *            (public from 3.13 on)
 *   3.12     Py_mod_multiple_interpreters          COMPAT_SLOT_PER_INTERPRETER_GIL
 *   3.13     Py_mod_gil                            COMPAT_SLOT_GIL_NOT_USED
 *   3.13     Py_IsFinalizing public                compat_is_finalizing
 *   3.13     PyThreadState_GetUnchecked public     compat_current_thread_state
 *   3.13     PyWeakref_GetRef; PyWeakref_GetObject compat_weakref_get
 *            deprecated (removed later)
 *   3.13     PyMutex, critical sections            compat_mutex_*,
 *            (free-threaded)                       compat_critical_section_*
 */
#ifndef CYMADE_PY_COMPAT_H
#define CYMADE_PY_COMPAT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>

#if PY_VERSION_HEX < 0x030B0000
#error "cymade supports CPython 3.11 and newer"
#endif

/* ---------------------------------------------------------------------------
 * Module definition slots
 * ------------------------------------------------------------------------- */

#if PY_VERSION_HEX >= 0x030C0000
#define COMPAT_SLOT_PER_INTERPRETER_GIL {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#else
#define COMPAT_SLOT_PER_INTERPRETER_GIL
#endif

#if PY_VERSION_HEX >= 0x030D0000
#define COMPAT_SLOT_GIL_NOT_USED {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#else
#define COMPAT_SLOT_GIL_NOT_USED
#endif

/* ---------------------------------------------------------------------------
 * Weak references
 * ------------------------------------------------------------------------- */

#if PY_VERSION_HEX >= 0x030C0000
#define COMPAT_T_PYSSIZET Py_T_PYSSIZET
#define COMPAT_READONLY Py_READONLY
#else
#include <structmember.h>
#define COMPAT_T_PYSSIZET T_PYSSIZET
#define COMPAT_READONLY READONLY
#endif

/* The PyMemberDef that makes `Type.field` (a PyObject *) the weak-reference
 * list of a type of our own. */
#define COMPAT_WEAKLIST_MEMBER(Type, field) \
    { "__weaklistoffset__", COMPAT_T_PYSSIZET, offsetof(Type, field), COMPAT_READONLY, NULL }

/* The referent of the weak reference `ref` as a new reference, or NULL (with
 * no exception) once it is gone. */
static inline PyObject *compat_weakref_get(PyObject *ref) {
#if PY_VERSION_HEX >= 0x030D0000
    PyObject *object = NULL;
    if (PyWeakref_GetRef(ref, &object) < 0) {
        PyErr_Clear(); /* not a weak reference: treat it as gone */
    }
    return object;
#else
    PyObject *object = PyWeakref_GetObject(ref);
    if (object == NULL) {
        PyErr_Clear();
        return NULL;
    }
    return object == Py_None ? NULL : Py_NewRef(object);
#endif
}

/* A C type whose base is a pure-Python class (cymade's Future subclasses
 * concurrent.futures.Future) starts its own fields where the Python
 * instance layout ends.  That layout is PyObject_HEAD plus, on 3.11,
 * __weakref__; from 3.12 on, __weakref__ lives before the header
 * (Py_TPFLAGS_MANAGED_WEAKREF, inherited from the base).  Both versions keep
 * __dict__ before the header (Py_TPFLAGS_MANAGED_DICT).  The type checks
 * its base against this at import.  COMPAT_PYCLASS_INSTANCE_FIELDS goes
 * right after PyObject_HEAD, and COMPAT_PYCLASS_WEAKLIST_MEMBER in the
 * type's member table. */
#if PY_VERSION_HEX >= 0x030C0000
#define COMPAT_PYCLASS_INSTANCE_FIELDS
#define COMPAT_PYCLASS_WEAKLIST_MEMBER
#else
#define COMPAT_PYCLASS_INSTANCE_FIELDS PyObject *pyclass_weakreflist;
#define COMPAT_PYCLASS_WEAKLIST_MEMBER \
    {"__weaklistoffset__", COMPAT_T_PYSSIZET, sizeof(PyObject), COMPAT_READONLY, NULL},
#endif

/* Whether `base` has the instance layout above: what a class statement
 * without __slots__ makes on this version. */
static inline int compat_pyclass_layout_matches(PyTypeObject *base) {
#if PY_VERSION_HEX >= 0x030C0000
    return base->tp_basicsize == (Py_ssize_t)sizeof(PyObject) && (base->tp_flags & Py_TPFLAGS_MANAGED_WEAKREF) &&
           base->tp_itemsize == 0;
#else
    return base->tp_basicsize == (Py_ssize_t)(sizeof(PyObject) + sizeof(PyObject *)) &&
           base->tp_weaklistoffset == (Py_ssize_t)sizeof(PyObject) && base->tp_itemsize == 0;
#endif
}

/* Starts the weak-reference list of such an object empty, for allocators
 * that do not zero (PyObject_GC_New).  On 3.11 the list is the field
 * COMPAT_PYCLASS_INSTANCE_FIELDS declares, the word right after the header;
 * from 3.12 on the base's allocation sets it up. */
static inline void compat_pyclass_init_weakrefs(PyObject *object) {
#if PY_VERSION_HEX >= 0x030C0000
    (void)object;
#else
    *(PyObject **)((char *)object + sizeof(PyObject)) = NULL;
#endif
}

/* Clears the weak references to such an object, in its dealloc.  On 3.11
 * the list is our own field, so the usual empty list costs no call. */
static inline void compat_pyclass_clear_weakrefs(PyObject *object) {
#if PY_VERSION_HEX >= 0x030C0000
    PyObject_ClearWeakRefs(object);
#else
    if (*(PyObject **)((char *)object + sizeof(PyObject)) != NULL) {
        PyObject_ClearWeakRefs(object);
    }
#endif
}

/* The instance __dict__ of such an object (Py_TPFLAGS_MANAGED_DICT, and
 * from 3.13 on perhaps values inline in the object, which PyObject_GC_New
 * initialises), for its tp_traverse and tp_clear: attributes users add live
 * there.  On 3.11 no function is exported; the dict pointer is the word
 * three before the object header (CPython 3.11's
 * _PyObject_ManagedDictPointer), with the values array before it left NULL
 * by PyObject_GC_New, so every attribute goes to that dict. */
static inline int compat_pyclass_visit_dict(PyObject *object, visitproc visit, void *arg) {
#if PY_VERSION_HEX >= 0x030D0000
    return PyObject_VisitManagedDict(object, visit, arg);
#elif PY_VERSION_HEX >= 0x030C0000
    return _PyObject_VisitManagedDict(object, visit, arg);
#else
    Py_VISIT(((PyObject **)object)[-3]);
    return 0;
#endif
}

static inline void compat_pyclass_clear_dict(PyObject *object) {
#if PY_VERSION_HEX >= 0x030D0000
    PyObject_ClearManagedDict(object);
#elif PY_VERSION_HEX >= 0x030C0000
    _PyObject_ClearManagedDict(object);
#else
    Py_CLEAR(((PyObject **)object)[-3]);
#endif
}

/* ---------------------------------------------------------------------------
 * Exceptions
 * ------------------------------------------------------------------------- */

/* The current exception as one object, its traceback attached, and clears
 * it; NULL if none is set. */
static inline PyObject *compat_fetch_exception(void) {
#if PY_VERSION_HEX >= 0x030C0000
    return PyErr_GetRaisedException();
#else
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    if (type == NULL) {
        return NULL;
    }
    PyErr_NormalizeException(&type, &value, &traceback);
    if (traceback != NULL) {
        PyException_SetTraceback(value, traceback);
        Py_DECREF(traceback);
    }
    Py_DECREF(type);
    return value;
#endif
}

/* Raises `exception` (borrowed) with its own traceback. */
static inline void compat_raise_exception(PyObject *exception) {
#if PY_VERSION_HEX >= 0x030C0000
    PyErr_SetRaisedException(Py_NewRef(exception));
#else
    PyErr_Restore(Py_NewRef((PyObject *)Py_TYPE(exception)), Py_NewRef(exception), PyException_GetTraceback(exception));
#endif
}

/* ---------------------------------------------------------------------------
 * Integers
 * ------------------------------------------------------------------------- */

/* If the exact int `o` fits in one machine word without any call (a
 * "compact" int), stores it in *value and returns 1; else returns 0. */
static inline int compat_long_compact_value(PyObject *o, long long *value) {
#if PY_VERSION_HEX >= 0x030C0000
    if (PyUnstable_Long_IsCompact((PyLongObject *)o)) {
        *value = (long long)PyUnstable_Long_CompactValue((PyLongObject *)o);
        return 1;
    }
    return 0;
#else
    Py_ssize_t size = Py_SIZE(o); /* sign * number of 30-bit digits */
    if (size >= -1 && size <= 1) {
        *value = size * (long long)((PyLongObject *)o)->ob_digit[0]; /* digit 0 is 0 for the int 0 */
        return 1;
    }
    return 0;
#endif
}

/* ---------------------------------------------------------------------------
 * Locks
 * ------------------------------------------------------------------------- */

/* A mutex that detaches the thread state while it waits where the version
 * allows (PyMutex, 3.13+); a PyThread lock before that. */
#if PY_VERSION_HEX >= 0x030D0000
typedef PyMutex compat_mutex;
static inline int compat_mutex_init(compat_mutex *mutex) {
    *mutex = (PyMutex){0};
    return 0;
}
static inline void compat_mutex_lock(compat_mutex *mutex) {
    PyMutex_Lock(mutex);
}
static inline void compat_mutex_unlock(compat_mutex *mutex) {
    PyMutex_Unlock(mutex);
}
static inline void compat_mutex_free(compat_mutex *mutex) {
    (void)mutex;
}
#else
typedef PyThread_type_lock compat_mutex;
static inline int compat_mutex_init(compat_mutex *mutex) {
    *mutex = PyThread_allocate_lock();
    return *mutex == NULL ? -1 : 0;
}
static inline void compat_mutex_lock(compat_mutex *mutex) {
    PyThread_acquire_lock(*mutex, WAIT_LOCK);
}
static inline void compat_mutex_unlock(compat_mutex *mutex) {
    PyThread_release_lock(*mutex);
}
static inline void compat_mutex_free(compat_mutex *mutex) {
    if (*mutex != NULL) {
        PyThread_free_lock(*mutex);
    }
}
#endif

/* A per-object critical section: on free-threaded builds (3.13+) the
 * object's own lock, as Py_BEGIN_CRITICAL_SECTION takes it; with a GIL,
 * which is the section, nothing at all.  begin and end pair up in one
 * function, around code that needs no other lock:
 *
 *     compat_critical_section section;
 *     compat_critical_section_begin(&section, object);
 *     ...
 *     compat_critical_section_end(&section);
 */
#ifdef Py_GIL_DISABLED
typedef PyCriticalSection compat_critical_section;
static inline void compat_critical_section_begin(compat_critical_section *section, PyObject *object) {
    PyCriticalSection_Begin(section, object);
}
static inline void compat_critical_section_end(compat_critical_section *section) {
    PyCriticalSection_End(section);
}
#else
typedef struct compat_critical_section {
    char unused; /* C wants a member */
} compat_critical_section;
static inline void compat_critical_section_begin(compat_critical_section *section, PyObject *object) {
    (void)section;
    (void)object;
}
static inline void compat_critical_section_end(compat_critical_section *section) {
    (void)section;
}
#endif

/* ---------------------------------------------------------------------------
 * Interpreter state
 * ------------------------------------------------------------------------- */

/* The calling thread's attached thread state, or NULL; never fails.  On
 * 3.11 it is the thread state holding the GIL, whichever thread that is, so
 * compare it only with a thread state of the calling thread: equal means
 * this thread holds the GIL on every version. */
static inline PyThreadState *compat_current_thread_state(void) {
#if PY_VERSION_HEX >= 0x030D0000
    return PyThreadState_GetUnchecked();
#else
    return _PyThreadState_UncheckedGet();
#endif
}

/* Whether the interpreter is finalizing (modules may be torn down). */
static inline int compat_is_finalizing(void) {
#if PY_VERSION_HEX >= 0x030D0000
    return Py_IsFinalizing();
#else
    return _Py_IsFinalizing();
#endif
}

#endif /* CYMADE_PY_COMPAT_H */
