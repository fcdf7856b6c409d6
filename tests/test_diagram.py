"""The labelled LSTM cell diagram (every part is there and ``highlight`` colours one of them) and the backward
graph of one step (both gradient paths, ``highlight`` colours one of them)."""
from __future__ import annotations

import io
import warnings

import matplotlib.colors as mcolors
import pytest
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from lstm_helpers.lessons.diagram import (ALIASES, BACKWARD_ALIASES, BACKWARD_COLORS, BACKWARD_PATHS, COLORS, MUTED,
                                          PARTS, YB_CELL, draw_lstm_backward, draw_lstm_cell)

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


# ----------------------------------------------------------------------------- the backward graph (notebook 07)
def _backward_ax():
    fig = Figure(figsize=(11, 6))
    return fig.subplots()


def _wires(ax, gid):
    """Lines and arrows of one path ('path:cell' or 'path:hidden')."""
    return [a for a in list(ax.lines) + list(ax.patches) if a.get_gid() == gid]


def _wire_style(artist):
    """(colour, line width) of a wire: a Line2D (line or junction dot) or an arrow patch."""
    if isinstance(artist, Line2D):
        return artist.get_color(), artist.get_linewidth()
    return artist.get_edgecolor(), artist.get_linewidth()


def test_backward_graph_draws_both_paths_and_every_label():
    ax = _backward_ax()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = draw_lstm_backward(ax)
        buf = io.BytesIO()
        ax.figure.savefig(buf, format="png")
    assert out is ax
    joined = " ".join(_texts(ax))
    for label in ("$dC_{t+1} \\odot f_{t+1}$", "$dC_t$", "$dC_{t-1}$", "$f_t$", "$dh_t$", "$dh_{t-1}$", "$dx_t$",
                  r"$\partial L/\partial h_t$", r"$\odot\, o_t \odot (1-\tanh^2 C_t)$", "$da^f_t$", "$da^i_t$",
                  "$da^C_t$", "$da^o_t$", "$W_f^{\\top}$", "$W_o^{\\top}$", "no weight matrix", "$dW_g$"):
        assert label in joined, label
    for gid in ("op:add_dC", "op:forget", "op:add_dh", "box:local", "box:da_f", "box:da_i", "box:da_C", "box:da_o",
                "box:W_f", "box:W_i", "box:W_C", "box:W_o"):
        _patch(ax, gid)
    assert _wires(ax, "path:cell") and _wires(ax, "path:hidden")
    assert "cell path" in ax.get_title() and "hidden path" in ax.get_title()


def test_the_cell_path_crosses_no_weight_matrix_and_the_hidden_path_all_four():
    """The top row (the cell path) holds the ⊕ where the paths meet and the product with f_t, and no W box;
    every W_gᵀ box lies below it, on the way from da^g_t to dh_{t-1}."""
    ax = draw_lstm_backward(_backward_ax())
    on_top = [p.get_gid() for p in ax.patches if p.get_gid() and p.get_gid().startswith(("op:", "box:"))
              and abs(p.get_extents().y0 + p.get_extents().y1 - 2 * ax.transData.transform((0, YB_CELL))[1]) < 4]
    assert sorted(on_top) == ["op:add_dC", "op:forget"]
    w_boxes = [p for p in ax.patches if (p.get_gid() or "").startswith("box:W_")]
    assert len(w_boxes) == 4
    top = ax.transData.transform((0, YB_CELL))[1]
    assert all(p.get_extents().y1 < top for p in w_boxes)


@pytest.mark.parametrize("path", BACKWARD_PATHS)
def test_backward_highlight_colours_one_path_and_greys_the_other(path):
    other = "hidden" if path == "cell" else "cell"
    plain = draw_lstm_backward(_backward_ax())
    ax = draw_lstm_backward(_backward_ax(), highlight=path)
    shown = [_wire_style(a) for a in _wires(ax, f"path:{path}")]
    greyed = [_wire_style(a) for a in _wires(ax, f"path:{other}")]
    assert shown and greyed
    assert all(mcolors.same_color(c, BACKWARD_COLORS[path]) for c, _ in shown)
    assert all(mcolors.same_color(c, MUTED) for c, _ in greyed)
    assert max(w for _, w in shown) > max(_wire_style(a)[1] for a in _wires(plain, f"path:{path}"))
    assert all(mcolors.same_color(c, BACKWARD_COLORS[p]) for p in BACKWARD_PATHS
               for c, _ in map(_wire_style, _wires(plain, f"path:{p}")))
    assert path in ax.get_title()
    da_f = _patch(ax, "box:da_f").get_facecolor()
    assert mcolors.same_color(da_f, MUTED if path == "cell" else COLORS["forget"])


@pytest.mark.parametrize("alias", sorted(BACKWARD_ALIASES))
def test_backward_aliases_give_the_same_picture(alias):
    a = draw_lstm_backward(_backward_ax(), highlight=alias)
    b = draw_lstm_backward(_backward_ax(), highlight=BACKWARD_ALIASES[alias])
    assert [ln.get_color() for ln in a.lines] == [ln.get_color() for ln in b.lines]
    assert a.get_title() == b.get_title()


def test_backward_unknown_highlight_names_the_argument_and_own_figure():
    import matplotlib.pyplot as plt

    with pytest.raises(ValueError, match="'highlight'"):
        draw_lstm_backward(_backward_ax(), highlight="forget")
    ax = draw_lstm_backward(title="my title")
    try:
        assert ax.get_title() == "my title"
    finally:
        plt.close(ax.figure)
