"""Everything about model files: catalog and provisioning, GGUF -> ONNX, the SLM runtime, Whisper.

No Qt, no SQLite, no imports from app/ or ui/.
"""
