"""The course's JupyterLab settings (jupyterlab-settings/overrides.json): every key is a real setting
of the installed JupyterLab with an allowed value, the install step put the file where JupyterLab
reads it, and JupyterLab's own settings code then serves the course's values as the defaults
(what GET /lab/api/settings/<plugin> answers), so the first screen shows no news popup.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import pytest
from jupyterlab_server.settings_utils import get_settings

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "jupyterlab-settings" / "overrides.json"
LAB = Path(sys.prefix) / "share" / "jupyter" / "lab"
INSTALLED = LAB / "settings" / "overrides.json"
OVERRIDES = json.loads(SHIPPED.read_text())


def schema_of(plugin_id: str) -> dict:
    """JupyterLab's schema of a plugin id such as '@jupyterlab/apputils-extension:notification'."""
    package, plugin = plugin_id.split(":")
    return json.loads((LAB / "schemas" / package / f"{plugin}.json").read_text())


def test_news_and_update_checks_are_off():
    assert OVERRIDES["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false",
                                                                         "checkForUpdates": False}


@pytest.mark.parametrize("plugin_id", sorted(OVERRIDES))
def test_every_override_is_a_setting_of_the_installed_jupyterlab(plugin_id):
    properties = schema_of(plugin_id)["properties"]
    for key, value in OVERRIDES[plugin_id].items():
        assert key in properties, f"{plugin_id} has no setting {key!r}; it has {sorted(properties)}"
        jsonschema.validate(value, properties[key])


def test_install_step_put_the_file_where_jupyterlab_reads_it():
    assert INSTALLED.is_file(), f"{INSTALLED} is missing: run `make unit` (its install step copies {SHIPPED.name})"
    assert json.loads(INSTALLED.read_text()) == OVERRIDES


@pytest.mark.parametrize("plugin_id", sorted(OVERRIDES))
def test_jupyterlab_serves_the_course_values_as_defaults(plugin_id, tmp_path):
    """jupyterlab_server's settings code, as the settings API runs it, with no user settings."""
    result, warnings = get_settings(str(INSTALLED.parent), str(LAB / "schemas"), str(tmp_path), plugin_id)
    assert not [w for w in warnings if w]
    properties = result["schema"]["properties"]
    for key, value in OVERRIDES[plugin_id].items():
        assert properties[key]["default"] == value, key
