"""Build the slide decks: every notebook as a reveal.js slide show that works offline.

    python presentation/build.py                       # notebooks/NN_*.ipynb -> slides/NN_*.slides.html
    python presentation/build.py notebooks/04_forget_gate.ipynb --out /tmp/deck

Each deck is nbconvert's slides exporter with the course template (presentation/templates/course_reveal).
What a cell is on the slides comes from its `metadata.slideshow.slide_type`, which
presentation/slidemeta.py sets; this script only reads it.

Offline: reveal.js, MathJax 2, RequireJS and jQuery come from the npm registry (presentation/package.json,
pinned by package-lock.json). The first build runs `npm ci` into presentation/node_modules, then every build
copies the files the decks load to `<out>/assets/` and points the HTML at them by relative paths, so the
`slides/` folder can be copied to a classroom computer as it is and opened from disk. The Google Fonts
@import of reveal's themes is removed; the build fails if the HTML still names a remote URL it would load.
"""
from __future__ import annotations

import argparse
import json
import logging
import pathlib
import re
import shutil
import subprocess
import sys
import time

import nbformat
from nbconvert.exporters import SlidesExporter

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import slidemeta  # noqa: E402  (presentation/ is not a package: a script folder)

NODE_MODULES = HERE / "node_modules"
TEMPLATES = HERE / "templates"
TEMPLATE_NAME = "course_reveal"
THEME = "white"  # its fonts ship with reveal.js (source-sans-pro); "simple" would @import Google Fonts
WIDTH, HEIGHT = slidemeta.SLIDE_WIDTH, slidemeta.SLIDE_HEIGHT
MATHJAX_CONFIG = "TeX-AMS_CHTML-full,Safe"  # what nbconvert's CDN default loads

# (package folder in node_modules, paths inside it to copy; a folder is copied whole)
ASSETS = {
    "reveal.js": ["LICENSE", "dist/reveal.css", "dist/reveal.js", f"dist/theme/{THEME}.css",
                  "dist/theme/fonts/source-sans-pro", "plugin/notes/notes.js"],
    "mathjax": ["LICENSE", "MathJax.js", "config/TeX-AMS_CHTML-full.js", "config/Safe.js", "extensions",
                "jax/input/TeX", "jax/output/CommonHTML", "jax/element", "fonts/HTML-CSS/TeX/woff", "localization"],
    "requirejs": ["require.js"],
    "jquery": ["LICENSE.txt", "dist/jquery.min.js"],
}
ASSET_URLS = {  # relative to the HTML file
    "reveal_url_prefix": "assets/reveal.js",
    "mathjax_url": f"assets/mathjax/MathJax.js?config={MATHJAX_CONFIG}",
    "require_js_url": "assets/requirejs/require.js",
    "jquery_url": "assets/jquery/dist/jquery.min.js",
}
# A remote address the page would load by itself: a src attribute, a <link href>, CSS url(...) or @import, or an
# ES module import. (A link <a href="https://..."> is not loaded: a notebook may cite a web page.)
REMOTE_LOAD = re.compile(
    r"""(?:\bsrc\s*=\s*["']?|<link\b[^>]*?\bhref\s*=\s*["']?|url\(\s*["']?|@import\s+(?:url\(\s*)?["']?"""
    r"""|\bimport\b[^;\n]*?\bfrom\s*["'])\s*(?:https?:)?//""", re.I)
CDN_HOSTS = ("unpkg.com", "cdnjs.cloudflare.com", "cdn.jsdelivr.net", "fonts.googleapis.com", "fonts.gstatic.com")
GOOGLE_FONTS_IMPORT = re.compile(r"@import\s+url\(\s*[\"']?https?://fonts\.googleapis\.com[^)]*\)\s*;?", re.I)

