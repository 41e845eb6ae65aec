"""Rendering a model's chat template is bounded (models/slm/template_limits.py): a template that
would run forever or fill the memory is called unusable and the plain transcript is used;
templates that stay within the limits render as before."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from models.slm.chat_template import ChatTemplate, plain_transcript

MESSAGES = [{"role": "user", "content": "Hello there"}]
BOMBS = {
    "range(10**9)": "{% for i in range(10**9) %}x{% endfor %}",
    "'x' * 10**12": "{{ 'x' * 10**12 }}",
    "two nested loops of 99,999": "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
    "nested loops writing": "{% for i in range(99999) %}{% for j in range(99999) %}ab{% endfor %}{% endfor %}",
    "nested loops under the range limit (steps and time)": (
        "{% for i in range(60000) %}{% for j in range(60000) %}{% endfor %}{% endfor %}"
    ),
    "a replace that multiplies": "{{ ('x' * 1000000).replace('x', 'y' * 100) }}",
    "a join of a million strings with a long separator": "{{ (['y'] * 1000000)|join('z' * 100) }}",
    "an indent of many lines": "{{ ('a\n' * 100000)|indent(60000) }}",
    "a string doubled sixty times": (
        "{% set ns = namespace(s='x') %}{% for i in range(60) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s }}"
    ),
    "a filter's width": "{{ 'x'|center(10**9) }}",
    "a method's width": "{{ 'x'.ljust(10**9) }}",
    "a width in a % format": "{{ '%999999999s' % 'x' }}",
    "a width in str.format": "{{ '{:>999999999}'.format(1) }}",
    "endless recursion": "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    "output past the limit": "{% for i in range(99999) %}{{ 'y' * 99999 }}{% endfor %}",
}


@pytest.mark.parametrize("case", sorted(BOMBS))
def test_a_template_past_the_limits_is_unusable_and_the_plain_prompt_is_used(case, caplog):
    """Each bomb ends within seconds and well under 300 MB with the plain transcript, a warning
    that the chat template is unusable, and the template is not run again for the next prompt."""
    template = ChatTemplate(BOMBS[case])
    tracemalloc.start()
    started = time.monotonic()
    try:
        rendered = template.render(MESSAGES)
        seconds = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert rendered == plain_transcript(MESSAGES)
    assert template.unusable is not None and template.unusable.startswith("This model's chat template is unusable")
    assert any("chat template is unusable" in record.getMessage() for record in caplog.records)
    assert seconds < 10 and peak < 300e6, (seconds, peak)
    started = time.monotonic()
    assert template.render(MESSAGES) == plain_transcript(MESSAGES) and time.monotonic() - started < 1


def test_templates_within_the_limits_render_as_before():
    """Loops, repetition, formats and concatenation of ordinary sizes are untouched."""
    template = ChatTemplate(
        "{% for m in messages %}{{ '%-5s' % m.role }}{{ '{:>3}'.format(loop.index) }}"
        "{{ '-' * 3 }}{{ m.content + '!' }}{% for i in range(3) %}.{% endfor %}{% endfor %}"
    )
    assert template.render(MESSAGES) == "user   1---Hello there!..."
    assert template.unusable is None


def test_a_long_conversation_is_not_mistaken_for_a_bomb():
    """The size limits grow with the messages: a 3,000,000-character transcript renders, also
    through a template that concatenates each message to its role."""
    template = ChatTemplate("{% for m in messages %}{{ '<' + m.role + '>' + m.content }}{% endfor %}")
    long = [{"role": "user", "content": "word " * 120_000}] * 5
    assert len(template.render(long)) > 3_000_000 and template.unusable is None
