"""A labelled diagram of one LSTM cell, drawn with matplotlib (no image files).

Layout (as in the slides and in Olah's "Understanding LSTM Networks")::

    C_{t-1} ──⊙──────⊕────────┬──────> C_t      the cell-state highway (the notebook)
              │f_t    │i_t⊙C̃_t  tanh
              │      ⊙          │
              │     │  │        ⊙ ── o_t
              σ     σ  tanh     σ                 the gates: forget, input, candidate, output
    h_{t-1} ──┴─────┴──┴────────┴              [h_{t-1}, x_t] feeds every gate
              x_t                          h_t ─>

:func:`draw_lstm_cell` draws it on an axis; ``highlight`` picks one part (a gate or the
highway) or several parts (a tuple or list, e.g. ``("input", "candidate")`` in notebook 05) to
colour while the rest is greyed out, so that the gate notebooks can point at "their" gate. Every
patch has a ``gid`` ('gate:forget', 'gate:input', 'gate:candidate', 'gate:output', 'op:forget',
'op:input', 'op:add', 'op:output', 'tanh:output') for tests.

:func:`draw_lstm_backward` draws the backward computational graph of one step (notebook 07): the
gradient flows right to left along the **cell path** (dC_{t+1} ⊙ f_{t+1} → dC_t → dC_t ⊙ f_t = dC_{t-1},
no weight matrix) and the **hidden path** (dh_t → o_t ⊙ tanh'(C_t) → dC_t, and the four gates'
pre-activations back through W_gᵀ to dh_{t-1} and dx_t); ``highlight`` picks one path.
"""
from __future__ import annotations

from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle

from ..support.checks import check_choice
from ..support.plots import OKABE_ITO
import matplotlib.pyplot as plt

PARTS = ("forget", "input", "candidate", "output", "cell")
# Accepted spellings for ``highlight`` -> canonical part name.
ALIASES = {
    "forget": "forget", "f": "forget", "f_t": "forget",
    "input": "input", "i": "input", "i_t": "input",
    "candidate": "candidate", "g": "candidate", "C_tilde": "candidate", "C_tilde_t": "candidate", "C̃_t": "candidate",
    "output": "output", "o": "output", "o_t": "output",
    "cell": "cell", "C": "cell", "C_t": "cell", "highway": "cell",
}
COLORS = {
    "forget": OKABE_ITO["vermillion"],
    "input": OKABE_ITO["bluish_green"],
    "candidate": OKABE_ITO["orange"],
    "output": OKABE_ITO["reddish_purple"],
    "cell": OKABE_ITO["blue"],
}
NAMES = {
    "forget": "forget gate\n(eraser)",
    "input": "input gate\n(pen)",
    "candidate": "candidate\n(what to write)",
    "output": "output gate\n(highlighter)",
}
TITLE_NAMES = {"forget": "forget gate", "input": "input gate", "candidate": "candidate",
               "output": "output gate", "cell": "cell state"}
MUTED = "0.72"
WIRE = "0.25"

# Geometry (data coordinates of the axis).
Y_HIGHWAY, Y_GATE, Y_BUS, Y_MID = 6.0, 2.9, 1.5, 4.45
X_GATE = {"forget": 3.0, "input": 5.0, "candidate": 6.8, "output": 8.8}
X_MUL_F, X_ADD, X_OUT, X_UP, X_END = 3.0, 6.8, 10.4, 11.4, 12.9
R_OP = 0.32


def _part_color(part: str, highlight: tuple[str, ...] | None) -> tuple[str, float]:
    """(colour, line width) of a part given the highlighted parts (None: nothing highlighted)."""
    if highlight is None:
        return COLORS[part], 2.0
    if part in highlight:
        return COLORS[part], 3.2
    return MUTED, 1.5


