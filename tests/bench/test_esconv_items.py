"""ESConv's strategy files become interchange items the external benchmark reads (bench/esconv_items.py): the
labelled supporter turn last, the seeker as the customer, each labelled turn once. The lines here are written for
the test, in the files' format."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from app.transcription.interchange import transcript_from_dict

_SPEC = importlib.util.spec_from_file_location(
    "esconv_items", Path(__file__).resolve().parents[2] / "bench" / "esconv_items.py"
)
esconv_items = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(esconv_items)

WINDOW = (
    "0.0 1 1 [Questions] Hi, how are you today? EOS "
    "0.0 0 2 Not great, my landlord wants us out by Friday. EOS "
    "1.0 1 3 [Reflection of feelings] That sounds really frightening, being told to leave so suddenly."
)


def test_the_labelled_supporter_turn_is_the_agents_last_segment_after_the_seekers_words():
    (item,) = esconv_items.items_from_lines([WINDOW], "test")
    assert item["labels"] == {"strategy": "Reflection of feelings"}
    transcript = transcript_from_dict(item["transcript"])
    assert [s.speaker for s in transcript.segments] == ["customer", "agent"]
    assert transcript.segments[-1].text.startswith("That sounds really frightening")
    assert transcript.segments[0].start == 0.5 and transcript.segments[1].start > transcript.segments[0].end


def test_a_turn_labelled_in_several_windows_is_kept_once_and_broken_lines_are_skipped():
    longer = "0.0 0 0 Hello. EOS " + WINDOW
    items = esconv_items.items_from_lines([WINDOW, longer, "not a window", "1.0 0 4 Only the seeker."], "test")
    assert len(items) == 1
