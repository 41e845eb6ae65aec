"""Bounds on rendering a model's chat template, which is code from the model file.

jinja2's sandbox stops a template from reaching attributes it must not read, but not from
working forever or filling the memory: `range(10**9)`, `'x' * 10**12`, two nested loops of
99,999, a string doubled forty times. Here a render is bounded in

- size: `*`, `**`, `%` and `+` are intercepted and refused when their result would be huge,
  every call and filter is refused a size-like number argument beyond MAX_NUMBER_ARGUMENT (so
  neither `'x'.ljust(10**9)` nor `'x'|center(10**9)` allocates), and replace, join and indent
  are refused a result past MAX_SEQUENCE, estimated from their inputs;
- steps and time: a trace function on the template's own code counts its lines (each loop
  iteration is one or more) and watches the clock;
- output: the text is produced piece by piece and stopped past MAX_OUTPUT_CHARS.

A template past any of these is a TemplateLimitError; chat_template.py then calls the template
unusable and falls back to the plain transcript.
"""

from __future__ import annotations

import contextvars
import functools
import math
import operator
import re
import sys
import time

from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_STEPS = 2_000_000  # lines of template code; real templates take thousands per prompt
MAX_SECONDS = 2.0
MAX_SEQUENCE = 1 << 20  # characters or items a `*`, `+`, replace, join or indent may produce
MAX_NUMBER_ARGUMENT = 65_536  # a width, count or repeat given to a call or filter
MAX_POWER_BITS = 4096
TEMPLATE_FILENAME = "<template>"  # what jinja2 names the code it compiles from a string


class TemplateLimitError(Exception):
    """The template went past a limit (the message says which)."""


# The size limit of the render under way: MAX_SEQUENCE, or more for long messages (a 2 MB chat
# concatenated to its role is no bomb). A context variable: templates render in several threads.
_size_limit: contextvars.ContextVar[int] = contextvars.ContextVar("template_size_limit", default=MAX_SEQUENCE)


def _length(value) -> int | None:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else None


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_arguments(name: str, args, kwargs) -> None:
    for value in (*args, *kwargs.values()):
        if _is_number(value) and abs(value) > MAX_NUMBER_ARGUMENT:
            raise TemplateLimitError(f"{name} was given {value}, beyond {MAX_NUMBER_ARGUMENT}")


_LONG_NUMBER = re.compile(r"\d{" + str(len(str(MAX_NUMBER_ARGUMENT))) + ",}")


def _check_format_string(text) -> None:
    """A width or precision written into a format string ('%999999999s', '{:>999999999}')."""
    if isinstance(text, str) and _LONG_NUMBER.search(text):
        raise TemplateLimitError("a format string asks for a huge width")


def _check_result_size(name: str, subject, args) -> None:
    """Refuses a replace, join or indent whose result would pass MAX_SEQUENCE, from the sizes of
    its inputs (the operation itself would allocate it all before anything could look)."""
    size = 0
    if (
        name == "replace"
        and isinstance(subject, str)
        and len(args) >= 2
        and isinstance(args[0], str)
        and isinstance(args[1], str)
    ):
        old, new = args[0], args[1]
        occurrences = subject.count(old) if old else len(subject) + 1
        if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
            occurrences = min(occurrences, args[2])
        size = len(subject) + occurrences * (len(new) - len(old))
    elif name == "join" and isinstance(subject, str) and args and isinstance(args[0], (list, tuple)):
        items = args[0]
        size = len(subject) * len(items)
        for item in items:  # stops as soon as the sum passes the limit
            if size > _size_limit.get():
                break
            size += len(item) if isinstance(item, str) else 16
    elif name == "indent" and isinstance(subject, str):
        width = args[0] if args else 4
        size = len(subject) + (subject.count("\n") + 1) * (width if isinstance(width, int) else len(str(width)))
    if size > _size_limit.get():
        raise TemplateLimitError(f"a {name} would make {size} characters")


