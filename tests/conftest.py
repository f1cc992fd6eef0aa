"""Shared fixtures and the --slow switch for full-size property and fault tests."""

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
                     help="run the full-size property and fault tests (marker: slow)")


def pytest_configure(config):
    settings.load_profile("slow" if config.getoption("--slow") else
                          os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_collection_modifyitems(config, items):
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="full size: run with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def default_cleaner():
    import boilerstrip

    return boilerstrip.Cleaner()
