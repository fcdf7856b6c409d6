"""Slide metadata for the course notebooks: which cell opens a slide, which joins the one before, which the
slides leave out, and which goes to the speaker notes (`metadata.slideshow.slide_type`, the field JupyterLab's
property inspector, RISE and nbconvert's slides exporter read).

    python presentation/slidemeta.py notebooks/04_forget_gate.ipynb ...   # set the metadata (only that field)
    python presentation/slidemeta.py --check notebooks/*.ipynb            # exit 1 when a notebook differs
    python presentation/slidemeta.py --show notebooks/04_forget_gate.ipynb  # the plan, one line per cell

The slides are for a 1280 x 720 screen. The rules, first match wins:

 1. OVERRIDES below (notebook name -> cell id -> slide type): hand-tuned cases.
 2. A "Set-up" section (its heading and every cell up to the next heading of the same or a higher level): skip.
 3. Code cells that carry nbgrader metadata (exercise stubs with instructor solutions, self-checks, hidden
    tests): skip. Markdown cells that are nbgrader solutions (written answers): skip.
 4. Code cells that show a widget (live widgets, progress bars: the offline slides cannot run them; the
    notebook stores a static figure of every widget just above it), that are tagged nbval-ignore-output or
    raises-exception, or that have no output: skip.
 5. A markdown cell without a heading right after a live-widget cell (`..._widget(...)`, e.g. "Try it: ..."):
    notes. It tells the presenter what to do with the widget in JupyterLab.
 6. Markdown opening with a level-1 or level-2 heading: slide. Level 3 or deeper: subslide.
 7. A code cell that draws a figure: subslide, and the next cell on the slides opens a subslide too, so the
    figure has a slide of its own (its printed lines stay with it; its code is not shown). A short markdown
    cell right before it (at most CAPTION_MAX_PX high, e.g. "Top row: ..., bottom row: ...") is its caption
    when both fit at the figure's own size: it opens that slide (subslide, or slide if it has a level-1/2
    heading) and the figure joins it ("-").
 8. Anything else joins the slide before ("-") while the estimated height fits in the slide; else subslide.

The code of a cell that draws a figure, and code longer than CODE_LINES_SHOWN lines, is not shown on the
slides (its output is): build.py hides it. The heights are estimates from the source and the stored outputs
(see `cell_height`), calibrated in the browser on notebooks 00-08 (most estimates are 0.9-1.2 times the real
height); tests/test_slides.py measures every slide and fails when a slide of several cells overflows. A single
cell taller than the screen cannot be split by metadata: the slides shrink it (to MIN_ZOOM at most), then let
it scroll; splitting the cell in the notebook is the real fix.
"""
from __future__ import annotations

import argparse
import base64
import math
import pathlib
import re
import struct
import sys

import nbformat

SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720
# Style of the slides (build.py writes these into the CSS; the estimates below assume them).
TEXT_PX, CODE_PX, TABLE_PX = 22, 17, 18
HEADING_SIZE_PX = {1: 40, 2: 34, 3: 28}
IMAGE_MAX_PX = 620         # largest height of a figure on a slide
FIGURE_SCALE_MAX = 1.6     # a figure is enlarged up to this factor to fill its slide
CODE_LINES_SHOWN = 8       # longer code is left off the slides (its output stays)
MIN_ZOOM = 0.75            # a slide taller than the screen is shrunk down to this, then it scrolls (build.py)
CAPTION_MAX_PX = 180       # a markdown cell this short right before a figure stays with it (if both fit)
BUDGET_PX = 680            # usable height of a slide (the slide number and arrows sit in the corner)
CONTENT_WIDTH_PX = 1240

SLIDE_TYPES = ("slide", "subslide", "fragment", "skip", "notes", "-")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
IMAGE_MIMES = ("image/png", "image/jpeg")
LIVE_WIDGET_CALL = re.compile(r"^\s*(?:\w+\s*=\s*)?\w+_widget\(", re.M)
HEADING = re.compile(r"^(#{1,6})\s+(.*)")
SETUP_HEADING = re.compile(r"^set[- ]?up\b", re.I)
SKIP_TAGS = {"nbval-ignore-output", "raises-exception"}

