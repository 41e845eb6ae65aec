"""The worker-thread bridge between the window and the engines (design.md).

The only place in app/ that imports QtCore. Tasks and their runners stay plain Python.
"""

from app.bridge.bridge import LANGUAGE, SPEECH, Bridge, TaskHandle
from app.bridge.jobs import EngineSlot, Job

__all__ = ["Bridge", "EngineSlot", "Job", "LANGUAGE", "SPEECH", "TaskHandle"]
