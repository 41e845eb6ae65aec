"""Everything about model files: catalog and provisioning, GGUF -> ONNX, the SLM runtime, Whisper.

No Qt, no SQLite, no imports from app/ or ui/.
"""

import os

# ONNX Runtime (1.32 on Linux) records a telemetry event per process (program path, OS, a device
# id) in ~/.cache/Microsoft/DeveloperTools/.onnxruntime and tries to upload it to
# mobile.events.data.microsoft.com. It reads this switch once, when the library is loaded, so it
# is set here, before any module of this package can import onnxruntime (the language model and
# faster-whisper's speech detector both do). Confide sends nothing anywhere: always on.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"
