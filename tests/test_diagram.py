"""The labelled LSTM cell diagram (every part is there and ``highlight`` colours one of them or several) and the
backward graph of one step (both gradient paths, ``highlight`` colours one of them)."""
from __future__ import annotations

import io
import itertools
import warnings

import matplotlib.colors as mcolors
import pytest
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from lstm_helpers.lessons.diagram import (ALIASES, BACKWARD_ALIASES, BACKWARD_COLORS, BACKWARD_PATHS, COLORS, MUTED,
                                          PARTS, TITLE_NAMES, WIRE, Y_HIGHWAY, YB_CELL, draw_lstm_backward,
                                          draw_lstm_cell)

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


def _draw_and_save_without_warnings(draw, ax):
    """``draw(ax)`` and a PNG of its figure, with every warning an error; returns what ``draw`` returned."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = draw(ax)
        ax.figure.savefig(io.BytesIO(), format="png")
    return out


def test_draws_every_part_and_label():
    ax = _ax()
    assert _draw_and_save_without_warnings(draw_lstm_cell, ax) is ax
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


# ----------------------------------------------------------------------------- several parts highlighted (notebook 05)
def _picture(ax):
    """Everything drawn, comparable with ==: title, every line, patch and text with its colours and widths."""
    def hex_(color):
        return mcolors.to_hex(color, keep_alpha=True)

    return (ax.get_title(),
            [(hex_(ln.get_color()), ln.get_linewidth(), ln.get_marker(), list(ln.get_xdata()), list(ln.get_ydata()))
             for ln in ax.lines],
            [(type(p).__name__, p.get_gid(), hex_(p.get_facecolor()), hex_(p.get_edgecolor()), p.get_linewidth())
             for p in ax.patches],
            [(t.get_text(), hex_(t.get_color()), t.get_fontsize(), t.get_position()) for t in ax.texts])


def _colour_name(color):
    """A colour as its name in this table: a part of COLORS, 'muted', or the matplotlib spelling used in the code."""
    for name, value in [*COLORS.items(), ("muted", MUTED), ("wire", WIRE), ("white", "white"), ("black", "black"),
                        ("0.3", "0.3"), ("0.6", "0.6"), ("#F4F4F4", "#F4F4F4")]:
        if mcolors.same_color(color, value):
            return name
    raise AssertionError(f"unexpected colour {color!r}")


# Every patch of the cell as drawn with no or one highlighted part before `highlight` accepted several parts:
# face/edge colour by name (a part = its colour in COLORS). A one-part call must keep drawing exactly this.
ONE_PART_PATCHES = """
gid           None              forget            input             candidate         output            cell
cell body     #F4F4F4/0.6       #F4F4F4/0.6       #F4F4F4/0.6       #F4F4F4/0.6       #F4F4F4/0.6       #F4F4F4/0.6
gate:forget   forget/0.3        forget/black      muted/0.3         muted/0.3         muted/0.3         muted/0.3
gate:input    input/0.3         muted/0.3         input/black       muted/0.3         muted/0.3         muted/0.3
gate:candidate candidate/0.3    muted/0.3         muted/0.3         candidate/black   muted/0.3         muted/0.3
gate:output   output/0.3        muted/0.3         muted/0.3         muted/0.3         output/black      muted/0.3
op:forget     white/forget      white/forget      white/muted       white/muted       white/muted       white/muted
op:input      white/input       white/muted       white/input       white/candidate   white/muted       white/muted
op:add        white/cell        white/muted       white/muted       white/muted       white/muted       white/cell
tanh:output   white/output      white/muted       white/muted       white/muted       white/output      white/muted
op:output     white/output      white/muted       white/muted       white/muted       white/output      white/muted
"""


# Every wire (line or arrow) of that drawing: the set of colour:width pairs ('wire' = the grey of the input bus).
ONE_PART_WIRES = {
    None: "candidate:2 cell:1.8 cell:3 forget:2 input:2 output:1.5 output:1.6 output:1.8 output:2 "
          "wire:1.4 wire:1.5 wire:1.8",
    "forget": "forget:3.2 muted:1.5 muted:1.6 muted:1.8 muted:2.5 wire:1.4 wire:1.5 wire:1.8",
    "input": "input:3.2 muted:1.5 muted:1.6 muted:1.8 muted:2.5 wire:1.4 wire:1.5 wire:1.8",
    "candidate": "candidate:3.2 muted:1.5 muted:1.6 muted:1.8 muted:2.5 wire:1.4 wire:1.5 wire:1.8",
    "output": "muted:1.5 muted:1.8 muted:2.5 output:1.5 output:1.6 output:1.8 output:3.2 wire:1.4 wire:1.5 wire:1.8",
    "cell": "cell:1.8 cell:4.2 muted:1.5 muted:1.6 muted:1.8 wire:1.4 wire:1.5 wire:1.8",
}


def _one_part_table():
    header, *rows = [line.split() for line in ONE_PART_PATCHES.strip().splitlines()]
    rows = [[" ".join(r[:2]), *r[2:]] if r[0] == "cell" else r for r in rows]      # the gid 'cell body' has a space
    return {(None if h == "None" else h): {r[0]: r[1 + k] for r in rows} for k, h in enumerate(header[1:])}


@pytest.mark.parametrize("highlight", [None, *PARTS])
def test_one_part_draws_the_patches_as_before(highlight):
    expected = _one_part_table()[highlight]
    ax = draw_lstm_cell(_ax(), highlight=highlight)
    drawn = {p.get_gid(): f"{_colour_name(p.get_facecolor())}/{_colour_name(p.get_edgecolor())}"
             for p in ax.patches if p.get_gid()}
    assert drawn == expected
    for part in GATES:
        width = _patch(ax, f"gate:{part}").get_linewidth()
        assert width == (2.0 if part == highlight else 1.0), part
    wires = {(_colour_name(ln.get_color()), ln.get_linewidth()) for ln in ax.lines}
    wires |= {(_colour_name(p.get_edgecolor()), p.get_linewidth()) for p in ax.patches if not p.get_gid()}
    assert " ".join(f"{name}:{width:g}" for name, width in sorted(wires)) == ONE_PART_WIRES[highlight]


@pytest.mark.parametrize("part", PARTS)
def test_one_part_in_a_tuple_or_list_is_the_same_picture_as_the_name(part):
    name = _picture(draw_lstm_cell(_ax(), highlight=part))
    assert _picture(draw_lstm_cell(_ax(), highlight=(part,))) == name
    assert _picture(draw_lstm_cell(_ax(), highlight=[part])) == name
    alias = next(a for a in sorted(ALIASES) if ALIASES[a] == part and a != part)
    assert _picture(draw_lstm_cell(_ax(), highlight=[alias, part])) == name     # a duplicate via an alias counts once


def test_input_and_candidate_are_both_coloured_and_thick_and_the_rest_muted():
    ax = draw_lstm_cell(_ax(), highlight=("input", "candidate"))
    for part in GATES:
        gate = _patch(ax, f"gate:{part}")
        picked = part in ("input", "candidate")
        assert mcolors.same_color(gate.get_facecolor(), COLORS[part] if picked else MUTED), part
        assert mcolors.same_color(gate.get_edgecolor(), "black" if picked else "0.3"), part
        assert gate.get_linewidth() == (2.0 if picked else 1.0), part
    # the wire of each gate to the product ⊙ is in its colour and thicker than without highlight
    plain = draw_lstm_cell(_ax())
    for part in ("input", "candidate"):
        def widths(drawn):
            return [a.get_linewidth() for a in list(drawn.lines) + list(drawn.patches) if not a.get_gid()
                    and mcolors.same_color(a.get_edgecolor() if hasattr(a, "get_edgecolor") else a.get_color(),
                                           COLORS[part])]
        assert widths(ax) and min(widths(ax)) > max(widths(plain)), part
    # the product i_t ⊙ C̃_t is coloured (it goes up into ⊕), the forget and output paths and the highway are muted
    assert mcolors.same_color(_patch(ax, "op:input").get_edgecolor(), COLORS["input"])
    for gid in ("op:forget", "op:add", "op:output", "tanh:output"):
        assert mcolors.same_color(_patch(ax, gid).get_edgecolor(), MUTED), gid
    assert not any(mcolors.same_color(ln.get_color(), COLORS[p])
                   for ln in ax.lines for p in ("forget", "output", "cell"))
    assert ax.get_title() == "One LSTM cell: the input gate and the candidate"


@pytest.mark.parametrize("pair", list(itertools.permutations(PARTS, 2)), ids="+".join)
def test_every_pair_colours_both_gates_mutes_the_others_and_names_both_in_order(pair):
    ax = draw_lstm_cell(_ax(), highlight=list(pair))
    for part in GATES:
        face = _patch(ax, f"gate:{part}").get_facecolor()
        assert mcolors.same_color(face, COLORS[part] if part in pair else MUTED), part
    highway = [ln for ln in ax.lines if list(ln.get_ydata()) == [Y_HIGHWAY, Y_HIGHWAY]]
    assert len(highway) == 2 and all(mcolors.same_color(ln.get_color(), COLORS["cell"] if "cell" in pair else MUTED)
                                     for ln in highway)
    title = ax.get_title()
    first, second = (title.index(TITLE_NAMES[p]) for p in pair)
    assert title.startswith("One LSTM cell: the ") and " and the " in title and first < second


def test_aliases_order_and_duplicates_in_a_tuple():
    ax = draw_lstm_cell(_ax(), highlight=("C_tilde_t", "i_t", "candidate", "g"))
    assert ax.get_title() == "One LSTM cell: the candidate and the input gate"
    assert _picture(ax)[1:] == _picture(draw_lstm_cell(_ax(), highlight=["input", "candidate"]))[1:]
    three = draw_lstm_cell(_ax(), highlight=["f_t", "input", "C_tilde"])
    assert three.get_title() == "One LSTM cell: the forget gate, the input gate and the candidate"
    assert mcolors.same_color(_patch(three, "gate:output").get_facecolor(), MUTED)
    assert draw_lstm_cell(_ax(), highlight=("input", "candidate"), title="mine").get_title() == "mine"


@pytest.mark.parametrize("bad, error, parts", [
    ((), ValueError, ["argument 'highlight' is an empty tuple", "'forget', 'input', 'candidate', 'output', 'cell'"]),
    ([], ValueError, ["argument 'highlight' is an empty list"]),
    (("input", 3), TypeError, ["argument 'highlight[1]' must be a part name (str)", "but it is int 3"]),
    ([None], TypeError, ["argument 'highlight[0]' must be a part name (str)", "but it is NoneType None"]),
    (("input", "memory"), ValueError, ["argument 'highlight[1]' must be one of", "'candidate'", "'C_tilde_t'",
                                       "but it is 'memory'"]),
    (["Input"], ValueError, ["argument 'highlight[0]' must be one of", "but it is 'Input'"]),
    ({"input", "candidate"}, TypeError, ["argument 'highlight' must be None, a part name (str) or a tuple/list",
                                         "but it is set"]),
    (3, TypeError, ["argument 'highlight' must be None, a part name (str) or a tuple/list", "but it is int 3"]),
    (b"input", TypeError, ["argument 'highlight' must be None", "but it is bytes b'input'"]),
])
def test_bad_highlight_is_a_sentence_naming_the_argument(bad, error, parts):
    with pytest.raises(error) as info:
        draw_lstm_cell(_ax(), highlight=bad)
    message = str(info.value)
    assert message.startswith("draw_lstm_cell(): ")
    for part in parts:
        assert part in message, (part, message)


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
    assert _draw_and_save_without_warnings(draw_lstm_backward, ax) is ax
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
