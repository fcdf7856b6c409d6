"""Environment check for notebook 00: installed versions against the pins in requirements*.txt."""
from __future__ import annotations

import importlib.metadata as md
import pathlib
import re

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
PIN = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*==\s*([^\s;#]+)")


def pinned_versions(root=REPO_ROOT) -> dict[str, str]:
    """{package: version} from the ``==`` lines of requirements.txt and requirements-dev.txt."""
    pins = {}
    for name in ("requirements.txt", "requirements-dev.txt"):
        p = pathlib.Path(root) / name
        if p.exists():
            for line in p.read_text().splitlines():
                m = PIN.match(line)
                if m:
                    pins[m.group(1).lower()] = m.group(2)
    return pins


def environment_report(root=REPO_ROOT) -> list[dict]:
    """One dict per pinned package: name, pinned, installed (None if missing), ok (installed == pinned)."""
    rows = []
    for name, want in sorted(pinned_versions(root).items()):
        try:
            have = md.version(name)
        except md.PackageNotFoundError:
            have = None
        rows.append({"package": name, "pinned": want, "installed": have, "ok": have == want})
    return rows