# Hand-tuned cases: {notebook stem: {cell id: slide type}}. Keep it short: a rule that fits many notebooks
# belongs above. Today no notebook needs one.
OVERRIDES: dict[str, dict[str, str]] = {}


# --------------------------------------------------------------------------------------------- cell facts
def source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def heading_level(cell) -> int:
    """Level of the heading on the first line of a markdown cell (0: none)."""
    if cell.get("cell_type") != "markdown":
        return 0
    m = HEADING.match(source(cell).lstrip("\n").split("\n", 1)[0])
    return len(m.group(1)) if m else 0


def heading_text(cell) -> str:
    m = HEADING.match(source(cell).lstrip("\n").split("\n", 1)[0])
    return m.group(2).strip() if m else ""


def has_widget(cell) -> bool:
    return any(WIDGET_MIME in out.get("data", {}) for out in cell.get("outputs", []))


def is_live_widget(cell) -> bool:
    return cell.get("cell_type") == "code" and has_widget(cell) and LIVE_WIDGET_CALL.search(source(cell)) is not None


def images(cell) -> list[tuple[int, int]]:
    """(width, height) in pixels of every PNG/JPEG the cell's outputs show."""
    sizes = []
    for out in cell.get("outputs", []):
        for mime in IMAGE_MIMES:
            if mime in out.get("data", {}):
                sizes.append(image_size(out, mime))
    return sizes


