"""The slide decks (presentation/build.py): every notebook as reveal.js slides that work offline.

Each deck is built fresh into a temporary folder and opened from disk in Debian's Chromium (Playwright) with
every request that is not a local file or a data: URL blocked and recorded. Per deck: reveal.js starts, the
slide count is what the cells' `slideshow` metadata says, every formula is typeset by MathJax, every figure
carries the alt text its output metadata has, every slide fits a 1280 x 720 screen, and no request failed.
Screenshots of slide 1 and of the first slide with a formula go to screenshots/slides/ (git-ignored).

The slide metadata itself is checked too: it is what presentation/slidemeta.py's rules set (run
`python presentation/slidemeta.py notebooks/NN_x.ipynb` after editing a notebook), and setting it changes
nothing else in a notebook.

Needs: Debian's chromium, the playwright package (requirements-dev.txt; never `playwright install`) and npm
(the build installs reveal.js and MathJax with `npm ci` the first time). Outside CI the tests skip when one
is missing; in CI (CI=true) they fail instead.
"""
from __future__ import annotations

import base64
import copy
import io
import json
import os
import pathlib
import shutil
import sys

import nbformat
import pytest

pytestmark = pytest.mark.slow  # builds every deck and opens it in Chromium
ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "presentation"))
import build  # noqa: E402
import slidemeta  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SHOTS = ROOT / "screenshots" / "slides"
LOCAL = ("file:", "data:", "about:", "blob:")
NO_ALT = build.NO_ALT  # what nbconvert writes where the notebook has no alt text
HOW_TO_INSTALL = ("slide tests need Debian's Chromium, the playwright package and npm: "
                  "`sudo apt-get install -y chromium nodejs npm` (playwright comes with requirements-dev.txt; "
                  "never run `playwright install`)")


def _missing_requirement() -> str | None:
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} not found"
    if shutil.which("npm") is None and not (ROOT / "presentation" / "node_modules").is_dir():
        return "npm not found"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


# ------------------------------------------------------------------------------ metadata (no browser)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_slide_metadata_is_the_rules(path):
    diffs = slidemeta.differences(path)
    assert not diffs, (f"{path.name}: the slide metadata is not what presentation/slidemeta.py sets; run "
                       f"`.venv/bin/python presentation/slidemeta.py {path.relative_to(ROOT)}`:\n"
                       + "\n".join(diffs[:10]))


def _without_slideshow(nb: dict) -> dict:
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        cell.get("metadata", {}).pop("slideshow", None)
    return nb


def test_setting_metadata_changes_only_slideshow_and_check_mode_notices(tmp_path, capsys):
    source = NOTEBOOKS[1]
    copy_path = tmp_path / source.name
    original = json.loads(source.read_text(encoding="utf-8"))
    stripped = _without_slideshow(original)
    copy_path.write_text(json.dumps(stripped, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    assert slidemeta.main(["--check", str(copy_path)]) == 1
    assert "differs" in capsys.readouterr().out
    assert slidemeta.main([str(copy_path)]) == 0
    written = json.loads(copy_path.read_text(encoding="utf-8"))
    assert _without_slideshow(written) == stripped          # sources, outputs, other metadata untouched
    types = [c["metadata"]["slideshow"]["slide_type"] for c in written["cells"]]
    assert set(types) <= set(slidemeta.SLIDE_TYPES)
    assert slidemeta.main(["--check", str(copy_path)]) == 0
    assert slidemeta.apply(copy_path) is False               # applying twice changes nothing


def test_rules_on_a_made_up_notebook():
    png = _png_bytes()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title\n\nIntro $x_t$."),
        nbformat.v4.new_markdown_cell("## Set-up"),
        nbformat.v4.new_code_cell("import numpy as np", execution_count=1),
        nbformat.v4.new_markdown_cell("## 1. Section"),
        nbformat.v4.new_code_cell("print(1)", execution_count=2,
                                  outputs=[nbformat.v4.new_output("stream", name="stdout", text="1\n")]),
        nbformat.v4.new_code_cell("plot()", execution_count=3, outputs=[nbformat.v4.new_output(
            "display_data", data={"image/png": png, "text/plain": "<Figure>"})]),
        nbformat.v4.new_markdown_cell("After the figure."),
        nbformat.v4.new_code_cell("demo_widget()", execution_count=4, outputs=[nbformat.v4.new_output(
            "display_data", data={slidemeta.WIDGET_MIME: {"model_id": "x"}, "text/plain": "VBox()"})]),
        nbformat.v4.new_markdown_cell("Try it: move the slider."),
        nbformat.v4.new_markdown_cell("### Exercise 1"),
        nbformat.v4.new_code_cell("def f(): ...", execution_count=5,
                                  metadata={"nbgrader": {"solution": True, "grade": False}}),
    ]
    assert slidemeta.plan(nb) == ["slide", "skip", "skip", "slide", "-", "subslide", "subslide", "skip",
                                  "notes", "subslide", "skip"]


# ------------------------------------------------------------------------------------------ browser
def _png_bytes(width: int = 40, height: int = 20) -> str:
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(width / 10, height / 10), dpi=10)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def _alt_fixture(folder: pathlib.Path) -> pathlib.Path:
    """A notebook whose figures carry alt text (the course notebooks have none yet), to test that it arrives."""
    png = _png_bytes()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Alt text\n\nA formula: $f_t = \\sigma(W_f \\cdot [h_{t-1}, x_t] + b_f)$, "
                                      "and a [link to a web page](https://example.org/lstm) (a link is not a load)."),
        nbformat.v4.new_code_cell("show()", execution_count=1, outputs=[
            nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"},
                                   metadata={"image/png": {"alt": "Forget gate \"f_t\" against step <t>"}}),
            nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
        ]),
    ]
    path = folder / "99_alt_fixture.ipynb"
    nbformat.write(nb, path)
    slidemeta.apply(path)
    return path


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    missing = _missing_requirement()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}; {HOW_TO_INSTALL}", pytrace=False)
        pytest.skip(f"{missing}; {HOW_TO_INSTALL}")
    out = tmp_path_factory.mktemp("slides")
    fixture = _alt_fixture(tmp_path_factory.mktemp("fixture"))
    paths = NOTEBOOKS + [fixture]
    built = build.build(paths, out)
    return {p.stem: (p, html) for p, html in zip(paths, built)}


