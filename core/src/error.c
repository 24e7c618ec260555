#include "cymade/error.h"

const char *cymade_strerror(int error) {
    switch ((cymade_error)error) {
    case CYMADE_OK: return "success";
    case CYMADE_EINVAL: return "invalid argument";
    case CYMADE_ENOMEM: return "out of memory";
    case CYMADE_ESHUTDOWN: return "pool is shut down";
    case CYMADE_ETIMEDOUT: return "timed out";
    case CYMADE_EINTR: return "interrupted by a signal";
    case CYMADE_EFORKED: return "pool was created before fork() and cannot be used in the child";
    case CYMADE_EAGAIN: return "could not start a worker thread";
    }
    return "unknown cymade error";
}
