"""Unit tests of static/js/scanner.js (the pure keystroke/burst splitter), run inside Chromium with a
fake clock, so they pin down exactly where codes are cut."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.fake_pack_api import FakePackApi
from tests.browser.helpers import new_context

pytestmark = pytest.mark.browser

# A harness in the page: feeds a "tape" of keys to a ScanAssembler the way scanbox.js does (keydown,
# then the field's new value), advancing a fake clock between keys. "\n"/"\r" are Enter, "\t" Tab,
# {wait:ms} lets time pass, {text:'..'} is a whole-text input event (IME-style wedge).
HARNESS = """
async ({ tape, settings }) => {
  const m = await import('/static/pda/js/scanner.js');
  let now = 0, nextId = 0;
  const timers = new Map();
  const clock = {
    now: () => now,
    set: (fn, ms) => { timers.set(++nextId, { at: now + ms, fn }); return nextId; },
    clear: (id) => timers.delete(id),
  };
  const advance = (ms) => {
    const end = now + ms;
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].fn();
    }
    now = end;
  };
  const scans = [], bursts = [];
  const asm = new m.ScanAssembler({ ...settings, clock,
    onScan: (s) => scans.push({ ...s, at: now }), onBurst: (b) => bursts.push(b) });
  for (const step of tape) {
    if (typeof step === 'object' && 'wait' in step) { advance(step.wait); continue; }
    if (typeof step === 'object' && 'text' in step) { asm.text(asm.buffer + step.text, now, step.text); advance(5); continue; }
    for (const ch of typeof step === 'object' ? [step] : step) {
      const key = ch === '\\n' || ch === '\\r' ? { key: 'Enter', keyCode: 13 } : ch === '\\t' ? { key: 'Tab', keyCode: 9 }
        : typeof ch === 'object' ? ch : { key: ch, keyCode: ch.toUpperCase().charCodeAt(0) };
      if (!asm.keydown(key, now) && key.key.length === 1) asm.text(asm.buffer + key.key, now);
      advance(5);
    }
  }
  advance(10000);
  return { scans, bursts: bursts.map((b) => ({ segments: b.segments, keys: b.events.length, maxGap: b.maxGap, wait: b.wait })) };
}
"""


def run(page: Page, *tape: Any, **settings: Any) -> dict[str, Any]:
    return page.evaluate(HARNESS, {"tape": list(tape), "settings": settings})  # type: ignore[no-any-return]


def codes(result: dict[str, Any]) -> list[str]:
    return [s["code"] for s in result["scans"]]


@pytest.fixture(scope="module")
def blank(chromium: Browser, fake_api: FakePackApi) -> Iterator[Page]:
    """One page for the whole module: the tests only import the module, they share no state."""
    ctx = new_context(chromium, fake_api)
    page = ctx.new_page()
    page.goto("/")
    yield page
    ctx.close()


def test_split_codes(blank: Page) -> None:
    got = blank.evaluate(
        """async () => {
        const { splitCodes } = await import('/static/pda/js/scanner.js');
        return [
          splitCodes('A1\\r\\nB2'), splitCodes('A1\\r\\rB2\\r'), splitCodes('  X1 \\t Y2\\n'), splitCodes(''),
          splitCodes('\\u200bABC\\u0000'), splitCodes('\\r\\n\\r\\n'), splitCodes('SO1001GIFT'),
        ];
      }"""
    )
    assert got == [["A1", "B2"], ["A1", "B2"], ["X1", "Y2"], [], ["ABC"], [], ["SO1001GIFT"]]


def test_enter_cuts_at_once_without_waiting_for_silence(blank: Page) -> None:
    result = run(blank, "ABC123\n")
    assert codes(result) == ["ABC123"]
    assert result["scans"][0]["terminator"] == "Enter"
    assert result["scans"][0]["at"] < 50  # not the silence timer


def test_no_terminator_cuts_after_50ms_of_silence(blank: Page) -> None:
    result = run(blank, "6901001", {"wait": 44})
    assert codes(result) == ["6901001"]
    assert result["scans"][0]["terminator"] == "silence"
    last_key_at = 6 * 5  # seven keys, 5 ms apart
    assert 50 <= result["scans"][0]["at"] - last_key_at <= 51


def test_cr_lf_and_double_cr_do_not_make_empty_scans(blank: Page) -> None:
    result = run(blank, "A1B2\r\nC3D4\r\rE5F6\r")
    assert codes(result) == ["A1B2", "C3D4", "E5F6"]
    notes = [s["note"] for s in result["bursts"][0]["segments"]]
    assert notes == [None, "empty", None, "empty", None]


def test_several_codes_in_one_burst_with_tabs(blank: Page) -> None:
    assert codes(run(blank, "X11\tY22\tZ33")) == ["X11", "Y22", "Z33"]  # the last one cut by silence


def test_unidentified_key_with_keycode_13_is_a_terminator(blank: Page) -> None:
    result = run(blank, "QRS9", {"key": "Unidentified", "keyCode": 13})
    assert codes(result) == ["QRS9"]
    assert result["scans"][0]["terminator"] == "Enter"


def test_text_committed_at_once_is_split_on_newlines(blank: Page) -> None:
    assert codes(run(blank, {"text": "AAA1\nBBB2"})) == ["AAA1", "BBB2"]


def test_person_typing_slowly_is_not_cut_by_silence(blank: Page) -> None:
    result = run(blank, "S", {"wait": 300}, "O", {"wait": 300}, "1", {"wait": 300}, "\n")
    assert codes(result) == ["SO1"]


def test_short_fragment_waits_for_enter(blank: Page) -> None:
    result = run(blank, "AB", {"wait": 200}, "\n")
    assert codes(result) == ["AB"]
    assert result["bursts"][0]["segments"][0]["note"] == "waiting"


def test_hiccup_early_in_a_wedge_burst_does_not_strand_the_code(blank: Page) -> None:
    # A 70 ms pause after the first character (a GC pause on the PDA), no terminator: still one code.
    assert codes(run(blank, "P", {"wait": 70}, "K-HZ-001")) == ["PK-HZ-001"]


def test_keys_typed_at_human_speed_wait_for_enter(blank: Page) -> None:
    tape = ["A", {"wait": 80}, "B", {"wait": 80}, "C", {"wait": 80}, "D", {"wait": 400}]
    result = run(blank, *tape)
    assert codes(result) == []
    assert result["bursts"][-1]["segments"][-1] == {
        "raw": "ABCD",
        "terminator": None,
        "codes": [],
        "note": "waiting",
    }
    assert codes(run(blank, *tape, "\n")) == ["ABCD"]


def test_learned_enter_suffix_keeps_a_paused_code_whole(blank: Page) -> None:
    # Once the scanner has ended a code with Enter, a 100 ms pause inside the next code does not cut it.
    assert codes(run(blank, "ABC1\n", "DEF2", {"wait": 100}, "GHI3\n")) == ["ABC1", "DEF2GHI3"]
    # Without that knowledge the same pause cuts (the scanner might send no terminator at all).
    assert codes(run(blank, "DEF2", {"wait": 100}, "GHI3\n")) == ["DEF2", "GHI3"]


def test_code_without_the_learned_suffix_is_cut_after_the_longer_wait_then_short_again(blank: Page) -> None:
    result = run(blank, "ABC1\n", {"wait": 400}, "XYZ9", {"wait": 1000}, "QQQ7")
    assert codes(result) == ["ABC1", "XYZ9", "QQQ7"]
    xyz, qqq = result["scans"][1], result["scans"][2]
    assert xyz["terminator"] == qqq["terminator"] == "silence"
    assert [b["wait"] for b in result["bursts"]] == [300, 300, 50]
    assert xyz["at"] - (400 + 5 * 5 + 3 * 5) >= 300  # cut only after the longer wait


def test_stale_fragment_does_not_glue_onto_the_next_barcode(blank: Page) -> None:
    result = run(blank, "Q", {"wait": 3000}, "6901001")
    assert codes(result) == ["6901001"]
    assert result["bursts"][1]["segments"][0]["note"] == "stale"


def test_silence_setting_is_respected(blank: Page) -> None:
    # A slow Bluetooth wedge: 5 ms between keys but a 60 ms hiccup; with silenceMs 100 it stays one code.
    assert codes(run(blank, "ABC", {"wait": 55}, "DEF", silenceMs=100)) == ["ABCDEF"]
    assert codes(run(blank, "ABC", {"wait": 55}, "DEF", silenceMs=50)) == ["ABC", "DEF"]
