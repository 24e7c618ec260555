"""Entry point that lets `bazel test` run a pytest module with the registered interpreter."""

import sys

import pytest

if __name__ == "__main__":
    sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", *sys.argv[1:]]))
