"""What a student sees: every notebook opened in JupyterLab in headless Chromium, Run All,
no error, widgets displayed, and every widget reacting to its slider.

nbval runs notebooks without a front end, so it cannot see a widget that fails to display, a
slider that redraws nothing, or a front-end/kernel version mismatch. These tests start
JupyterLab from the project's environment on 127.0.0.1 (free port, random token) in a
throwaway copy of notebooks/ and data/, and drive Debian's Chromium with Playwright.

Needs: Debian's chromium (`apt-get install -y chromium`) and the `playwright` Python package
(in requirements-dev.txt; never run `playwright install`, which downloads a browser).
Outside CI the tests skip when Chromium is missing; in CI (CI=true) they fail instead.
Screenshots and a latency report go to screenshots/ (git-ignored).
"""
from __future__ import annotations

import json
import os
import re
import pathlib
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

import pytest

pytestmark = pytest.mark.slow  # JupyterLab + Chromium on every notebook: minutes
ROOT = pathlib.Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SHOTS = ROOT / "screenshots"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
RUN_ALL_TIMEOUT_S = 180
HOW_TO_INSTALL = ("browser tests need Debian's Chromium and the playwright package: "
                  "`sudo apt-get install -y chromium` (the playwright package comes with requirements-dev.txt; "
                  "never run `playwright install`)")


def _missing_requirement() -> str | None:
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} not found"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


