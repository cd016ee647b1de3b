"""Segmentation: lines, offsets, and where glued junk may start."""
from textsieve.segment import glue_offset, segment

PARA = "The committee met on Tuesday and agreed to extend the opening hours of the library."


def test_segments_are_non_blank_lines_with_offsets_and_blank_counts():
    text = "Title\n\n\nFirst paragraph.\r\n  indented line\n"
    segs = segment(text)
    assert [s.text for s in segs] == ["Title", "First paragraph.", "indented line"]
    assert all(text[s.start:s.end] == s.text for s in segs)
    assert [s.line for s in segs] == [0, 3, 4]
    assert [(s.blank_before, s.blank_after) for s in segs] == [(0, 2), (2, 0), (0, 0)]
    assert segs[2].line_start == text.index("  indented")


def test_tight_glue_after_a_sentence_end_is_a_candidate():
    line = PARA + "- Ten Celebrities Who Secretly Hate Their Roles"
    assert line[glue_offset(line):] == "- Ten Celebrities Who Secretly Hate Their Roles"
    heading = PARA + "Opening Hours and Access"
    assert heading[glue_offset(heading):] == "Opening Hours and Access"


def test_spaced_glue_only_when_the_line_does_not_end_like_a_sentence():
    line = PARA + " Library interior - City Archive"
    assert line[glue_offset(line):] == "Library interior - City Archive"
    assert glue_offset(PARA + " It will open at eight.") is None


def test_no_candidate_in_short_lines_abbreviations_or_decimals():
    assert glue_offset("Short line.Next") is None
    assert glue_offset("- The Axis Narrative and Its Critics: Reality vs. Perception") is None
    assert glue_offset(PARA[:-1] + " costing 2.5 million pounds in total") is None


def test_a_candidate_line_becomes_head_and_tail_of_the_same_line():
    text = PARA + "Library interior - City Archive\nNext line.\n"
    head, tail, nxt = segment(text)
    assert (head.part, head.parts, tail.part, tail.parts) == (0, 2, 1, 2)
    assert head.line == tail.line == 0 and nxt.line == 1
    assert head.text == PARA and tail.text == "Library interior - City Archive"
    assert segment(text, split_glued=False)[0].text == PARA + "Library interior - City Archive"
