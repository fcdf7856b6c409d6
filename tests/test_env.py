"""Environment check: pins parsed from requirements*.txt and compared with what is installed."""
from __future__ import annotations

import importlib.metadata as md

import numpy as np

from lstm_helpers import env


def test_pinned_versions_parse_only_exact_pins(tmp_path):
    (tmp_path / "requirements.txt").write_text(
        "# comment line\n"
        "NumPy==2.4.6\n"
        "  matplotlib == 3.11.2   # trailing comment\n"
        "tqdm>=4.0\n"
        "ipywidgets==8.1.9 ; python_version >= '3.9'\n"
        "-e .\n"
        "\n"
    )
    (tmp_path / "requirements-dev.txt").write_text("-r requirements.txt\npytest==9.2.0\n")
    pins = env.pinned_versions(tmp_path)
    assert pins == {"numpy": "2.4.6", "matplotlib": "3.11.2", "ipywidgets": "8.1.9", "pytest": "9.2.0"}


def test_pinned_versions_of_the_repository_match_its_files():
    text = (env.REPO_ROOT / "requirements.txt").read_text() + (env.REPO_ROOT / "requirements-dev.txt").read_text()
    pins = env.pinned_versions()
    assert pins, "no pins found"
    for name, version in pins.items():
        assert f"=={version}" in text and name in text.lower()
    assert "numpy" in pins and "matplotlib" in pins


def test_environment_report(tmp_path):
    (tmp_path / "requirements.txt").write_text(
        f"numpy=={np.__version__}\nmatplotlib==0.0.1\nno-such-package-for-lstm-tests==1.0\n")
    rows = {r["package"]: r for r in env.environment_report(tmp_path)}
    assert list(rows) == sorted(rows)
    assert rows["numpy"] == {"package": "numpy", "pinned": np.__version__, "installed": np.__version__, "ok": True}
    assert rows["matplotlib"]["installed"] == md.version("matplotlib")
    assert rows["matplotlib"]["ok"] is False
    assert rows["no-such-package-for-lstm-tests"]["installed"] is None
    assert rows["no-such-package-for-lstm-tests"]["ok"] is False


def test_environment_report_without_requirement_files(tmp_path):
    assert env.environment_report(tmp_path) == []