# Slide style: sizes for a 1280 x 720 screen (slidemeta.py's height estimate assumes these).
SLIDES_CSS = """
:root {
    --jp-content-font-size1: %(text)dpx;
    --jp-ui-font-size1: %(text)dpx;
    --jp-code-font-size: %(code)dpx;
}
.reveal { --r-heading-text-transform: none; }
.reveal .slides section { padding: 0; }
.reveal .jp-RenderedHTMLCommon { font-size: %(text)dpx; line-height: 1.4; padding-right: 0; }
.reveal .jp-RenderedHTMLCommon h1 { font-size: %(h1)dpx; margin: 0 0 16px 0; }
.reveal .jp-RenderedHTMLCommon h2 { font-size: %(h2)dpx; margin: 0 0 14px 0; }
.reveal .jp-RenderedHTMLCommon h3 { font-size: %(h3)dpx; margin: 0 0 12px 0; }
.reveal .jp-RenderedHTMLCommon p, .reveal .jp-RenderedHTMLCommon ul, .reveal .jp-RenderedHTMLCommon ol,
.reveal .jp-RenderedHTMLCommon blockquote, .reveal .jp-RenderedHTMLCommon table { margin-top: 0; margin-bottom: 10px; }
.reveal .jp-RenderedHTMLCommon table { font-size: %(table)dpx; table-layout: auto; width: auto; max-width: 100%%;
    margin-left: 0; }
.reveal .jp-RenderedHTMLCommon td, .reveal .jp-RenderedHTMLCommon th { padding: 3px 8px; line-height: 1.3; }
.reveal .jp-RenderedHTMLCommon pre { font-size: %(code)dpx; }
.reveal div.highlight > pre, .reveal div.jp-OutputArea-output > pre {
    font-size: %(code)dpx; line-height: 1.3; width: 100%%; margin: 0; padding: 2px 0;
}
.reveal .jp-RenderedImage img { max-width: none; }
.reveal .jp-RenderedImage { text-align: center; flex-grow: 1; }
.reveal .jp-Cell { padding: 2px 0; }
.reveal .slides section.slides-scroll { height: %(height)dpx; overflow-y: auto; }
""" % {"text": slidemeta.TEXT_PX, "code": slidemeta.CODE_PX, "table": slidemeta.TABLE_PX, "height": HEIGHT,
       "h1": slidemeta.HEADING_SIZE_PX[1], "h2": slidemeta.HEADING_SIZE_PX[2], "h3": slidemeta.HEADING_SIZE_PX[3]}


def _installed_versions() -> dict[str, str]:
    versions = {}
    for name in ASSETS:
        manifest = NODE_MODULES / name / "package.json"
        if manifest.exists():
            versions[name] = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    return versions


def _locked_versions() -> dict[str, str]:
    lock = json.loads((HERE / "package-lock.json").read_text(encoding="utf-8"))
    return {name: lock["packages"][f"node_modules/{name}"]["version"] for name in ASSETS}


def ensure_assets_installed() -> None:
    """`npm ci` into presentation/node_modules when a package is missing or not the locked version."""
    if _installed_versions() == _locked_versions():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("presentation/build.py needs npm (Node.js) to install reveal.js and MathJax once: "
                         "`sudo apt-get install -y nodejs npm`, then run the build again")
    print("installing the slides' assets (reveal.js, MathJax, RequireJS, jQuery) with npm ci ...", flush=True)
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
                   cwd=HERE, check=True)
    if _installed_versions() != _locked_versions():
        raise SystemExit(f"npm ci did not install the locked versions: {_installed_versions()} "
                         f"!= {_locked_versions()}")


def _copy(src: pathlib.Path, dst: pathlib.Path) -> None:
    if src.is_dir():
        shutil.copytree(src, dst, dirs_exist_ok=True)
    else:
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)


def copy_assets(out: pathlib.Path) -> None:
    """The files the decks load, to out/assets/<package>/<same path>; remote @imports removed from CSS."""
    for package, paths in ASSETS.items():
        for rel in paths:
            _copy(NODE_MODULES / package / rel, out / "assets" / package / rel)
    for css in (out / "assets").rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        cleaned = GOOGLE_FONTS_IMPORT.sub("", text)
        if cleaned != text:
            css.write_text(cleaned, encoding="utf-8")
        remote = REMOTE_LOAD.search(cleaned)
        if remote:
            raise SystemExit(f"{css} still loads a remote address: {cleaned[remote.start():remote.end() + 60]!r}")


