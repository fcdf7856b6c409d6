"""The labelled LSTM cell diagram: every part is there and ``highlight`` colours one of them."""
from __future__ import annotations

import io
import warnings

import matplotlib.colors as mcolors
import pytest
from matplotlib.figure import Figure

from lstm_helpers.lessons.diagram import ALIASES, COLORS, MUTED, PARTS, draw_lstm_cell

GATES = ("forget", "input", "candidate", "output")


def _ax():
    fig = Figure(figsize=(9, 5.4))
    return fig.subplots()


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def _patch(ax, gid):
    found = [p for p in ax.patches if p.get_gid() == gid]
    assert len(found) == 1, gid
    return found[0]


def test_draws_every_part_and_label():
    ax = _ax()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = draw_lstm_cell(ax)
        buf = io.BytesIO()
        ax.figure.savefig(buf, format="png")
    assert out is ax
    texts = _texts(ax)
    assert texts.count("σ") == 3 and texts.count("tanh") == 2
    assert texts.count("⊙") == 3 and texts.count("⊕") == 1
    joined = " ".join(texts)
    for label in (r"$C_{t-1}$", r"$C_t$", r"$h_{t-1}$", r"$x_t$", r"$h_t$", r"$f_t$", r"$i_t$", r"$o_t$",
                  r"$\tilde{C}_t$", r"$i_t \odot \tilde{C}_t$", "eraser", "pen", "highlighter", "highway"):
        assert label in joined, label
    for gid in ("gate:forget", "gate:input", "gate:candidate", "gate:output", "op:forget", "op:input", "op:add",
                "op:output", "tanh:output"):
        _patch(ax, gid)
    assert ax.get_title()


def test_without_highlight_every_gate_has_its_colour():
    ax = draw_lstm_cell(_ax())
    for part in GATES:
        assert mcolors.same_color(_patch(ax, f"gate:{part}").get_facecolor(), COLORS[part])


@pytest.mark.parametrize("part", GATES)
def test_highlight_colours_one_gate_and_greys_the_others(part):
    ax = draw_lstm_cell(_ax(), highlight=part)
    for other in GATES:
        face = _patch(ax, f"gate:{other}").get_facecolor()
        assert mcolors.same_color(face, COLORS[part] if other == part else MUTED), other
    assert part in ax.get_title()


def test_highlight_cell_makes_the_highway_thicker_than_without():
    def highway_width(ax):
        return max(line.get_linewidth() for line in ax.lines if mcolors.same_color(line.get_color(), COLORS["cell"]))

    plain = draw_lstm_cell(_ax())
    cell = draw_lstm_cell(_ax(), highlight="highway")
    assert highway_width(cell) > highway_width(plain)
    for part in GATES:
        assert mcolors.same_color(_patch(cell, f"gate:{part}").get_facecolor(), MUTED)


@pytest.mark.parametrize("alias", sorted(ALIASES))
def test_aliases_give_the_same_picture(alias):
    a = draw_lstm_cell(_ax(), highlight=alias)
    b = draw_lstm_cell(_ax(), highlight=ALIASES[alias])
    assert ALIASES[alias] in PARTS
    for part in GATES:
        assert mcolors.same_color(_patch(a, f"gate:{part}").get_facecolor(),
                                  _patch(b, f"gate:{part}").get_facecolor())


def test_unknown_highlight_names_the_argument():
    with pytest.raises(ValueError, match="'highlight'"):
        draw_lstm_cell(_ax(), highlight="memory")


def test_makes_its_own_figure_when_no_axis_is_given():
    import matplotlib.pyplot as plt

    ax = draw_lstm_cell(show_names=False)
    try:
        assert "eraser" not in " ".join(_texts(ax))
    finally:
        plt.close(ax.figure)
