"""The block diagrams of notebook 11."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from lstm_helpers import architectures as ar


@pytest.mark.parametrize("kind", ar.KINDS)
def test_every_diagram_draws_boxes_and_a_title(kind):
    fig, ax = plt.subplots()
    ar.draw(ax, kind)
    assert ax.get_title() == ar.TITLES[kind]
    assert len(ax.patches) >= 8 and len(ax.texts) >= 3
    fig.canvas.draw()
    plt.close(fig)


def test_translation_shows_the_thought_vector():
    fig, ax = plt.subplots()
    ar.draw(ax, "translation")
    assert any("thought vector" in t.get_text() for t in ax.texts)
    plt.close(fig)


def test_unknown_kind_names_the_argument():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="'kind'"):
        ar.draw(ax, "poetry")
    plt.close(fig)


def test_video_averages_the_per_frame_predictions():
    """LRCN (Donahue et al. 2015) predicts a label at every frame and averages them over the clip."""
    fig, ax = plt.subplots()
    ar.draw(ax, "video")
    texts = [t.get_text() for t in ax.texts]
    assert sum(t == "p(label)" for t in texts) == sum(t == "CNN" for t in texts) == 4
    assert any("average" in t for t in texts) and any("Donahue" in t for t in texts)
    assert not any("only h_T is read out" in t for t in texts)
    plt.close(fig)