NO_ALT = "No description has been provided for this image"  # nbconvert's alt text where the notebook has none


class _QuietAltWarning(logging.Filter):
    """nbconvert warns once per notebook about figures without alt text; build() prints one summary instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Alternative text is missing" not in record.getMessage()


def make_exporter() -> SlidesExporter:
    exporter = SlidesExporter(
        extra_template_basedirs=[str(TEMPLATES)],
        template_name=TEMPLATE_NAME,
        reveal_theme=THEME,
        reveal_transition="none",
        reveal_number="c/t",
        reveal_width=str(WIDTH),
        reveal_height=str(HEIGHT),
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        **ASSET_URLS,
    )
    if not any(isinstance(f, _QuietAltWarning) for f in exporter.log.filters):
        exporter.log.addFilter(_QuietAltWarning())
    return exporter


def check_offline(html: str, name: str) -> None:
    """Fail when the page would load anything that is not a relative path or a data: URL."""
    for match in REMOTE_LOAD.finditer(html):
        raise SystemExit(f"{name}: the slides would load a remote address: "
                         f"{html[match.start():match.end() + 80]!r}")
    for host in CDN_HOSTS:
        if host in html:
            raise SystemExit(f"{name}: the slides name the CDN host {host}")
    if "mermaid" in html.lower() and 'class="mermaid"' in html:
        raise SystemExit(f"{name}: a mermaid diagram needs mermaid.js, which the offline slides do not ship")


def prepare(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """An in-memory copy for export: code input hidden where slidemeta's rule says so, and every figure given
    the size that fills the room its slide leaves (at most FIGURE_SCALE_MAX times its own size)."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    room = slidemeta.figure_room(nb)
    for i, cell in enumerate(nb.cells):
        if slidemeta.hide_input(cell):
            cell.metadata["slides_hide_input"] = True
        for out in cell.get("outputs", []):
            for mime in slidemeta.IMAGE_MIMES:
                if mime in out.get("data", {}):
                    w, h = slidemeta.image_size(out, mime)
                    scale = slidemeta.figure_scale(w, h, room.get(i, h))
                    meta = out.setdefault("metadata", {}).setdefault(mime, {})
                    meta["width"], meta["height"] = round(w * scale), round(h * scale)
    return nb


def build_one(path: pathlib.Path, out: pathlib.Path, exporter: SlidesExporter | None = None) -> pathlib.Path:
    exporter = exporter or make_exporter()
    nb = nbformat.read(path, as_version=4)
    resources = {"metadata": {"name": path.stem}, "course_slides_css": SLIDES_CSS,
                 "course_slides_min_zoom": slidemeta.MIN_ZOOM}
    html, _ = exporter.from_notebook_node(prepare(nb), resources=resources)
    check_offline(html, path.name)
    target = out / f"{path.stem}.slides.html"
    target.write_text(html, encoding="utf-8")
    return target


def _shown(path: pathlib.Path) -> pathlib.Path:
    path = path.resolve()
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def build(paths: list[pathlib.Path], out: pathlib.Path) -> list[pathlib.Path]:
    for path in paths:
        if slidemeta.differences(path):
            print(f"warning: {path.name}: its slide metadata is not what presentation/slidemeta.py sets; "
                  f"run `python presentation/slidemeta.py {_shown(path)}` first", file=sys.stderr)
    ensure_assets_installed()
    out.mkdir(parents=True, exist_ok=True)
    copy_assets(out)
    exporter = make_exporter()
    return [build_one(p, out, exporter) for p in paths]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path,
                        help="notebooks to build (default: notebooks/NN_*.ipynb)")
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "slides", help="output folder (default: slides/)")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    start = time.perf_counter()
    no_alt = 0
    for target in build(paths, args.out):
        no_alt += target.read_text(encoding="utf-8").count(f'alt="{NO_ALT}"')
        print(f"wrote {_shown(target)}")
    print(f"{len(paths)} slide decks in {time.perf_counter() - start:.1f} s ({no_alt} figures without alt text); "
          f"open one in a browser: they work offline, s opens the speaker notes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
