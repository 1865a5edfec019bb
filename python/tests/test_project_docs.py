"""Every macro of the project (macros/ and generic tests) is described in a YAML file, with its arguments.

dbt parses macros without a description silently; the docs site then shows them blank. This reads the
files themselves, so it runs without a dbt build.
"""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
MACRO_FOLDERS = (ROOT / "macros", ROOT / "tests" / "generic")
DEFINITION = re.compile(r"{%-?\s*(macro|test)\s+([a-z0-9_]+)\s*\(([^)]*)\)")


def _defined() -> dict[str, list[str]]:
    """Macro name (generic tests as test_<name>) → its argument names."""
    found = {}
    for folder in MACRO_FOLDERS:
        for path in sorted(folder.rglob("*.sql")):
            for kind, name, args in DEFINITION.findall(path.read_text(encoding="utf-8")):
                names = [a.split("=")[0].strip() for a in args.split(",") if a.strip()]
                found[("test_" if kind == "test" else "") + name] = names
    return found


def _documented() -> dict[str, dict]:
    entries = {}
    for folder in MACRO_FOLDERS:
        for path in sorted(folder.rglob("*.yml")):
            for entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("macros", []):
                entries[entry["name"]] = entry
    return entries


def test_the_definition_pattern_finds_the_project_macros():
    defined = _defined()
    assert defined["clean_text"] == ["column", "null_words"]
    assert defined["parse_decimal"] == ["column", "precision", "scale"]
    assert "test_unique_combination_of_columns" in defined


def test_every_macro_has_a_description_and_its_arguments_described():
    documented = _documented()
    missing = sorted(name for name in _defined() if not (documented.get(name) or {}).get("description"))
    assert not missing, f"macros without a description: {missing}"
    for name, arguments in _defined().items():
        described = {a["name"]: a.get("description") for a in documented[name].get("arguments", [])}
        undocumented = [a for a in arguments if not described.get(a)]
        assert not undocumented, f"{name}: arguments without a description: {undocumented}"


def test_no_description_names_a_macro_that_does_not_exist():
    stale = sorted(set(_documented()) - set(_defined()))
    assert not stale, f"described but not defined: {stale}"