def _highlighted_parts(highlight, where: str) -> tuple[str, ...] | None:
    """``highlight`` (None, one name or a tuple/list of names, aliases allowed) as a tuple of canonical part
    names in the order given, duplicates removed; None stays None. Raises TypeError/ValueError naming it."""
    if highlight is None:
        return None
    if isinstance(highlight, str):
        return (ALIASES[check_choice(highlight, "highlight", where, tuple(ALIASES))],)
    if not isinstance(highlight, (tuple, list)):
        raise TypeError(f"{where}: argument 'highlight' must be None, a part name (str) or a tuple/list of part "
                        f"names, but it is {type(highlight).__name__} {highlight!r}.")
    if not highlight:
        raise ValueError(f"{where}: argument 'highlight' is an empty {type(highlight).__name__}; give at least one "
                         f"of {', '.join(map(repr, PARTS))}, or None to colour every part.")
    parts = []
    for k, name in enumerate(highlight):
        if not isinstance(name, str):
            raise TypeError(f"{where}: argument 'highlight[{k}]' must be a part name (str), "
                            f"but it is {type(name).__name__} {name!r}.")
        part = ALIASES[check_choice(name, f"highlight[{k}]", where, tuple(ALIASES))]
        if part not in parts:
            parts.append(part)
    return tuple(parts)


