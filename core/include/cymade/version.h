/*
 * cymade/version.h - the version of the C API a program is compiled against.
 *
 * The macros are the version of these headers; cymade_version() is the
 * version of the library the program loaded at run time.  A program that
 * wants to refuse an older library than the one it was built for compares
 * the two (docs/c-api.md has the ABI policy: the shared library's SONAME
 * carries the MAJOR number, so a loaded library never has a different
 * MAJOR than the headers).  core/version.bzl holds the same numbers for the
 * build (library file names, pkg-config file, wheel); a test checks that
 * they agree.
 */
#ifndef CYMADE_VERSION_H
#define CYMADE_VERSION_H

#ifdef __cplusplus
extern "C" {
#endif

#define CYMADE_VERSION_MAJOR 0
#define CYMADE_VERSION_MINOR 1
#define CYMADE_VERSION_PATCH 0
#define CYMADE_VERSION_STRING "0.1.0"

/* The version of the library that is running, "MAJOR.MINOR.PATCH" (its
 * CYMADE_VERSION_STRING when it was built).  A static string; never NULL. */
const char *cymade_version(void);

#ifdef __cplusplus
}
#endif

#endif /* CYMADE_VERSION_H */
