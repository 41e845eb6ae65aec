"""Speech to text: Whisper (faster-whisper, CTranslate2 int8) on a local model folder.

transcriber = Transcriber.load(model_dir, threads=2)
for event in transcriber.transcribe(Path("meeting.m4a"), cancel=token):
    ...  # TranscriptionProgress, Segment (models.types), then one TranscriptionResult
"""

from models.whisper.audio_io import SAMPLE_RATE, AudioInfo, decode_blocks, probe
from models.whisper.events import NO_SPEECH_MESSAGE, TranscriptionEvent, TranscriptionProgress, TranscriptionResult
from models.whisper.live import LiveTranscription
from models.whisper.transcriber import DecodeOptions, Transcriber, TranscriptionRun
from models.whisper.windows import FILE_WINDOWS, LIVE_WINDOWS, AudioWindow, Windower, WindowPolicy

__all__ = [
    "AudioInfo",
    "AudioWindow",
    "DecodeOptions",
    "FILE_WINDOWS",
    "LIVE_WINDOWS",
    "LiveTranscription",
    "NO_SPEECH_MESSAGE",
    "SAMPLE_RATE",
    "Transcriber",
    "TranscriptionEvent",
    "TranscriptionProgress",
    "TranscriptionResult",
    "TranscriptionRun",
    "WindowPolicy",
    "Windower",
    "decode_blocks",
    "probe",
]
