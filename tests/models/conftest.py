"""Fixtures for the model tests beyond tests/conftest.py's: Qwen's reference from llama.cpp."""

from __future__ import annotations

import json

import pytest


@pytest.fixture(scope="session")
def qwen_reference(shared_dir):
    return json.loads((shared_dir / "reference" / "qwen2.5-coder-0.5b-llamacpp.json").read_text())