@pytest.fixture(scope="module")
def browser(decks):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Deck:
    """A slide deck opened from disk; every request that is not local is blocked and recorded."""

    def __init__(self, browser, html: pathlib.Path):
        self.blocked: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": slidemeta.SLIDE_WIDTH, "height": slidemeta.SLIDE_HEIGHT})
        self.page = self.context.new_page()
        self.page.route("**/*", self._route)
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url}: {r.failure}"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(html.as_uri())
        self.page.wait_for_selector(".reveal.ready", timeout=30_000)
        self.page.wait_for_function("document.body.getAttribute('data-slides-fitted') === '1'", timeout=60_000)

    def _route(self, route):
        url = route.request.url
        if url.startswith(LOCAL):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def close(self):
        self.context.close()


SLIDE_FACTS = """() => {
  const leaves = Array.from(document.querySelectorAll('.reveal .slides section'))
    .filter(s => !s.querySelector('section'));
  return leaves.map((s, k) => ({
    index: k,
    cells: s.querySelectorAll(':scope > .jp-Cell, :scope > .fragment > .jp-Cell').length,
    height: s.scrollHeight,
    width: s.scrollWidth,
    zoom: parseFloat(s.getAttribute('data-slides-zoom')),
    scrolls: s.classList.contains('slides-scroll'),
    formulas: s.querySelectorAll('.MathJax_CHTML').length,
    displayed: s.querySelectorAll('.MJXc-display').length,
    text: s.innerText.slice(0, 60),
  }));
}"""
MATH_FACTS = """() => {
  const scripts = Array.from(document.querySelectorAll('.reveal script[type^="math/tex"]'));
  return {
    scripts: scripts.length,
    typeset: scripts.filter(s => document.getElementById(s.id + '-Frame') !== null && MathJax.Hub.getJaxFor(s)).length,
    errors: document.querySelectorAll('.reveal .mjx-merror, .reveal .MathJax_Error').length,
  };
}"""


def _expected_alts(nb) -> list[str | None]:
    """The alt text of every figure the slides show (notes included), in order; None where there is none."""
    alts = []
    for cell, kind in zip(nb.cells, slidemeta.stored_types(nb)):
        if kind == "skip":
            continue
        for out in cell.get("outputs", []):
            for mime in slidemeta.IMAGE_MIMES:
                if mime in out.get("data", {}):
                    alts.append(out.get("metadata", {}).get(mime, {}).get("alt") or cell.metadata.get("alt"))
    return alts


def _shows_math(nb) -> bool:
    return any(c.cell_type == "markdown" and "$" in slidemeta.source(c)
               for c, kind in zip(nb.cells, slidemeta.stored_types(nb)) if kind not in ("skip", "notes"))


REPORT: list[str] = []


@pytest.mark.parametrize("name", [p.stem for p in NOTEBOOKS] + ["99_alt_fixture"])
def test_deck_in_the_browser(name, decks, browser):
    path, html = decks[name]
    REPORT.append(check_deck(name, path, html, browser))
    (SHOTS / "report.txt").write_text("\n".join(REPORT) + "\n", encoding="utf-8")


