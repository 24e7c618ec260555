#include "cymade/version.h"

const char *cymade_version(void) {
    return CYMADE_VERSION_STRING;
}
