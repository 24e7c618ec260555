/*
 * cymade._atomic, layer 5 (types; see atomic_module.c for the layers): the
 * type specs the module layer registers.
 */
#ifndef CYMADE_PY_ATOMIC_TYPES_H
#define CYMADE_PY_ATOMIC_TYPES_H

#include "compat.h"

extern PyType_Spec U64_spec;    /* int64_types.c */
extern PyType_Spec I64_spec;    /* int64_types.c */
extern PyType_Spec bigint_spec; /* bigint_type.c */
extern PyType_Spec float_spec;  /* float_type.c */

#endif /* CYMADE_PY_ATOMIC_TYPES_H */
