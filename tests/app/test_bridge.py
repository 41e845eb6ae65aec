"""The worker-thread bridge, with real QThreads and scripted runners (no models needed)."""

from __future__ import annotations

import logging
import threading
import time

import numpy as np
import pytest
from heartbeat import heartbeat

from app.bridge import LANGUAGE, SPEECH, Bridge
from app.errors import AppError, ModelError
from app.tasks.events import Done, DraftReady, Progress


def scripted(steps, delay=0.01):
    """A runner yielding a piece of its result (a DraftReady) for each step, then Done(joined text)."""

    def run(task, engine, cancel):
        session = engine.get()
        out = []
        for index, step in enumerate(steps):
            if cancel.is_set():
                return
            time.sleep(delay)
            out.append(f"{session}:{step}")
            yield DraftReady(index, step)
        yield Done(" ".join(out))

    return run


def endless(record: dict):
    """A runner that works until its token is set, noting when it noticed."""

    def run(task, engine, cancel):
        record["thread"] = threading.get_ident()
        n = 0
        try:
            while not cancel.is_set():
                time.sleep(0.02)
                n += 1
                yield Progress(fraction=None, message=f"step {n}")
        finally:
            record["stopped_at"] = time.monotonic()

    return run


def busy(seconds: float):
    """A runner that keeps a CPU busy in numpy (GIL released) and in Python, like an engine."""

    def run(task, engine, cancel):
        a = np.random.default_rng(0).standard_normal((256, 256)).astype(np.float32)
        end = time.monotonic() + seconds
        n = 0
        while time.monotonic() < end and not cancel.is_set():
            a = np.tanh(a @ a.T / 256.0)
            n += 1
            yield DraftReady(n, f"tok{n} ")
        yield Done(n)

    return run


@pytest.fixture
def bridge(qtbot):
    loads = []

    def loader(name):
        def load():
            loads.append((name, threading.get_ident()))
            return f"{name}-session"

        return load

    made = Bridge({SPEECH: loader(SPEECH), LANGUAGE: loader(LANGUAGE)})
    made.loads = loads
    yield made
    with qtbot.waitSignal(made.stopped, timeout=5000):
        made.shutdown()


def test_events_arrive_in_order_in_the_gui_thread(bridge, qtbot):
    """A runner's events reach the handle's signals in order, in the GUI thread, ending with done."""
    handle = bridge.submit(LANGUAGE, "task", scripted(["a", "b", "c"]))
    seen = []
    handle.partial.connect(lambda e: seen.append((e.text, threading.get_ident())))
    with qtbot.waitSignal(handle.finished, timeout=3000) as finished:
        pass
    assert finished.args == ["done"]
    assert [text for text, _ in seen] == ["a", "b", "c"]
    assert {tid for _, tid in seen} == {threading.get_ident()}
    assert handle.result == "language-session:a language-session:b language-session:c"


def test_the_engine_loads_once_lazily_in_its_worker_thread(bridge, qtbot):
    """Nothing loads until a task asks; then once, in the worker's thread, and is reused."""
    assert bridge.loads == []
    for _ in range(3):
        handle = bridge.submit(LANGUAGE, "task", scripted(["x"], delay=0))
        with qtbot.waitSignal(handle.finished, timeout=3000):
            pass
    assert len(bridge.loads) == 1
    name, thread_id = bridge.loads[0]
    assert name == LANGUAGE and thread_id != threading.get_ident()


def test_replacing_the_engine_reloads_it_for_later_tasks(bridge, qtbot):
    """After replace_engine, the next task gets a session from the new loader."""
    first = bridge.submit(LANGUAGE, "t", scripted(["x"], delay=0))
    bridge.replace_engine(LANGUAGE, lambda: "other")
    second = bridge.submit(LANGUAGE, "t", scripted(["x"], delay=0))
    with qtbot.waitSignal(second.finished, timeout=3000):
        pass
    assert first.result == "language-session:x"
    assert second.result == "other:x"


def test_same_engine_queues_and_engines_run_side_by_side(bridge, qtbot):
    """Two language tasks run one after the other; a speech task overlaps them."""
    spans = {}

    def timed(name):
        def run(task, engine, cancel):
            start = time.monotonic()
            time.sleep(0.3)
            spans[name] = (start, time.monotonic())
            yield Done(name)

        return run

    handles = [
        bridge.submit(LANGUAGE, 1, timed("lm1")),
        bridge.submit(LANGUAGE, 2, timed("lm2")),
        bridge.submit(SPEECH, 3, timed("sp")),
    ]
    assert handles[1].state == "queued"
    qtbot.waitUntil(lambda: all(h.state == "done" for h in handles), timeout=5000)
    assert spans["lm2"][0] >= spans["lm1"][1]
    assert spans["sp"][0] < spans["lm1"][1]


