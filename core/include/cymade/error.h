/*
 * cymade/error.h - error codes returned by the C API.
 */
#ifndef CYMADE_ERROR_H
#define CYMADE_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cymade_error {
    CYMADE_OK = 0,
    CYMADE_EINVAL = -1,    /* a bad argument: NULL function, 0 workers, ... */
    CYMADE_ENOMEM = -2,    /* out of memory; nothing was accepted */
    CYMADE_ESHUTDOWN = -3, /* the pool is shut down (or being destroyed) */
    CYMADE_ETIMEDOUT = -4, /* a wait's timeout expired */
    CYMADE_EINTR = -5,     /* a wait was interrupted by a signal */
    CYMADE_EFORKED = -6,   /* the pool was created in the parent of a fork() */
    CYMADE_EAGAIN = -7,    /* could not start a thread; nothing was created */
} cymade_error;

/* A short, static description of `error` ("invalid argument", ...). */
const char *cymade_strerror(int error);

#ifdef __cplusplus
}
#endif

#endif /* CYMADE_ERROR_H */
