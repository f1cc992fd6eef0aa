"""The examples in the package's docstrings run and say the truth."""

from __future__ import annotations

import doctest

import boilerstrip


def test_package_docstring_examples():
    failures, tried = doctest.testmod(boilerstrip, raise_on_error=False)
    assert tried >= 4 and failures == 0