def test_cancel_is_immediate_in_the_gui_and_stops_the_worker(bridge, qtbot):
    """cancel() reports cancelled synchronously; the worker stops within 2 s; later events are dropped."""
    record = {}
    handle = bridge.submit(SPEECH, "t", endless(record))
    with qtbot.waitSignal(handle.progress, timeout=3000):
        pass
    late = []
    with qtbot.waitSignal(handle.finished, timeout=0, raising=True) as finished:
        asked = time.monotonic()
        handle.cancel()
    assert finished.args == ["cancelled"] and handle.state == "cancelled"
    handle.progress.connect(late.append)
    qtbot.waitUntil(lambda: "stopped_at" in record, timeout=2000)
    assert record["stopped_at"] - asked < 2.0
    qtbot.wait(100)
    assert late == []


def test_a_queued_task_cancelled_before_it_starts_never_runs(bridge, qtbot):
    """Cancelling a queued job means its runner is never called."""
    record, ran = {}, []
    blocker = bridge.submit(SPEECH, "t", endless(record))
    queued = bridge.submit(SPEECH, "t", lambda *a: (ran.append(1), (yield Done(1))))
    queued.cancel()
    blocker.cancel()
    follow = bridge.submit(SPEECH, "t", scripted(["ok"], delay=0))
    with qtbot.waitSignal(follow.finished, timeout=3000):
        pass
    assert ran == [] and queued.state == "cancelled"


def test_user_errors_fail_with_their_message_and_bugs_with_one_sentence(bridge, qtbot, caplog):
    """An AppError becomes its own sentence; a bug becomes a readable line and a logged traceback."""

    def user_error(task, engine, cancel):
        yield Progress(0.1)
        raise ModelError("The model 'x' is not installed; run `confide models install x`.")

    def bug(task, engine, cancel):
        yield Progress(0.1)
        return {}["missing"]

    def broken_loader_task(task, engine, cancel):
        engine.get()
        yield Done(1)

    first = bridge.submit(LANGUAGE, 1, user_error)
    with qtbot.waitSignal(first.finished, timeout=3000):
        pass
    assert first.state == "failed"
    assert first.error == "The model 'x' is not installed; run `confide models install x`."
    caplog.set_level(logging.ERROR)
    second = bridge.submit(LANGUAGE, 2, bug)
    with qtbot.waitSignal(second.finished, timeout=3000):
        pass
    assert second.state == "failed" and "KeyError" in second.error and "\n" not in second.error
    assert any(record.exc_info for record in caplog.records)

    def failing_load():
        raise AppError("No speech model is installed; run `confide models install whisper-base`.")

    bridge.replace_engine(SPEECH, failing_load)
    third = bridge.submit(SPEECH, 3, broken_loader_task)
    with qtbot.waitSignal(third.finished, timeout=3000):
        pass
    assert third.error.startswith("No speech model is installed")


def test_heartbeat_never_stalls_while_both_engines_work(bridge, qtbot):
    """With both workers busy (numpy + Python loops, streaming), GUI timer gaps stay under 100 ms."""
    timer, gaps = heartbeat()
    handles = [bridge.submit(LANGUAGE, 1, busy(2.0)), bridge.submit(SPEECH, 2, busy(2.0))]
    qtbot.waitUntil(lambda: all(not h.active for h in handles), timeout=10000)
    timer.stop()
    assert all(h.state == "done" and h.result > 0 for h in handles)
    assert len(gaps) > 50
    assert max(gaps) < 0.1, f"longest GUI gap {max(gaps) * 1000:.0f} ms"


def test_shutdown_stops_running_tasks_without_blocking(qtbot):
    """shutdown() returns at once, cancels the running jobs and reports every thread stopped."""
    record = {}
    made = Bridge()
    handle = made.submit(LANGUAGE, "t", endless(record))
    with qtbot.waitSignal(handle.progress, timeout=3000):
        pass
    began = time.monotonic()
    with qtbot.waitSignal(made.stopped, timeout=5000) as stopped:
        made.shutdown(timeout_s=4.0)
        assert time.monotonic() - began < 0.05
    assert stopped.args == [True]
    assert made.all_stopped() and "stopped_at" in record
    late = made.submit(LANGUAGE, "t", scripted(["x"]))
    qtbot.waitUntil(lambda: late.state == "cancelled", timeout=1000)
