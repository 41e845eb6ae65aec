"""Fixtures for the model tests beyond the default models of tests/conftest.py."""

from __future__ import annotations

import json

import pytest

from support import run_confide

QWEN_ID = "qwen2.5-coder-0.5b-instruct"


@pytest.fixture(scope="session")
def qwen_dir(models_data_dir):
    """Qwen2.5-Coder-0.5B-Instruct, installed once beside the defaults (the Makefile's
    test-models line does it before the suite; here it is a no-op that checks the install)."""
    result = run_confide("models", "install", QWEN_ID, data_dir=models_data_dir, timeout=1800)
    if result.returncode != 0:
        pytest.fail(f"installing {QWEN_ID} failed: {result.stderr.strip()}", pytrace=False)
    return models_data_dir / "models" / QWEN_ID


@pytest.fixture(scope="session")
def qwen_reference(shared_dir):
    return json.loads((shared_dir / "reference" / "qwen2.5-coder-0.5b-llamacpp.json").read_text())