def image_size(out, mime: str) -> tuple[int, int]:
    meta = out.get("metadata", {}).get(mime, {})
    if "width" in meta and "height" in meta:
        return int(meta["width"]), int(meta["height"])
    raw = base64.b64decode(out["data"][mime])
    if mime == "image/png":
        return struct.unpack(">II", raw[16:24])
    i = 2  # JPEG: walk the segments to the first start-of-frame
    while i < len(raw) - 9:
        marker, length = raw[i + 1], struct.unpack(">H", raw[i + 2:i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            h, w = struct.unpack(">HH", raw[i + 5:i + 9])
            return w, h
        i += 2 + length
    return 640, 480


def hide_input(cell) -> bool:
    """Code input is left off the slides when it draws a figure (the figure gets the room) or is longer than
    CODE_LINES_SHOWN lines; what it prints stays."""
    if cell.get("cell_type") != "code":
        return False
    return bool(images(cell)) or len(source(cell).rstrip("\n").split("\n")) > CODE_LINES_SHOWN


# ------------------------------------------------------------------------------------- height estimates
TEXT_LINE = TEXT_PX * 1.4
CODE_LINE = CODE_PX * 1.3
TABLE_LINE = TABLE_PX * 1.3 + 1
TEXT_CHARS = CONTENT_WIDTH_PX / (TEXT_PX * 0.50)      # characters of prose per line
TABLE_CHARS = CONTENT_WIDTH_PX / (TABLE_PX * 0.52)
CODE_CHARS = CONTENT_WIDTH_PX / (CODE_PX * 0.6)
BLOCK_GAP = 10
BLOCKQUOTE_PAD = 40
MATH_LINE_EXTRA = 3
DISPLAY_MATH_PX = 80
CELL_PAD = 8
FIGURE_PAD = 50


def _tex_width(tex: str) -> int:
    """About as many characters as an inline formula is wide: a command or a brace counts as one."""
    return max(1, int(len(re.sub(r"\\[A-Za-z]+|[{}_^\\]", "x", tex)) * 0.75))


def _visible_text(md: str) -> str:
    """Roughly the characters a reader sees, as many as take the same width: markup removed, TeX shortened to
    its rendered width, inline code (monospace, on a grey box) lengthened."""
    md = re.sub(r"\$([^$]+)\$", lambda m: "x" * _tex_width(m.group(1)), md)
    md = re.sub(r"`([^`]+)`", lambda m: "x" * (int(len(m.group(1)) * 1.3) + 1), md)
    md = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", md)
    md = re.sub(r"</?(?:b|i|em|strong|code|summary|details|br|sub|sup|span)[^>]*>", "", md)
    return re.sub(r"[*`_]", "", md)


def _line_px(text: str) -> float:
    """Height of a line of prose: inline TeX (subscripts, fractions) makes lines taller."""
    return TEXT_LINE + (MATH_LINE_EXTRA if "$" in text else 0)


def _lines(text: str, chars: float) -> int:
    return max(1, math.ceil(len(text) / chars))


def markdown_height(md: str) -> float:
    """Estimated height in pixels of a markdown cell on a slide (a <details> block counted open)."""
    height = 0.0
    block: list[str] = []
    in_fence = in_math = False

    def flush():
        nonlocal height
        if not block:
            return
        first = block[0].lstrip()
        if first.startswith("|"):
            rows = [r for r in block if not re.match(r"^\s*\|[\s:|-]+\|\s*$", r)]
            for row in rows:
                cells = [c for c in row.strip().strip("|").split("|")]
                height += _lines(_visible_text(" ".join(cells)), TABLE_CHARS * 0.75) * TABLE_LINE + 7
            height += BLOCK_GAP
        elif re.match(r"^([*+-]|\d+[.)])\s", first):
            items: list[str] = []
            for line in block:
                if re.match(r"^\s*([*+-]|\d+[.)])\s", line):
                    items.append(line)
                else:
                    items[-1] += " " + line.strip()
            for item in items:
                indent = len(item) - len(item.lstrip())
                height += _lines(_visible_text(item.strip()), TEXT_CHARS - 5 - indent) * _line_px(item) + 2
            height += BLOCK_GAP
        else:
            quote = BLOCKQUOTE_PAD if first.startswith(">") else 0
            text = " ".join(l.strip().lstrip(">") for l in block)
            height += _lines(_visible_text(text), TEXT_CHARS) * _line_px(text) + BLOCK_GAP + quote
        block.clear()

    for line in md.split("\n"):
        stripped = line.strip()
        if stripped.startswith("```"):
            flush()
            in_fence = not in_fence
            height += CODE_LINE if in_fence else BLOCK_GAP + 8
            continue
        if in_fence:
            height += CODE_LINE
            continue
        if in_math or stripped.startswith("$$"):
            if not in_math:
                flush()
                in_math, math_rows = True, 1
                stripped = stripped[2:]
            math_rows += stripped.count("\\\\")
            if stripped.endswith("$$"):
                in_math = False
                height += DISPLAY_MATH_PX + 26 * (math_rows - 1)
            continue
        m = HEADING.match(stripped)
        if m:
            flush()
            level = min(3, len(m.group(1)))
            size = HEADING_SIZE_PX[level]
            height += _lines(_visible_text(m.group(2)), CONTENT_WIDTH_PX / (size * 0.55)) * size * 1.25 \
                + size * 0.4
            continue
        if stripped in ("", "<details>", "</details>") or re.fullmatch(r"</?div[^>]*>", stripped):
            flush()
            continue
        if stripped.startswith("<summary>"):
            flush()
            height += TEXT_LINE + BLOCK_GAP
            continue
        if block and re.match(r"^([*+-]|\d+[.)])\s", stripped) and not block[0].lstrip()[:1] in "*+-0123456789":
            flush()
        block.append(line)
    flush()
    return height + CELL_PAD


def output_text_lines(cell) -> list[str]:
    lines: list[str] = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            text = out.get("text", "")
        elif any(m in out.get("data", {}) for m in IMAGE_MIMES + (WIDGET_MIME, "text/html", "text/markdown")):
            continue   # figures and widgets are measured apart, markdown output as markdown (code_height)
        else:
            text = out.get("data", {}).get("text/plain", "")
        text = "".join(text) if isinstance(text, list) else text
        lines.extend(text.rstrip("\n").split("\n"))
    return lines


def figure_scale(width: int, height: int, room: float) -> float:
    """The factor a figure is shown at: as large as fits the room left on its slide, at most FIGURE_SCALE_MAX."""
    return max(0.3, min(FIGURE_SCALE_MAX, CONTENT_WIDTH_PX / width, IMAGE_MAX_PX / height, room / height))


def code_height(cell, room_for_figures: float | None = None) -> float:
    """Estimated height in pixels of a code cell: input (unless hidden), printed lines, figures (at the scale
    that fills `room_for_figures` pixels of height each; None: their own size, shrunk to fit the slide)."""
    height = code_height_without_figures(cell)
    for w, h in images(cell):
        room = room_for_figures if room_for_figures is not None else h
        height += h * figure_scale(w, h, room) + FIGURE_PAD
    return height


def code_height_without_figures(cell) -> float:
    height = CELL_PAD
    if not hide_input(cell):
        src = source(cell).rstrip("\n").split("\n")
        height += sum(_lines(l, CODE_CHARS) for l in src) * CODE_LINE + 14
    text = output_text_lines(cell)
    if text:
        height += sum(_lines(line, CODE_CHARS) for line in text) * CODE_LINE + 10
    for out in cell.get("outputs", []):          # display(Markdown(...)): tables, captions
        md = out.get("data", {}).get("text/markdown")
        if md is not None and not any(m in out["data"] for m in IMAGE_MIMES):
            height += markdown_height("".join(md) if isinstance(md, list) else md) - CELL_PAD
    return height


def cell_height(cell) -> float:
    if cell.get("cell_type") == "markdown":
        return markdown_height(source(cell))
    if cell.get("cell_type") == "code":
        return code_height(cell)
    return _lines(source(cell), CODE_CHARS) * CODE_LINE


# ------------------------------------------------------------------------------------------------ rules
def _setup_sections(cells) -> set[int]:
    """Indices of the cells in a "Set-up" section."""
    inside, level, found = False, 0, set()
    for i, cell in enumerate(cells):
        lvl = heading_level(cell)
        if lvl and inside and lvl <= level:
            inside = False
        if lvl and SETUP_HEADING.match(heading_text(cell)):
            inside, level = True, lvl
        if inside:
            found.add(i)
    return found


def _fixed_type(i: int, cells, setup: set[int]) -> str | None:
    """Rules 2-6: the type a cell has whatever comes before it (None: decided by the layout)."""
    cell = cells[i]
    kind = cell.get("cell_type")
    nbgrader = cell.get("metadata", {}).get("nbgrader", {})
    if i in setup:
        return "skip"
    if kind == "code":
        if nbgrader or has_widget(cell) or SKIP_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            return "skip"
        if not cell.get("outputs"):
            return "skip"
        return None
    if kind == "markdown":
        if nbgrader.get("solution"):
            return "skip"
        level = heading_level(cell)
        if not level and i > 0 and is_live_widget(cells[i - 1]):
            return "notes"
        if level in (1, 2):
            return "slide"
        if level >= 3:
            return "subslide"
        return None
    return "skip"  # raw cells


def _is_figure(cell) -> bool:
    return cell.get("cell_type") == "code" and bool(images(cell))


def _introduces_figure(i: int, cells, fixed) -> bool:
    """A short markdown cell (at most CAPTION_MAX_PX) whose next cell is a shown figure: rule 7's caption."""
    nxt = i + 1
    if not (cells[i].get("cell_type") == "markdown" and nxt < len(cells) and fixed[nxt] is None
            and _is_figure(cells[nxt])):
        return False
    caption = markdown_height(source(cells[i]))
    natural = code_height_without_figures(cells[nxt]) + sum(h + FIGURE_PAD for _, h in images(cells[nxt]))
    return caption <= CAPTION_MAX_PX and caption + natural <= BUDGET_PX


def plan(nb, name: str = "") -> list[str]:
    """The slide type of every cell of a notebook (a nbformat node or its dict) by the rules above;
    `name` is the notebook's file name without .ipynb, the key of OVERRIDES."""
    cells = nb["cells"]
    overrides = OVERRIDES.get(name, {})
    setup = _setup_sections(cells)
    fixed = [overrides.get(cell.get("id", "")) or _fixed_type(i, cells, setup) for i, cell in enumerate(cells)]
    types: list[str] = []
    used = 0.0              # estimated height already on the current slide
    after_figure = False    # the slide holds a figure: the next shown cell opens a new one
    caption = False         # the slide holds only a short text that introduces the next cell's figure
    for i, cell in enumerate(cells):
        kind = fixed[i]
        if kind in ("skip", "notes"):
            types.append(kind)
            continue
        height = cell_height(cell)
        figure = _is_figure(cell)
        if kind is None:
            if figure and caption:
                kind = "-"
            elif figure or after_figure or used + height > BUDGET_PX or _introduces_figure(i, cells, fixed):
                kind = "subslide"
            else:
                kind = "-"
        used = height if kind in ("slide", "subslide") else used + height
        caption = kind in ("slide", "subslide") and _introduces_figure(i, cells, fixed)
        after_figure = figure
        types.append(kind)
    if not any(t in ("slide", "subslide", "-", "fragment") for t in types):
        raise ValueError("every cell would be left off the slides")
    return types


def stored_types(nb) -> list[str]:
    return [c.get("metadata", {}).get("slideshow", {}).get("slide_type", "-") for c in nb["cells"]]


def subslides(nb) -> list[list[int]]:
    """The cells on each slide of the deck by the stored metadata (as nbconvert groups them)."""
    groups: list[list[int]] = []
    for i, (cell, kind) in enumerate(zip(nb["cells"], stored_types(nb))):
        if kind in ("skip", "notes"):
            continue
        if kind in ("slide", "subslide") or not groups:
            groups.append([])
        groups[-1].append(i)
    return groups


def expected_slide_count(nb) -> int:
    """How many slides (horizontal and vertical) the deck of this notebook has."""
    return len(subslides(nb))


def figure_room(nb) -> dict[int, float]:
    """For every cell with a figure: the height left for its figures on its slide."""
    room = {}
    for group in subslides(nb):
        for i in group:
            cell = nb["cells"][i]
            if cell.get("cell_type") == "code" and images(cell):
                others = sum(cell_height(nb["cells"][j]) for j in group if j != i)
                free = BUDGET_PX - others - code_height_without_figures(cell) - FIGURE_PAD * len(images(cell))
                room[i] = max(100.0, free / len(images(cell)))
    return room


# ------------------------------------------------------------------------------------------ read, write
def _read(path: pathlib.Path):
    return nbformat.read(path, as_version=4)


def apply(path: pathlib.Path) -> bool:
    """Write the planned slide types into the notebook; True when the file changed."""
    raw = path.read_text(encoding="utf-8")
    nb = _read(path)
    for cell, kind in zip(nb.cells, plan(nb, path.stem)):
        cell.metadata["slideshow"] = {**cell.metadata.get("slideshow", {}), "slide_type": kind}
    new = nbformat.writes(nb) + "\n"
    if new != raw:
        path.write_text(new, encoding="utf-8")
        return True
    return False


def differences(path: pathlib.Path) -> list[str]:
    nb = _read(path)
    diffs = []
    for i, (cell, want) in enumerate(zip(nb.cells, plan(nb, path.stem))):
        stored = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        if stored != want:
            diffs.append(f"cell {i} ({cell.get('id', '?')}): slide_type {stored!r}, the rules say {want!r}")
    return diffs


def show(path: pathlib.Path) -> None:
    nb = _read(path)
    types = plan(nb, path.stem)
    for i, (cell, kind) in enumerate(zip(nb.cells, types)):
        first = source(cell).strip().split("\n", 1)[0][:60]
        print(f"{i:3d} {cell.cell_type[:4]:4s} {kind:8s} {cell_height(cell):6.0f}px  {first}")
    print(f"{sum(t in ('slide', 'subslide') for t in types)} slides by the rules")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=pathlib.Path)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 when a notebook's metadata is not the rules'")
    mode.add_argument("--show", action="store_true", help="print the plan of each notebook")
    args = parser.parse_args(argv)
    status = 0
    for path in args.notebooks:
        if args.show:
            print(f"== {path}")
            show(path)
        elif args.check:
            diffs = differences(path)
            if diffs:
                status = 1
                print(f"{path}: slide metadata differs from presentation/slidemeta.py's rules "
                      f"(run `python presentation/slidemeta.py {path}`):")
                for d in diffs[:10]:
                    print(f"  {d}")
                if len(diffs) > 10:
                    print(f"  ... and {len(diffs) - 10} more")
            else:
                print(f"{path}: slide metadata ok")
        else:
            print(f"{path}: {'updated' if apply(path) else 'unchanged'}")
    return status


if __name__ == "__main__":
    sys.exit(main())
