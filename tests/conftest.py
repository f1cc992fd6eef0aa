"""Shared fixtures and the --slow switch for full-size property and fault tests.

Every test runs by default. A test marked ``slow`` takes the ``full_size``
fixture and picks its size from it: reduced by default, full under ``--slow``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

# On CI (CI=true) examples are derandomised: a submission lands or not on its own
# merits, never on the luck of a draw; locally every run explores new inputs.
_FIXED = bool(os.environ.get("CI"))
settings.register_profile("ci", max_examples=60, deadline=None, derandomize=_FIXED)
settings.register_profile("slow", max_examples=1000, deadline=None, derandomize=_FIXED)
settings.register_profile("dev", max_examples=60, deadline=None)


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true", default=False,
                     help="run the long property and fault tests (marker: slow) at full "
                          "size; by default they run at a reduced size")


def pytest_configure(config):
    settings.load_profile("slow" if config.getoption("--slow") else
                          os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_collection_modifyitems(config, items):
    """A `slow` test that ignores --slow would run at full size by default:
    refuse it at collection, naming the test."""
    unsized = [item.nodeid for item in items if item.get_closest_marker("slow")
               and "full_size" not in getattr(item, "fixturenames", ())]
    if unsized:
        raise pytest.UsageError("tests marked slow must take the full_size fixture: "
                                + ", ".join(unsized))


@pytest.fixture(scope="session")
def full_size(request) -> bool:
    """True under --slow: a `slow` test runs at full size, else at a reduced one."""
    return bool(request.config.getoption("--slow"))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def default_cleaner():
    import boilerstrip

    return boilerstrip.Cleaner()
