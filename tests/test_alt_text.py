"""Every figure stored in a notebook carries alt text (issue: a first-timer's path, figures a person can read).

nbconvert's classic HTML template writes ``metadata["image/png"]["alt"]`` into ``<img alt>``; a screen reader
reads it in place of the image. Figures are shown with ``lh.show(fig, alt=...)`` or ``display(view)`` of a
widget view whose ``alt`` is set.
"""
from __future__ import annotations

import json
import pathlib

import pytest

from lstm_helpers.support.plots import MIN_ALT_CHARS

NOTEBOOKS = sorted((pathlib.Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def images_without_alt(nb: dict) -> list[str]:
    """Where (cell id, output index) an image/png output lacks alt text of >= MIN_ALT_CHARS characters."""
    missing = []
    for cell in nb["cells"]:
        for k, out in enumerate(cell.get("outputs", [])):
            if "image/png" not in out.get("data", {}):
                continue
            alt = out.get("metadata", {}).get("image/png", {}).get("alt", "")
            if len(alt.strip()) < MIN_ALT_CHARS:
                missing.append(f"cell {cell.get('id')} output {k}: alt {alt!r}")
    return missing


def test_checker_finds_a_missing_alt():
    nb = {"cells": [{"id": "a", "outputs": [{"data": {"image/png": "x"}, "metadata": {}}]},
                    {"id": "b", "outputs": [{"data": {"image/png": "x"},
                                             "metadata": {"image/png": {"alt": "short"}}}]},
                    {"id": "c", "outputs": [{"data": {"image/png": "x"},
                                             "metadata": {"image/png": {"alt": "x" * MIN_ALT_CHARS}}}]}]}
    assert [m.split()[1] for m in images_without_alt(nb)] == ["a", "b"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_stored_figure_has_alt_text(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    missing = images_without_alt(nb)
    assert not missing, f"{path.name}: figures without alt text (use lh.show(fig, alt=...)):\n" + "\n".join(missing)