def check_deck(name: str, path: pathlib.Path, html: pathlib.Path, browser) -> str:
    """Every check of one deck (see the module docstring); returns a line for screenshots/slides/report.txt."""
    nb = nbformat.read(path, as_version=4)
    text = html.read_text(encoding="utf-8")
    remote = build.REMOTE_LOAD.search(text)
    assert remote is None, f"{html.name} loads a remote address: {text[remote.start():remote.end() + 60]!r}"
    for host in build.CDN_HOSTS:
        assert host not in text, f"{html.name} names the CDN host {host}"

    deck = Deck(browser, html)
    try:
        page = deck.page
        total = page.evaluate("() => Reveal.getTotalSlides()")
        assert total == slidemeta.expected_slide_count(nb), (
            f"{name}: reveal.js shows {total} slides, the metadata says {slidemeta.expected_slide_count(nb)}")
        slides = page.evaluate(SLIDE_FACTS)
        assert len(slides) == total

        math = page.evaluate(MATH_FACTS)
        if _shows_math(nb):
            assert math["scripts"] > 0, f"{name}: the slides show markdown with $...$ but MathJax found no formula"
        assert math["typeset"] == math["scripts"], f"{name}: {math['scripts'] - math['typeset']} formulas not typeset"
        assert math["errors"] == 0, f"{name}: {math['errors']} TeX errors"

        alts = page.evaluate("() => Array.from(document.querySelectorAll('.reveal .jp-RenderedImage img'))"
                             ".map(i => i.getAttribute('alt'))")
        expected = _expected_alts(nb)
        assert len(alts) == len(expected), f"{name}: {len(alts)} figures on the slides, {len(expected)} expected"
        for k, (got, want) in enumerate(zip(alts, expected)):
            assert got == (want or NO_ALT), f"{name}: figure {k} has alt {got!r}, its metadata says {want!r}"
        broken = page.evaluate("() => Array.from(document.querySelectorAll('.reveal img'))"
                               ".filter(i => !(i.complete && i.naturalWidth > 0)).length")
        assert broken == 0, f"{name}: {broken} images did not load"

        for s in slides:
            where = f"{name}: slide {s['index'] + 1} ({s['text'][:40]!r})"
            assert s["width"] <= slidemeta.SLIDE_WIDTH + 1, f"{where} is {s['width']} px wide"
            assert s["zoom"] >= slidemeta.MIN_ZOOM, f"{where} is shrunk to {s['zoom']}"
            if s["cells"] > 1:
                # the metadata chose what goes together: that must fit without shrinking
                assert s["zoom"] == 1 and not s["scrolls"], (
                    f"{where}: {s['cells']} cells, {s['height']} px, do not fit {slidemeta.SLIDE_HEIGHT} px; "
                    f"adjust presentation/slidemeta.py")
            if not s["scrolls"]:
                assert s["height"] <= slidemeta.SLIDE_HEIGHT + 1, f"{where} overflows: {s['height']} px"

        SHOTS.mkdir(parents=True, exist_ok=True)
        page.evaluate("() => Reveal.slide(0, 0)")
        page.wait_for_timeout(200)
        page.screenshot(path=str(SHOTS / f"{name}_slide1.png"))
        with_math = next((s for s in slides if s["displayed"] > 0), None) or next(
            (s for s in slides if s["formulas"] > 0), None)
        if with_math is not None:
            page.evaluate(f"() => {{ const s = Reveal.getSlides()[{with_math['index']}]; "
                          f"const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v); }}")
            page.wait_for_timeout(200)
            page.screenshot(path=str(SHOTS / f"{name}_formula.png"))

        assert not deck.blocked, f"{name}: requests leaving the machine: {deck.blocked[:5]}"
        assert not deck.failed, f"{name}: failed requests: {deck.failed[:5]}"
        assert not deck.errors, f"{name}: JavaScript errors: {deck.errors[:5]}"
        shrunk = [f"{s['index'] + 1}({s['zoom']:.2f}{', scrolls' if s['scrolls'] else ''})"
                  for s in slides if s["zoom"] < 1]
        return (f"{name}: {total} slides, {math['scripts']} formulas, {len(alts)} figures "
                f"({sum(a is not None for a in expected)} with alt text), shrunk: {', '.join(shrunk) or 'none'}")
    finally:
        deck.close()


def test_alt_fixture_alt_text_arrives(decks, browser):
    """The course notebooks have no alt text yet: check the path on a made-up one, attribute by attribute."""
    _, html = decks["99_alt_fixture"]
    deck = Deck(browser, html)
    try:
        alts = deck.page.evaluate("() => Array.from(document.querySelectorAll('.reveal .jp-RenderedImage img'))"
                                  ".map(i => i.getAttribute('alt'))")
    finally:
        deck.close()
    assert alts == ['Forget gate "f_t" against step <t>', NO_ALT]
