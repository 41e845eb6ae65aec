"""A guard against a reference-count bug of PySide6 6.12 on Python 3.11.

There, every SignalInstance.emit() drops one reference to ``True`` that it never took. On
Python 3.12+ ``True`` is immortal and nothing happens; on 3.11 the process aborts with
"bool_dealloc: deallocating True or False" after a few hundred emits (a streamed summary
emits thousands). The bug is measured once, at import: when an emit loses a reference,
emit() is wrapped to give it back; with a fixed PySide6 nothing is changed.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal, SignalInstance

_PROBE_EMITS = 16


class _Probe(QObject):
    ping = Signal()


def emit_loses_references_to_true() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(_PROBE_EMITS):
        probe.ping.emit()
    lost = before - sys.getrefcount(True)
    if lost > 0:  # give back what the probe itself lost
        for _ in range(lost):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    return lost >= _PROBE_EMITS


def install() -> bool:
    """Wraps SignalInstance.emit when (and only when) it is broken. Returns True if wrapped."""
    if getattr(SignalInstance.emit, "_confide_refcount_guard", False):
        return True
    if not emit_loses_references_to_true():
        return False
    broken_emit = SignalInstance.emit
    give_back = ctypes.pythonapi.Py_IncRef
    true_object = ctypes.py_object(True)

    def emit(self, *args):
        result = broken_emit(self, *args)
        give_back(true_object)
        return result

    emit._confide_refcount_guard = True
    SignalInstance.emit = emit
    return True


INSTALLED = install()
