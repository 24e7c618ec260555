"""The version of cymade, for the build.

core/include/cymade/version.h carries the same numbers for C programs;
//core:version_test checks that the two agree.  The shared library's file
name and SONAME, the pkg-config file and the Python wheel take it from here.
"""

VERSION_MAJOR = 0
VERSION_MINOR = 1
VERSION_PATCH = 0

VERSION = "%d.%d.%d" % (VERSION_MAJOR, VERSION_MINOR, VERSION_PATCH)