def _bounded_filter(name: str, function):
    passes_first = getattr(function, "jinja_pass_arg", None) is not None  # eval_ctx, environment...

    @functools.wraps(function)  # keeps jinja2's pass_context / pass_environment marks
    def bounded(*args, **kwargs):
        _check_arguments(f"the filter {name}", args, kwargs)
        if name == "format":
            for value in args:
                _check_format_string(value)
        own = args[1:] if passes_first else args
        if name == "join" and own:  # value|join(d): the separator is the subject
            _check_result_size("join", own[1] if len(own) > 1 else kwargs.get("d", ""), own[:1])
        elif own:
            _check_result_size(name, own[0], own[1:])
        return function(*args, **kwargs)

    return bounded


class BoundedSandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters = {name: _bounded_filter(name, f) for name, f in self.filters.items()}

    def call_binop(self, context, op: str, left, right):
        if op == "*":
            for sequence, times in ((left, right), (right, left)):
                length = _length(sequence)
                if length is not None and isinstance(times, int) and length * times > _size_limit.get():
                    raise TemplateLimitError(f"a repetition would make {length * times} items")
        elif op == "+":
            left_length, right_length = _length(left), _length(right)
            if left_length is not None and right_length is not None and left_length + right_length > _size_limit.get():
                raise TemplateLimitError("a concatenation grew past the size limit")
        elif op == "**":
            if (
                isinstance(left, int)
                and isinstance(right, int)
                and abs(left) > 1
                and right > 0
                and right * math.log2(abs(left)) > MAX_POWER_BITS
            ):
                raise TemplateLimitError(f"a power {left} ** {right} is too large")
        elif op == "%" and isinstance(left, str):
            _check_format_string(left)
            _check_arguments("a % format", right if isinstance(right, tuple) else (right,), {})
        return {"*": operator.mul, "**": operator.pow, "%": operator.mod, "+": operator.add}[op](left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (jinja2's own signature)
        _check_arguments(f"the call {getattr(__obj, '__name__', 'of a function')}", args, kwargs)
        if isinstance(getattr(__obj, "__self__", None), str):  # a string method: 'x'.replace(...)
            _check_result_size(__obj.__name__, __obj.__self__, args)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value):
        """str.format and format_map, refused a huge width written into the string itself."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        _check_format_string(value.__self__)

        def checked(*args, **kwargs):
            for argument in (*args, *kwargs.values()):
                _check_format_string(argument)  # a nested spec: '{:{}}'.format(1, '999999999')
            return wrapped(*args, **kwargs)

        checked.__name__ = value.__name__
        return checked


class StepBudget:
    """A trace function that counts the lines the template's own code runs and watches the
    clock; past either limit it raises TemplateLimitError inside the template (a trace function
    that raises stops tracing and the error propagates into the traced code)."""

    def __init__(self, max_steps: int = MAX_STEPS, max_seconds: float = MAX_SECONDS):
        self.max_steps = max_steps
        self.deadline = time.monotonic() + max_seconds
        self.steps = 0

    def _global(self, frame, event, arg):
        return self._local if frame.f_code.co_filename == TEMPLATE_FILENAME else None

    def _local(self, frame, event, arg):
        if event == "line":
            self.steps += 1
            if self.steps > self.max_steps:
                raise TemplateLimitError(f"it ran more than {self.max_steps} steps")
            if not self.steps & 1023 and time.monotonic() > self.deadline:
                raise TemplateLimitError("it ran out of time")
        return self._local

    def __enter__(self) -> StepBudget:
        self._previous = sys.gettrace()  # a debugger's or coverage's, restored after
        sys.settrace(self._global)
        return self

    def __exit__(self, *exc) -> None:
        sys.settrace(self._previous)


def render_bounded(template, max_output_chars: int, **variables) -> str:
    """template.render(**variables) within the limits above; max_output_chars also bounds
    every string or list the template builds (when above MAX_SEQUENCE)."""
    pieces: list[str] = []
    size = 0
    limit = _size_limit.set(max(MAX_SEQUENCE, max_output_chars))
    try:
        with StepBudget():
            for piece in template.generate(**variables):
                size += len(piece)
                if size > max_output_chars:
                    raise TemplateLimitError(f"its output grew past {max_output_chars} characters")
                pieces.append(piece)
    finally:
        _size_limit.reset(limit)
    return "".join(pieces)
