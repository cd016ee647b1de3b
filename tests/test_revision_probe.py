"""benchmarks/revision_probe.py: the candidate pass-two inputs it computes, on pages small enough
to check by hand. (The probe's fit takes minutes, so the suite checks its blocks, not a run.)"""
import numpy as np
from conftest import load_benchmark


def _probe():
    return load_benchmark("revision_probe")


def test_a_list_of_short_items_between_paragraphs_is_inside_the_weighted_run():
    probe = _probe()
    # paragraph, twenty two-word list items scored as junk, paragraph, then a long comment
    # after a run of menu lines
    p_body = np.array([0.9] + [0.1] * 20 + [0.9] + [0.05] * 8 + [0.7])
    chars = np.array([400.0] + [12.0] * 20 + [400.0] + [10.0] * 8 + [80.0])
    block = probe.weighted_run_block(p_body, np.zeros(len(p_body), dtype=np.uint32), chars)
    assert block[:22, 0].tolist() == [1.0] * 22  # by lines the items would outweigh the paragraphs
    assert block[22:, 0].tolist() == [0.0] * 9
    assert block[30, 1] > 0  # the comment: after the run
    # an item's nearest long lines, before and after, are the paragraphs
    assert block[5, 2] == 0.9 and block[5, 4] == 0.9
    assert block[0, 2] == -1.0  # nothing long before the first line


def test_a_line_reads_the_other_lines_of_its_container_and_plain_text_reads_none():
    probe = _probe()
    article = {"hints": ["entry", "content"], "ancestors": ["article"]}
    sidebar = {"hints": ["widget"], "ancestors": ["aside"]}
    keys = np.array([probe.container_key(c) for c in (article, article, article, sidebar, None)])
    assert keys[0] == keys[1] != keys[3] and keys[4] == 0
    p = np.array([[0.9, 0.1], [0.5, 0.5], [0.1, 0.9], [0.2, 0.8], [0.6, 0.4]])
    chars = np.array([100.0, 300.0, 100.0, 50.0, 10.0])
    block = probe.container_block(p, np.zeros(5, dtype=np.uint32), keys, chars)
    # line 0 reads lines 1 and 2, weighted by characters: (300 * 0.5 + 100 * 0.1) / 400
    assert np.isclose(block[0, 0], 0.4)
    assert np.isclose(block[0, 2], 500 / 560)  # the container's share of the page's characters
    assert block[3, :2].tolist() == [-1.0, -1.0]  # alone in its container
    assert block[4].tolist() == [-1.0] * 4  # a plain-text line has no container