_missing = _missing_requirement()
if _missing:
    if os.environ.get("CI"):
        pytest.fail(f"{_missing}; {HOW_TO_INSTALL}", pytrace=False)
    pytest.skip(f"{_missing}; {HOW_TO_INSTALL}", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A JupyterLab server on 127.0.0.1 with a random token, rooted in a throwaway folder."""

    def __init__(self, root: pathlib.Path):
        self.root = root
        self.port = _free_port()
        self.token = secrets.token_hex(16)
        settings = root / ".lab-settings" / "@jupyterlab" / "apputils-extension"
        settings.mkdir(parents=True)
        (settings / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        # render every cell (no virtual scrolling), so that every prompt and output is in the page
        tracker = root / ".lab-settings" / "@jupyterlab" / "notebook-extension"
        tracker.mkdir(parents=True)
        (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
        env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(root / ".lab-settings"),
                   JUPYTER_RUNTIME_DIR=str(root / ".runtime"), JUPYTER_CONFIG_DIR=str(root / ".config"),
                   PYTHONUNBUFFERED="1")
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
               f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={root}",
               "--ServerApp.port_retries=0"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log = open(root / "lab.log", "w")
        self.proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.time() + 60
        while True:
            try:
                self.api("GET", "/api/status")
                break
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    self.stop()
                    raise RuntimeError("JupyterLab did not start:\n" + (root / "lab.log").read_text()[-3000:])
                time.sleep(0.3)

    def url(self, path: str, query: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{path}?{query + '&' if query else ''}token={self.token}"

    def api(self, method: str, path: str):
        req = urllib.request.Request(self.url(path), method=method)
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        for k in self.api("GET", "/api/kernels") or []:
            self.api("DELETE", f"/api/kernels/{k['id']}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


STUDENT_NOTEBOOK = "01_rnn_gradient_decay.ipynb"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(ROOT / "data", root / "data")
    # the student version (make release) beside it: release/notebooks/ and release/data/
    subprocess.run([sys.executable, str(ROOT / "grading" / "course.py"), "release", "--out", str(root / "release")],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    server = Lab(root)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def report():
    rows: dict[str, dict] = {}
    yield rows
    SHOTS.mkdir(exist_ok=True)
    lines = ["Browser run: key press -> changed view, median per notebook (goal <= 300 ms)"]
    for name, r in rows.items():
        lat = r.get("latencies_ms", [])
        med = f"{statistics.median(lat):7.1f} ms over {len(lat)} slider(s)" if lat else "    (no slider)"
        lines.append(f"{name:40s} run all {r['run_all_s']:6.1f} s   {med}")
    (SHOTS / "browser_report.txt").write_text("\n".join(lines) + "\n")


def _has_widgets(path: pathlib.Path) -> bool:
    return WIDGET_MIME in path.read_text(encoding="utf-8")


def _wait_idle(page, timeout_s: float) -> None:
    page.wait_for_selector(".jp-StatusBar-Widget:has-text('Idle')", timeout=timeout_s * 1000)


def _open_and_run_all(page, lab: Lab, name: str, folder: str = "notebooks", until_error: bool = False) -> float:
    # ?reset: a fresh workspace, so the previous test's notebook does not come back in a hidden tab
    page.goto(lab.url(f"/lab/tree/{folder}/{name}", "reset"))
    page.wait_for_selector(".jp-Notebook:visible .jp-Cell", timeout=60_000)
    deadline = time.time() + 60
    while not page.locator(".jp-StatusBar-Widget:has-text('Idle')").count():
        dialog = page.locator(".jp-Dialog button:has-text('Select')")
        if dialog.count():  # a notebook without kernelspec asks which kernel to start
            dialog.first.click()
        if time.time() > deadline:
            raise AssertionError(f"{name}: the kernel did not start within 60 s")
        page.wait_for_timeout(250)
    t0 = time.time()
    page.locator(".jp-Notebook:visible").first.click(position={"x": 5, "y": 5})
    # Clear the stored outputs first: then a numbered prompt proves the cell ran in this session.
    page.click("li.lm-MenuBar-item:has-text('Edit')")
    page.click(".lm-Menu-item:has-text('Clear Outputs of All Cells')")
    page.wait_for_function(
        """() => [...document.querySelectorAll('.jp-NotebookPanel')].filter(p => p.offsetParent !== null)
                 .every(p => p.querySelectorAll('.jp-OutputArea-output').length === 0)""", timeout=10_000)
    page.click("li.lm-MenuBar-item:has-text('Run')")
    page.click(".lm-Menu-item:has-text('Run All Cells')")
    # Run All is done when no prompt is empty or busy (or, for a student copy, when a cell shows an error
    # and none is busy) and the kernel is idle.
    page.wait_for_function(
        """(untilError) => {
            const panel = [...document.querySelectorAll('.jp-NotebookPanel')].find(p => p.offsetParent !== null);
            if (!panel) return false;
            const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
                .map(p => p.textContent.trim());
            if (untilError) {
                const failed = panel.querySelector(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']");
                return failed !== null && prompts.every(t => !t.includes('*'));
            }
            return prompts.length > 0 && prompts.every(t => /^\\[\\d+\\]:$/.test(t));
        }""",
        arg=until_error, timeout=RUN_ALL_TIMEOUT_S * 1000, polling=500)
    _wait_idle(page, RUN_ALL_TIMEOUT_S)
    return time.time() - t0


def _slider_latencies(page) -> list[float]:
    """For every widget box with a slider: ArrowRight on its first slider, time until its view changes."""
    boxes = page.locator(".jp-Notebook:visible .jp-OutputArea-output .widget-vbox:has(.widget-slider)")
    latencies = []
    for k in range(boxes.count()):
        box = boxes.nth(k)
        if box.locator(".widget-vbox:has(.widget-slider)").count():  # only innermost boxes
            continue
        handle = box.locator(".widget-slider .noUi-handle").first
        handle.scroll_into_view_if_needed()
        box.evaluate(
            """(el) => {
                window.__changed = null;
                const target = el.querySelector('img') || el;
                const snapshot = () => (el.querySelector('img') ? el.querySelector('img').src : '') + el.innerText;
                window.__before = snapshot();
                window.__obs && window.__obs.disconnect();
                window.__obs = new MutationObserver(() => {
                    if (window.__changed === null && snapshot() !== window.__before) {
                        window.__changed = performance.now();
                    }
                });
                window.__obs.observe(el, {attributes: true, childList: true, subtree: true, characterData: true});
            }""")
        handle.focus()
        t0 = page.evaluate("performance.now()")
        page.keyboard.press("ArrowRight")
        page.wait_for_function("window.__changed !== null", timeout=10_000)
        latencies.append(page.evaluate("window.__changed") - t0)
    return latencies


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_in_jupyterlab(path, lab, browser, report):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        run_s = _open_and_run_all(page, lab, path.name)
        text = page.locator(".jp-Notebook:visible").first.inner_text()
        assert "Error displaying widget" not in text, f"{path.name}: a widget failed to display"
        assert "Loading widget" not in text, f"{path.name}: a widget never finished loading"
        assert "Traceback (most recent call last)" not in text, f"{path.name}: a cell raised an error"
        assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']").count() == 0
        if _has_widgets(path):
            assert page.locator(".jp-OutputArea-output .jupyter-widgets").count() > 0, (
                f"{path.name}: the notebook has widgets but none is displayed")
        latencies = _slider_latencies(page)
        report[path.name] = {"run_all_s": run_s, "latencies_ms": latencies}
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{path.stem}.png"), full_page=False)
    finally:
        page.close()
        lab.shutdown_kernels()


def test_student_release_stops_at_the_first_exercise(lab, browser):
    """The student copy runs every demo and widget, then stops at the first unanswered exercise."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        _open_and_run_all(page, lab, STUDENT_NOTEBOOK, folder="release/notebooks", until_error=True)
        cells = page.locator(".jp-Notebook:visible .jp-CodeCell")
        prompts = [p.strip() for p in page.locator(".jp-Notebook:visible .jp-CodeCell .jp-InputArea-prompt").all_inner_texts()]
        texts = [cells.nth(k).inner_text() for k in range(cells.count())]
        first_stub = next(k for k, t in enumerate(texts) if "raise NotImplementedError" in t)
        # a stub only defines a function; the first cell that calls it raises (an error output)
        errors = [cells.nth(k).locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
                  .all_inner_texts() for k in range(cells.count())]
        first_error = next((k for k, e in enumerate(errors) if any("NotImplementedError" in t for t in e)), None)
        assert first_error is None or first_error >= first_stub, "a demo cell raised before the exercises"
        assert first_error is not None, "no exercise cell shows NotImplementedError"
        assert all(re.fullmatch(r"\[\d+\]:", p) for p in prompts[:first_error + 1]), (
            f"every cell up to the first unanswered exercise must have run: {prompts[:first_error + 1]}")
        assert not any(re.fullmatch(r"\[\d+\]:", p) for p in prompts[first_error + 1:]), (
            f"Run All went on past the first unanswered exercise: {prompts[first_error + 1:]}")
        assert page.locator(".jp-Notebook:visible .jp-OutputArea-output .jupyter-widgets").count() > 0, (
            "the demos' widgets did not display in the student copy")
        notebook_text = page.locator(".jp-Notebook:visible").first.inner_text()
        assert "Error displaying widget" not in notebook_text and "Loading widget" not in notebook_text
        SHOTS.mkdir(exist_ok=True)
        cells.nth(first_error).scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "release_01_rnn_gradient_decay.png"), full_page=False)
    finally:
        page.close()
        lab.shutdown_kernels()
