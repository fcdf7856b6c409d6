"""Looking for an interpretable unit of a character model, by measurement (notebook 11).

Karpathy, Johnson & Fei-Fei (2015, "Visualizing and understanding recurrent networks") found single LSTM
cells whose activation follows something readable in the text: inside or outside a quotation, the position
in a line. Here every unit's cell state C_t and output h_t are recorded while the model reads held-out text
(:func:`unit_activations`), and correlated with simple features of the text read so far
(:func:`text_features`, :data:`FEATURES`). :func:`unit_table` names, per feature, the unit that follows it
best and the runner-up; :func:`plot_unit_text` colours the characters by one unit's activation.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.data import one_hot
from ..support.checks import check_array, check_size
from .charlm import Vocab

#: feature name -> what it measures, after the character at step t has been read.
FEATURES = {
    "inside quotes": 'an odd number of " since the paragraph began (1 inside a quotation, else 0)',
    "inside parentheses": "more ( than ) since the paragraph began (1 inside, else 0)",
    "position in word": "characters since the last space or newline (0 on a space)",
    "position in paragraph": "characters since the last newline (0 on a newline)",
}
STATES = ("C_t", "h_t")
UNIT_CMAP = "PuOr"          # diverging, colour-blind safe; white at 0


def text_features(text: str) -> dict[str, np.ndarray]:
    """``text`` (N characters) -> {feature name: values (N,) float64} of :data:`FEATURES`, step by step."""
    if not isinstance(text, str):
        raise TypeError(f"text_features(): argument 'text' must be a string, but it is {type(text).__name__}.")
    out = {name: np.zeros(len(text)) for name in FEATURES}
    quotes = depth = word = line = 0
    for t, c in enumerate(text):
        if c == "\n":
            quotes = depth = word = line = 0
        else:
            quotes ^= c == '"'
            depth = depth + 1 if c == "(" else max(depth - 1, 0) if c == ")" else depth
            word = 0 if c == " " else word + 1
            line += 1
        out["inside quotes"][t], out["inside parentheses"][t] = quotes, depth > 0
        out["position in word"][t], out["position in paragraph"][t] = word, line
    return out


def paragraph_chunks(ids: np.ndarray, newline_id: int, chunks: int) -> list[np.ndarray]:
    """Cut ``ids`` (N,) into ``chunks`` consecutive pieces of about equal length, each starting a paragraph.

    The text before the first newline (a paragraph whose start is not in ``ids``) is left out.
    """
    ids = check_int_array_1d(ids, "ids", "paragraph_chunks()")
    chunks = check_size(chunks, "chunks", "paragraph_chunks()")
    starts = np.flatnonzero(ids[:-1] == newline_id) + 1
    if len(starts) < chunks:
        raise ValueError(f"paragraph_chunks(): the text has {len(starts)} paragraph starts, fewer than "
                         f"argument 'chunks' = {chunks}.")
    wanted = starts[0] + (len(ids) - starts[0]) * np.arange(chunks) / chunks
    cuts = np.unique(starts[np.abs(starts[None, :] - wanted[:, None]).argmin(axis=1)])   # the nearest starts
    return [ids[a:b] for a, b in zip(cuts, list(cuts[1:]) + [len(ids)])]


def check_int_array_1d(ids, name: str, where: str) -> np.ndarray:
    """``ids`` as a 1-D int64 array of at least two ids."""
    ids = np.asarray(ids)
    if ids.ndim != 1 or ids.size < 2 or ids.dtype.kind not in "iu":
        raise ValueError(f"{where}: argument '{name}' must be a 1-D array of at least 2 integer ids, "
                         f"but it has shape {ids.shape} and dtype {ids.dtype}.")
    return ids.astype(np.int64)


def unit_activations(model, vocab: Vocab, ids, *, chunks: int = 8) -> tuple[str, dict[str, np.ndarray]]:
    """Read ``ids`` (N,) in ``chunks`` pieces (:func:`paragraph_chunks`), each from a zero state, side by side.

    Returns ``(text, {'C_t': (M, H), 'h_t': (M, H)})``: the M characters read (pieces one after the other)
    and every unit's C_t and h_t after reading each of them.
    """
    pieces = paragraph_chunks(ids, vocab.chars.index("\n"), chunks)
    T = max(len(p) for p in pieces)
    padded = np.zeros((T, len(pieces)), dtype=np.int64)
    for b, p in enumerate(pieces):
        padded[:len(p), b] = p
    model.cell.forward(one_hot(padded, len(vocab), model.dtype))
    gates = model.cell.last_gates()
    acts = {s: np.concatenate([gates[s][:len(p), b] for b, p in enumerate(pieces)]) for s in STATES}
    return "".join(vocab.decode(p) for p in pieces), acts


def correlations(values: np.ndarray, feature: np.ndarray) -> np.ndarray:
    """Pearson correlation of each column of ``values`` (N, H) with ``feature`` (N,) -> (H,); 0 for a constant one."""
    values = check_array(values, "values", "correlations()", shape=(None, None), dims=("N", "H")).astype(np.float64)
    feature = check_array(feature, "feature", "correlations()", shape=(values.shape[0],), dims=("N",))
    a = values - values.mean(axis=0)
    f = feature - feature.mean()
    denom = np.sqrt((a * a).sum(axis=0) * (f * f).sum())
    return np.divide((a * f[:, None]).sum(axis=0), denom, out=np.zeros(values.shape[1]), where=denom > 0)


@dataclass(frozen=True)
class UnitFinding:
    """The unit that follows ``feature`` best: ``state`` ('C_t' or 'h_t'), ``unit`` index, correlation ``r``,
    and ``runner_up_r``: the largest |r| of any other unit in either state."""

    feature: str
    state: str
    unit: int
    r: float
    runner_up_r: float

    @property
    def margin(self) -> float:
        """|r| of the unit minus |r| of the runner-up: how much this one unit stands out."""
        return abs(self.r) - self.runner_up_r


def unit_table(text: str, acts: dict[str, np.ndarray]) -> list[UnitFinding]:
    """One :class:`UnitFinding` per feature of :data:`FEATURES`, in that order.

    ``acts``: {'C_t': (N, H), 'h_t': (N, H)} for the N characters of ``text`` (as :func:`unit_activations` returns).
    """
    feats = text_features(text)
    if not isinstance(acts, dict) or set(acts) != set(STATES):
        raise TypeError(f"unit_table(): argument 'acts' must be a dict with the keys {STATES}, as unit_activations() "
                        f"returns, but it is {acts if not isinstance(acts, dict) else sorted(acts)!r}.")
    for s in STATES:
        check_array(acts[s], f"acts['{s}']", "unit_table()", shape=(len(text), None), dims=("N", "H"))
    table = []
    for name, f in feats.items():
        r = {s: correlations(acts[s], f) for s in STATES}
        state = max(STATES, key=lambda s: np.abs(r[s]).max())
        unit = int(np.argmax(np.abs(r[state])))
        others = max(float(np.abs(np.delete(r[s], unit)).max()) for s in STATES)
        table.append(UnitFinding(name, state, unit, float(r[state][unit]), others))
    return table


def standout(table: list[UnitFinding]) -> UnitFinding:
    """The finding whose unit stands out most from every other unit (largest :attr:`UnitFinding.margin`)."""
    if not table:
        raise ValueError("standout(): argument 'table' is empty.")
    return max(table, key=lambda u: u.margin)


def text_grid(text: str, values: np.ndarray, width: int) -> tuple[list[str], np.ndarray]:
    """Lay ``text`` out in rows of at most ``width`` characters -> (rows, values (rows, width), NaN where empty).

    A newline ends a row (it is not shown); a full row breaks after its last space (a space right at the break
    is not shown), or, in a word longer than a row, anywhere.
    """
    width = check_size(width, "width", "text_grid()")
    rows, grid, row, vals = [], [], "", []

    def flush(r, v):
        rows.append(r)
        grid.append(list(v) + [np.nan] * (width - len(v)))

    for c, v in zip(text, values):
        if c == "\n":
            flush(row, vals)
            row, vals = "", []
            continue
        if len(row) == width:
            k = row.rfind(" ")
            if c == " " or k <= 0:
                flush(row, vals)
                row, vals = "", []
                if c == " ":
                    continue
            else:
                flush(row[:k + 1], vals[:k + 1])
                row, vals = row[k + 1:], vals[k + 1:]
        row, vals = row + c, vals + [v]
    if row:
        flush(row, vals)
    return rows, np.array(grid, dtype=float).reshape(len(rows), width)


def plot_unit_text(ax, text: str, values, *, width: int = 90, label: str = "activation", title: str = ""):
    """Draw ``text`` character by character on a background coloured by ``values`` (len(text),).

    Diverging colour map :data:`UNIT_CMAP` centred at 0; a newline
    ends a row and is not drawn. Returns the image (for a colour bar).
    """
    values = check_array(np.asarray(values, dtype=float), "values", "plot_unit_text()", shape=(len(text),),
                         dims=("N",))
    rows, grid = text_grid(text, values, width)
    limit = float(np.nanmax(np.abs(grid))) or 1.0
    image = ax.imshow(grid, cmap=UNIT_CMAP, vmin=-limit, vmax=limit, aspect="auto", interpolation="nearest")
    for y, row in enumerate(rows):
        for x, c in enumerate(row):
            if c != " ":
                shade = (grid[y, x] + limit) / (2 * limit)
                ax.text(x, y, c, ha="center", va="center", family="monospace", fontsize=9,
                        color="white" if abs(shade - 0.5) > 0.35 else "black")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    ax.set_title(title)
    ax.set_xlabel(f"background: {label} (colour bar); each row is at most {width} characters")
    return image


def mean_by_feature(values: np.ndarray, feature: np.ndarray) -> tuple[float, float]:
    """Mean of ``values`` (N,) where ``feature`` (N,) is nonzero, and where it is zero."""
    values = check_array(np.asarray(values, dtype=float), "values", "mean_by_feature()", shape=(None,), dims=("N",))
    on = np.asarray(feature) != 0
    if on.all() or not on.any():
        raise ValueError("mean_by_feature(): argument 'feature' must be nonzero at some steps and zero at others.")
    return float(values[on].mean()), float(values[~on].mean())