def _and_list(words) -> str:
    """'a', 'a and b', 'a, b and c'."""
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _canvas(ax, figsize, xlim, ylim):
    """``ax`` (a new figure of ``figsize`` if None) as a blank drawing area with equal units over xlim × ylim."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def draw_lstm_cell(ax=None, *, highlight: str | tuple[str, ...] | list[str] | None = None, show_names: bool = True,
                   title: str | None = None):
    """Draw one LSTM cell with its gates, the cell-state highway, inputs and outputs.

    Args:
        ax: a matplotlib axis; a new figure (pyplot) of size 9 × 5.4 is made if None.
        highlight: None (every part in its colour), one of 'forget', 'input', 'candidate',
            'output', 'cell' (also 'f_t', 'i_t', 'C_tilde_t', 'o_t', 'C_t', 'highway', every key of
            ``ALIASES``), or a tuple/list of them, e.g. ``("input", "candidate")``: every part named is
            coloured and drawn thicker, the other parts are grey (duplicates, also via aliases, count once).
        show_names: write the gate names with the notebook analogy (eraser, pen, highlighter).
        title: axis title; a default naming the highlighted parts in the order given if None
            ("One LSTM cell: the input gate and the candidate").

    Returns:
        the axis.
    """
    where = "draw_lstm_cell()"
    highlight = _highlighted_parts(highlight, where)
    ax = _canvas(ax, (9.0, 5.4), (-0.3, 13.3), (-1.0, 8.2))

    def line(xs, ys, color=WIRE, lw=1.6, arrow=False, z=1):
        if arrow:
            ax.add_patch(FancyArrowPatch((xs[-2], ys[-2]), (xs[-1], ys[-1]), arrowstyle="-|>", mutation_scale=14,
                                         color=color, lw=lw, zorder=z, shrinkA=0, shrinkB=0))
            xs, ys = xs[:-1], ys[:-1]
        if len(xs) > 1:
            ax.plot(xs, ys, color=color, lw=lw, solid_capstyle="round", zorder=z)

    def op(x, y, symbol, color, gid):
        ax.add_patch(Circle((x, y), R_OP, facecolor="white", edgecolor=color, lw=2.0, zorder=4, gid=gid))
        ax.text(x, y, symbol, ha="center", va="center", fontsize=17, color=color, zorder=5)

    def label(x, y, text, color=WIRE, **kw):
        kw.setdefault("fontsize", 12)
        ax.text(x, y, text, color=color, zorder=6, **kw)

    # The cell body.
    ax.add_patch(FancyBboxPatch((1.5, 0.0), 10.4, 6.85, boxstyle="round,pad=0.05,rounding_size=0.4",
                                facecolor="#F4F4F4", edgecolor="0.6", lw=1.2, zorder=0, gid="cell body"))

    # Cell-state highway on top: C_{t-1} -> ⊙ f_t -> ⊕ i_t⊙C̃_t -> C_t.
    c_col, c_lw = _part_color("cell", highlight)
    c_lw = c_lw + 1.0
    line([0.2, X_MUL_F - R_OP], [Y_HIGHWAY] * 2, c_col, c_lw)
    line([X_MUL_F + R_OP, X_ADD - R_OP], [Y_HIGHWAY] * 2, c_col, c_lw)
    line([X_ADD + R_OP, X_END], [Y_HIGHWAY] * 2, c_col, c_lw, arrow=True)
    label(0.1, Y_HIGHWAY + 0.3, r"$C_{t-1}$", c_col, ha="left", va="bottom", fontsize=14)
    label(X_END + 0.1, Y_HIGHWAY + 0.3, r"$C_t$", c_col, ha="right", va="bottom", fontsize=14)
    label((X_MUL_F + X_ADD) / 2, Y_HIGHWAY + 0.22, "cell state = the notebook\n(information highway)", c_col,
          ha="center", va="bottom", fontsize=9.5, style="italic")

    # Input bus [h_{t-1}, x_t] feeding the four gates.
    line([0.2, X_GATE["output"]], [Y_BUS] * 2, WIRE, 1.8)
    label(0.1, Y_BUS + 0.2, r"$h_{t-1}$", WIRE, ha="left", va="bottom", fontsize=14)
    line([2.0, 2.0], [-0.85, Y_BUS], WIRE, 1.8)
    label(2.2, -0.95, r"$x_t$", WIRE, ha="left", va="bottom", fontsize=14)
    ax.plot([2.0], [Y_BUS], "o", color=WIRE, ms=5, zorder=3)
    label(1.85, Y_BUS - 0.2, r"$[h_{t-1}, x_t]$", WIRE, ha="right", va="top", fontsize=10)

    gate_symbol = {"forget": "σ", "input": "σ", "candidate": "tanh", "output": "σ"}
    for part, x in X_GATE.items():
        col, lw = _part_color(part, highlight)
        line([x, x], [Y_BUS, Y_GATE - 0.35], WIRE, 1.4)
        picked = highlight is not None and part in highlight
        ax.add_patch(Rectangle((x - 0.5, Y_GATE - 0.35), 1.0, 0.7, facecolor=col, edgecolor="black" if picked
                               else "0.3", lw=2.0 if picked else 1.0, zorder=3, gid=f"gate:{part}"))
        label(x, Y_GATE, gate_symbol[part], "white" if col != MUTED else "0.15", ha="center", va="center",
              fontsize=13 if part != "candidate" else 11, weight="bold")
        if show_names:
            label(x, Y_BUS - 0.15, NAMES[part], col if col != MUTED else "0.5", ha="center", va="top",
                  fontsize=9)

    # Forget gate: f_t up into ⊙ on the highway.
    col, lw = _part_color("forget", highlight)
    line([X_MUL_F, X_MUL_F], [Y_GATE + 0.35, Y_HIGHWAY - R_OP], col, lw, arrow=True)
    label(X_MUL_F - 0.12, Y_MID, r"$f_t$", col, ha="right", va="center", fontsize=14)
    op(X_MUL_F, Y_HIGHWAY, "⊙", col, "op:forget")

    # Input gate and candidate: i_t ⊙ C̃_t, then up into ⊕.
    col_i, lw_i = _part_color("input", highlight)
    col_g, lw_g = _part_color("candidate", highlight)
    x_in = X_GATE["input"]
    line([x_in, x_in, X_ADD - R_OP], [Y_GATE + 0.35, Y_MID, Y_MID], col_i, lw_i, arrow=True)
    label(x_in - 0.12, Y_MID - 0.55, r"$i_t$", col_i, ha="right", va="center", fontsize=14)
    line([X_ADD, X_ADD], [Y_GATE + 0.35, Y_MID - R_OP], col_g, lw_g, arrow=True)
    label(X_ADD + 0.12, Y_MID - 0.75, r"$\tilde{C}_t$", col_g, ha="left", va="center", fontsize=14)
    # The product i_t ⊙ C̃_t takes the input gate's colour; when the input gate is grey, the candidate's.
    add_col = col_g if col_i == MUTED else col_i
    add_lw = max(lw_i, lw_g)
    op(X_ADD, Y_MID, "⊙", add_col, "op:input")
    line([X_ADD, X_ADD], [Y_MID + R_OP, Y_HIGHWAY - R_OP], add_col, add_lw, arrow=True)
    label(X_ADD + 0.12, (Y_MID + Y_HIGHWAY) / 2, r"$i_t \odot \tilde{C}_t$", add_col, ha="left", va="center",
          fontsize=12)
    op(X_ADD, Y_HIGHWAY, "⊕", c_col, "op:add")

    # Output: tanh(C_t), gated by o_t, gives h_t.
    col_o, lw_o = _part_color("output", highlight)
    y_tanh, y_mul = Y_MID + 0.15, Y_GATE
    line([X_OUT, X_OUT], [Y_HIGHWAY, y_tanh + 0.3], c_col, 1.8, arrow=True)
    ax.add_patch(FancyBboxPatch((X_OUT - 0.45, y_tanh - 0.25), 0.9, 0.5, boxstyle="round,pad=0.02,rounding_size=0.25",
                                facecolor="white", edgecolor=col_o, lw=1.8, zorder=3, gid="tanh:output"))
    label(X_OUT, y_tanh, "tanh", col_o, ha="center", va="center", fontsize=10.5)
    line([X_OUT, X_OUT], [y_tanh - 0.25, y_mul + R_OP], col_o, 1.8, arrow=True)
    x_o = X_GATE["output"]
    line([x_o + 0.5, X_OUT - R_OP], [Y_GATE, y_mul], col_o, lw_o, arrow=True)
    label((x_o + 0.5 + X_OUT - R_OP) / 2, Y_GATE + 0.12, r"$o_t$", col_o, ha="center", va="bottom", fontsize=14)
    op(X_OUT, y_mul, "⊙", col_o, "op:output")
    line([X_OUT, X_OUT, X_END], [y_mul - R_OP, Y_BUS, Y_BUS], col_o, lw_o, arrow=True)
    label(X_END + 0.1, Y_BUS + 0.2, r"$h_t$", col_o, ha="right", va="bottom", fontsize=14)
    line([X_UP, X_UP, X_UP], [Y_BUS, 7.0, 7.9], col_o, 1.6, arrow=True)
    ax.plot([X_UP], [Y_BUS], "o", color=col_o, ms=5, zorder=3)
    label(X_UP + 0.15, 7.7, r"$h_t$ (output)", col_o, ha="left", va="center", fontsize=11)

    if title is None:
        title = ("One LSTM cell" if highlight is None
                 else "One LSTM cell: " + _and_list(f"the {TITLE_NAMES[part]}" for part in highlight))
    ax.set_title(title)
    return ax


# ----------------------------------------------------------------------------- the backward graph (notebook 07)
BACKWARD_PATHS = ("cell", "hidden")
# Accepted spellings for ``draw_lstm_backward(highlight=...)`` -> canonical path name.
BACKWARD_ALIASES = {"cell": "cell", "C": "cell", "C_t": "cell", "cell path": "cell", "highway": "cell",
                    "hidden": "hidden", "h": "hidden", "h_t": "hidden", "hidden path": "hidden"}
BACKWARD_COLORS = {"cell": COLORS["cell"], "hidden": COLORS["output"]}
# Geometry of the backward graph (data coordinates): the cell path on top, the hidden path below.
YB_CELL, YB_LOCAL, YB_DA, YB_W, YB_BUS = 6.3, 4.75, 3.3, 2.05, 0.9
XB_GATE = {"forget": 3.4, "input": 5.9, "candidate": 8.4, "output": 10.9}
XB_MUL_F, XB_ADD_C, XB_ADD_H, XB_SPLIT, XB_END = 1.6, 13.0, 14.6, 1.6, 16.3
DA_NAMES = {"forget": "f", "input": "i", "candidate": "C", "output": "o"}
DA_FACTORS = {"forget": "$\\odot\\, C_{t-1}$\n$\\odot\\, f_t(1-f_t)$",
              "input": "$\\odot\\, \\tilde{C}_t$\n$\\odot\\, i_t(1-i_t)$",
              "candidate": "$\\odot\\, i_t$\n$\\odot\\, (1-\\tilde{C}_t^{\\,2})$",
              "output": "$\\odot\\, \\tanh(C_t)$\n$\\odot\\, o_t(1-o_t)$"}


def _path_color(path: str, highlight: str | None) -> tuple[str, float]:
    """(colour, line width) of a gradient path given which one is highlighted."""
    if highlight is None:
        return BACKWARD_COLORS[path], 2.2
    if path == highlight:
        return BACKWARD_COLORS[path], 3.4
    return MUTED, 1.6


def draw_lstm_backward(ax=None, *, highlight: str | None = None, title: str | None = None):
    """Draw the backward computational graph of one LSTM step t: where the gradients go, right to left.

    Two paths carry the gradient from step t back to step t−1 (the slides' notation; ⊙ is the entry-wise
    product, σ' = σ(1 − σ), tanh' = 1 − tanh²):

    * the **cell path** (top, blue): dC_{t+1} ⊙ f_{t+1} arrives from step t+1, adds to what comes from h_t,
      gives dC_t, and leaves for step t−1 as dC_{t-1} = dC_t ⊙ f_t: one product with the forget gate, no
      weight matrix;
    * the **hidden path** (below, purple): dh_t (the loss at step t plus what step t+1 sent back) reaches
      dC_t through dh_t ⊙ o_t ⊙ (1 − tanh² C_t) and the output gate's pre-activation da^o_t; dC_t reaches the
      other three pre-activations da^f_t, da^i_t, da^C_t; each goes back through its weight matrix (W_gᵀ)
      and their sum d[h_{t-1}, x_t] splits into dh_{t-1} (to step t−1) and dx_t.

    Args:
        ax: a matplotlib axis; a new figure (pyplot) of size 10 × 6 is made if None.
        highlight: None (both paths in their colours) or 'cell' / 'hidden' (also 'C_t', 'h_t', 'cell path',
            'hidden path', 'highway', 'C', 'h'): that path is drawn thicker, the other one grey.
        title: axis title; a default naming the highlighted path if None.

    Every patch has a ``gid`` for tests: 'op:add_dC', 'op:forget', 'op:add_dh', 'box:local' (the factor
    o_t ⊙ (1 − tanh² C_t)), 'box:da_f', 'box:da_i', 'box:da_C', 'box:da_o', 'box:W_f' … 'box:W_o'; every
    wire (Line2D or arrow) has the gid of its path, 'path:cell' or 'path:hidden'.

    Returns:
        the axis.
    """
    where = "draw_lstm_backward()"
    if highlight is not None:
        check_choice(highlight, "highlight", where, tuple(BACKWARD_ALIASES))
        highlight = BACKWARD_ALIASES[highlight]
    ax = _canvas(ax, (11.0, 6.0), (-0.4, 16.6), (-1.3, 7.9))
    c_col, c_lw = _path_color("cell", highlight)
    h_col, h_lw = _path_color("hidden", highlight)

    def wire(xs, ys, color, lw, gid, arrow=True):
        if arrow:
            ax.add_patch(FancyArrowPatch((xs[-2], ys[-2]), (xs[-1], ys[-1]), arrowstyle="-|>", mutation_scale=15,
                                         color=color, lw=lw, zorder=2, shrinkA=0, shrinkB=0, gid=gid))
            xs, ys = xs[:-1], ys[:-1]
        if len(xs) > 1:
            ax.plot(xs, ys, color=color, lw=lw, solid_capstyle="round", zorder=1, gid=gid)

    def op(x, y, symbol, color, gid):
        ax.add_patch(Circle((x, y), R_OP, facecolor="white", edgecolor=color, lw=2.0, zorder=4, gid=gid))
        ax.text(x, y, symbol, ha="center", va="center", fontsize=16, color=color, zorder=5)

    def box(x, y, w, h, text, face, edge, gid, color="white", fontsize=12):
        ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.12",
                                    facecolor=face, edgecolor=edge, lw=1.4, zorder=3, gid=gid))
        ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, color=color, zorder=5)

    def label(x, y, text, color=WIRE, **kw):
        kw.setdefault("fontsize", 12)
        ax.text(x, y, text, color=color, zorder=6, **kw)

    # --- the cell path (top): dC_{t+1} ⊙ f_{t+1} -> ⊕ -> dC_t -> ⊙ f_t -> dC_{t-1}
    wire([XB_END, XB_ADD_C + R_OP], [YB_CELL] * 2, c_col, c_lw, "path:cell")
    label(XB_END + 0.1, YB_CELL + 0.25, "$dC_{t+1} \\odot f_{t+1}$\n(from step t+1)", c_col, ha="right", va="bottom",
          fontsize=11)
    op(XB_ADD_C, YB_CELL, "⊕", c_col, "op:add_dC")
    wire([XB_ADD_C - R_OP, XB_MUL_F + R_OP], [YB_CELL] * 2, c_col, c_lw, "path:cell")
    label((XB_GATE["output"] + XB_ADD_C) / 2, YB_CELL + 0.2, "$dC_t$", c_col, ha="center", va="bottom", fontsize=14)
    op(XB_MUL_F, YB_CELL, "⊙", c_col, "op:forget")
    label(XB_MUL_F, YB_CELL + 0.45, "$f_t$", c_col, ha="center", va="bottom", fontsize=13)
    wire([XB_MUL_F - R_OP, -0.2], [YB_CELL] * 2, c_col, c_lw, "path:cell")
    label(-0.3, YB_CELL + 0.2, "$dC_{t-1}$", c_col, ha="left", va="bottom", fontsize=14)
    label((XB_MUL_F + XB_GATE["forget"]) / 2 + 0.9, YB_CELL + 0.75,
          "cell path: one product with $f_t$, no weight matrix", c_col, ha="left", va="bottom", fontsize=10,
          style="italic")

    # --- dh_t: the loss at step t + what step t+1 sent back, then up into dC_t through o_t ⊙ tanh'(C_t)
    wire([XB_END, XB_ADD_H + R_OP], [YB_DA] * 2, h_col, h_lw, "path:hidden")
    label(XB_END + 0.1, YB_DA - 0.3, "$dh_t$ from\nstep t+1", h_col, ha="right", va="top", fontsize=11)
    wire([XB_ADD_H, XB_ADD_H], [YB_LOCAL + 0.5, YB_DA + R_OP], h_col, h_lw, "path:hidden")
    label(XB_ADD_H + 0.1, YB_LOCAL + 0.55, r"$\partial L/\partial h_t$" + "\n(loss at t)", h_col, ha="center",
          va="bottom", fontsize=11)
    op(XB_ADD_H, YB_DA, "⊕", h_col, "op:add_dh")
    wire([XB_ADD_H - R_OP, XB_GATE["output"] + 0.75], [YB_DA] * 2, h_col, h_lw, "path:hidden")
    label((XB_ADD_C + XB_ADD_H) / 2 - 0.1, YB_DA + 0.12, "$dh_t$", h_col, ha="center", va="bottom", fontsize=14)
    ax.plot([XB_ADD_C], [YB_DA], "o", color=h_col, ms=6, zorder=3, gid="path:hidden")
    wire([XB_ADD_C, XB_ADD_C], [YB_DA, YB_LOCAL - 0.3], h_col, h_lw, "path:hidden")
    box(XB_ADD_C, YB_LOCAL, 2.3, 0.6, r"$\odot\, o_t \odot (1-\tanh^2 C_t)$", "white", h_col, "box:local", color=h_col,
        fontsize=10.5)
    wire([XB_ADD_C, XB_ADD_C], [YB_LOCAL + 0.3, YB_CELL - R_OP], h_col, h_lw, "path:hidden")

    # --- the four pre-activations da^g_t, each back through its weights W_gᵀ into d[h_{t-1}, x_t]
    for part, x in XB_GATE.items():
        g = DA_NAMES[part]
        if part != "output":                      # da^f, da^i, da^C read dC_t
            wire([x, x], [YB_CELL, YB_DA + 0.3], h_col, max(h_lw - 0.8, 1.4), "path:hidden")
            ax.plot([x], [YB_CELL], "o", color=c_col, ms=6, zorder=3, gid="path:cell")
            label(x + 0.12, (YB_CELL + YB_DA) / 2 + 0.1, DA_FACTORS[part], h_col, ha="left", va="center",
                  fontsize=10.5)
        else:                                     # da^o reads dh_t
            label(x + 0.85, YB_DA - 0.2, DA_FACTORS[part], h_col, ha="left", va="top", fontsize=10.5)
        face = MUTED if highlight == "cell" else COLORS[part]
        box(x, YB_DA, 1.5, 0.6, f"$da^{g}_t$", face, "0.3", f"box:da_{g}", color="0.15" if face == MUTED else "white",
            fontsize=13)
        wire([x, x], [YB_DA - 0.3, YB_W + 0.28], h_col, max(h_lw - 0.8, 1.4), "path:hidden")
        box(x, YB_W, 1.1, 0.56, f"$W_{g}^{{\\top}}$", "white", h_col, f"box:W_{g}", color=h_col, fontsize=12)
        wire([x, x], [YB_W - 0.28, YB_BUS], h_col, max(h_lw - 0.8, 1.4), "path:hidden", arrow=False)
    wire([XB_GATE["output"], XB_SPLIT], [YB_BUS] * 2, h_col, h_lw, "path:hidden", arrow=False)
    label((XB_GATE["candidate"] + XB_GATE["output"]) / 2, YB_BUS - 0.12,
          r"sum: $d[h_{t-1}, x_t] = \sum_g W_g^{\top} da^g_t$", h_col, ha="center", va="top", fontsize=10.5)
    ax.plot([XB_SPLIT], [YB_BUS], "o", color=h_col, ms=6, zorder=3, gid="path:hidden")
    wire([XB_SPLIT, -0.2], [YB_BUS] * 2, h_col, h_lw, "path:hidden")
    label(-0.3, YB_BUS + 0.15, "$dh_{t-1}$", h_col, ha="left", va="bottom", fontsize=14)
    label(0.95, YB_BUS + 0.17, "(its first H entries)", h_col, ha="left", va="bottom", fontsize=10)
    wire([XB_SPLIT, XB_SPLIT], [YB_BUS, -1.1], h_col, h_lw, "path:hidden")
    label(XB_SPLIT + 0.15, -1.05, "$dx_t$  (its last D entries)", h_col, ha="left", va="bottom", fontsize=11)
    label(XB_GATE["output"] + 1.0, -1.05, r"weights: $dW_g$ += $da^g_t\,[h_{t-1}, x_t]^{\top}$,"
          r"  $db_g$ += $da^g_t$", WIRE, ha="center", va="bottom", fontsize=10)

    if title is None:
        title = ("Backward through one LSTM step: the cell path and the hidden path" if highlight is None
                 else f"Backward through one LSTM step: the {highlight} path")
    ax.set_title(title)
    return ax
