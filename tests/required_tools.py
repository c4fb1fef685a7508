"""Tools that some tests need from the machine rather than from PyPI."""

import os

import pytest


def require(available, message):
    """Skip when a tool is missing on a developer's machine, but fail in CI, which installs
    the tools (.ci/run): a broken install must not pass as a run that tested nothing."""
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
