"""Which platform made an export, from its header (transforms/detect.py): every ad platform's own UI exports
are recognised as theirs, in each language the fixtures hold, and a wrong --kind names the right one."""
from pathlib import Path

import pytest

from roi.sources.files import read_export
from roi.sources.registry import file_kinds
from roi.transforms.detect import guess_kind, wrong_kind_hint

FIXTURES = Path(__file__).parent / "fixtures"
NEW_PLATFORMS = ["pinterest_ads", "snapchat_ads", "amazon_ads", "apple_search_ads", "reddit_ads", "x_ads"]
EXPORTS = [(kind, path) for kind in NEW_PLATFORMS for path in sorted((FIXTURES / kind).glob("*"))
           if path.suffix in (".csv", ".xlsx", ".tsv")]


@pytest.mark.parametrize("kind, path", EXPORTS, ids=[f"{k}/{p.name}" for k, p in EXPORTS])
def test_each_new_platform_export_is_recognised_as_its_own(kind, path):
    header = read_export(path).header
    assert guess_kind(header) in (kind, None)   # never another platform's
    hint = wrong_kind_hint(header, "meta_ads", file_kinds())
    assert hint is None or f"use --kind {kind}" in hint


def test_an_english_export_of_each_new_platform_names_its_kind_to_a_wrong_one():
    recognised = {kind for kind, path in EXPORTS if guess_kind(read_export(path).header) == kind}
    assert recognised == set(NEW_PLATFORMS)


def test_a_snapchat_export_is_not_taken_for_meta_s_for_the_names_they_share():
    header = ["Campaign name", "Ad set name", "Ad set ID", "Amount spent", "Paid impressions", "Swipe ups"]
    assert guess_kind(header) == "snapchat_ads"
