"""benchmarks/real_pages.py's intervals: how sure a held-out difference is, by site.

Pages of one site share a template, so the bootstrap resamples sites, not pages. These tests
pin what the intervals must say on inputs whose answer is known.
"""
import pytest
from conftest import load_benchmark

real_pages = load_benchmark("real_pages")


def pages(*per_site):
    """[(site, f1), ...] from one list of page scores per site (sites a, b, c, ...)."""
    return [(chr(ord("a") + i), f) for i, scores in enumerate(per_site) for f in scores]


def test_a_system_compared_with_itself_differs_by_exactly_zero():
    ts = pages([0.9, 0.5], [0.7], [0.2, 0.4, 0.6])
    iv = real_pages.site_interval(ts, ts)
    assert (iv["mean"], iv["low"], iv["high"]) == (0.0, 0.0, 0.0)
    assert (iv["pages"], iv["sites"]) == (6, 3)


def test_a_lead_on_every_site_has_an_interval_above_zero():
    peer = pages([0.5, 0.6], [0.4], [0.7], [0.3, 0.5], [0.6])
    ts = [(site, f + 0.05) for site, f in peer]
    iv = real_pages.site_interval(ts, peer)
    assert iv["mean"] == pytest.approx(0.05)
    assert 0 < iv["low"] <= iv["mean"] <= iv["high"]


def test_a_lead_that_one_site_carries_straddles_zero():
    # Site a: ten pages far ahead; the four other sites: slightly behind. The page mean is
    # positive, but a draw without site a is negative: no measured lead.
    peer = pages([0.3] * 10, [0.8], [0.8], [0.8], [0.8])
    ts = pages([0.6] * 10, [0.75], [0.75], [0.75], [0.75])
    iv = real_pages.site_interval(ts, peer)
    assert iv["mean"] > 0
    assert iv["low"] < 0 < iv["high"]


def test_the_interval_of_a_figure_itself_brackets_its_mean_and_is_reproducible():
    ts = pages([0.9, 0.8], [0.6], [0.95, 0.85, 0.7], [0.5])
    iv = real_pages.site_interval(ts)
    assert iv["low"] <= iv["mean"] <= iv["high"]
    assert iv == real_pages.site_interval(ts)


def test_pages_that_do_not_pair_are_an_error():
    with pytest.raises(ValueError, match="same pages"):
        real_pages.site_interval(pages([0.5], [0.6]), pages([0.5]))


def test_no_pages_gives_no_figure():
    assert real_pages.site_interval([])["mean"] is None
