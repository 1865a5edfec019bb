"""The customer360 command line: dispatch, help, the python -m forms, the installed script, progress bars."""

from __future__ import annotations

import importlib
import io
import subprocess
import sys
from pathlib import Path

import pytest

from customer360 import cli, progress
from customer360.synth import generate

# Every runnable command with the smallest argument list its parser accepts, and one attribute it must parse.
MINIMAL = {
    ("generate",): (["--customers", "10", "--out", "somewhere"], {"customers": 10, "out": "somewhere"}),
    ("doctor",): (["--raw-path", "landing", "--json"], {"raw_path": "landing", "json": True}),
    ("evaluate", "identity"): (["--db", "b.duckdb", "--truth", "t"], {"db": "b.duckdb", "truth": "t"}),
    ("evaluate", "surveys"): (["--db", "b.duckdb", "--truth", "t"], {"out": "target/survey_link_evaluation.csv"}),
    ("evaluate", "conflicts"): (["--db", "b.duckdb", "--truth", "t"], {"out": "target/conflict_evaluation.csv"}),
    ("evaluate", "stability"): (["--customers", "40"], {"customers": 40, "target": 0.999}),
    ("train",): (["--db", "b.duckdb", "--out", "m.json", "--quiet"], {"db": "b.duckdb", "out": "m.json", "quiet": True}),
    ("bench", "generator"): (["--records", "5000"], {"records": 5000}),
    ("bench", "identity"): (["--records", "1000", "2000"], {"records": [1000, 2000]}),
    ("bench", "build"): (["--sizes", "100k", "1M", "--no-equality"], {"sizes": ["100k", "1M"], "no_equality": True}),
    ("app",): (["--bi", "x_bi.duckdb", "--port", "9000"], {"bi": "x_bi.duckdb", "port": 9000}),
    ("privacy-check",): (["--bi", "b", "--private", "p"], {"bi": "b", "private": "p", "target_dir": []}),
    ("layers",): (["--manifest", "m.json"], {"manifest": Path("m.json")}),
    ("erase",): (["--customer-id", "C0123456789abcdef", "--db", "b.duckdb"],
                 {"customer_id": "C0123456789abcdef", "db": "b.duckdb", "email": None, "dry_run": False}),
    ("scenarios",): (["--raw", "landing", "--only", "billing"], {"raw": "landing", "only": "billing", "jobs": 2}),
}


def leaves(commands=cli.COMMANDS, prefix=()):
    for command in commands:
        path = (*prefix, command.name)
        if command.children:
            yield from leaves(command.children, path)
        else:
            yield path, command


def every_path(commands=cli.COMMANDS, prefix=()):
    for command in commands:
        path = (*prefix, command.name)
        yield path
        yield from every_path(command.children, path)


LEAVES = dict(leaves())


def test_every_command_is_covered_here():
    assert set(LEAVES) == set(MINIMAL)


@pytest.mark.parametrize("path", sorted(MINIMAL), ids=" ".join)
def test_each_command_dispatches_to_its_module_run(path, monkeypatch):
    argv, expected = MINIMAL[path]
    module = importlib.import_module(LEAVES[path].module)
    calls = []
    monkeypatch.setattr(module, "run", lambda args: calls.append(args) or 7)
    assert cli.main([*path, *argv]) == 7
    (args,) = calls
    for name, value in expected.items():
        assert getattr(args, name) == value


@pytest.mark.parametrize("path", sorted(MINIMAL), ids=" ".join)
def test_python_m_form_parses_the_same_arguments(path, monkeypatch):
    """The module's own main(argv) builds the same parser: same namespace as through customer360."""
    argv, _ = MINIMAL[path]
    module = importlib.import_module(LEAVES[path].module)
    seen = []
    monkeypatch.setattr(module, "run", lambda args: seen.append(vars(args)) or 0)
    main_module = importlib.import_module(LEAVES[path].python_m.removeprefix("python -m "))
    main = getattr(main_module, "main", None) or module.main
    main(argv)
    cli.main([*path, *argv])
    direct, through_cli = seen
    assert direct == {k: v for k, v in through_cli.items() if k != "_command" and not k.endswith("_command")
                      and k != "command"}


@pytest.mark.parametrize("path", [(), *sorted(every_path())], ids=lambda p: " ".join(p) or "top")
def test_every_command_has_help(path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*path, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: customer360 {' '.join(path)}".rstrip())
    if path in LEAVES:
        assert LEAVES[path].summary in " ".join(out.split())
        assert "examples:" in out and f"also runs as: {LEAVES[path].python_m}" in out
    else:
        assert "examples:" in out or "<what>" in out


def test_top_level_help_lists_every_command_including_erase(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for command in cli.COMMANDS:
        assert f"\n    {command.name}" in out
    assert "Not available yet" not in out
    assert "erase" in {c.name for c in cli.COMMANDS}


def test_erase_help_names_both_ways_to_ask(capsys):
    with pytest.raises(SystemExit):
        cli.main(["erase", "--help"])
    out = capsys.readouterr().out
    assert "--customer-id" in out and "--email" in out and "--dry-run" in out
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["erase"])
    assert exit_info.value.code == 2  # one of --customer-id / --email is required


def test_without_a_command_it_says_what_is_missing(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([])
    assert exit_info.value.code == 2
    assert "<command>" in capsys.readouterr().err


def test_only_the_chosen_commands_module_gets_arguments():
    parser = cli.build_parser(["evaluate", "surveys", "--db", "x"])
    groups = {a.dest: a for a in parser._subparsers._group_actions}  # noqa: SLF001 - argparse has no public walk
    evaluate = groups["command"].choices["evaluate"]
    children = evaluate._subparsers._group_actions[0].choices  # noqa: SLF001
    assert any(a.dest == "db" for a in children["surveys"]._actions)
    assert not any(a.dest == "db" for a in children["identity"]._actions)
    assert not any(a.dest == "customers" for a in groups["command"].choices["generate"]._actions)


@pytest.mark.parametrize("python_m", sorted({c.python_m for c in LEAVES.values()}))
def test_python_m_forms_still_run(python_m):
    res = subprocess.run([sys.executable, *python_m.removeprefix("python ").split(), "--help"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("usage:")


def test_installed_console_script_runs():
    script = Path(sys.executable).with_name("customer360")
    assert script.is_file(), f"{script} missing: reinstall the package (make install)"
    res = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "usage: customer360" in res.stdout and "doctor" in res.stdout
    res = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and res.stdout.strip().startswith("customer360 ")


def test_py_typed_marker_ships():
    import customer360

    assert Path(customer360.__file__).with_name("py.typed").is_file()


# -- progress bars ------------------------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_bars_only_on_a_terminal_and_never_when_quiet():
    assert not progress.bars_enabled(stream=io.StringIO())
    assert progress.bars_enabled(stream=Terminal())
    assert not progress.bars_enabled(quiet=True, stream=Terminal())
    with progress.steps_bar("x", stream=io.StringIO()) as callback:
        assert callback is None
    with progress.steps_bar("x", quiet=True, stream=Terminal()) as callback:
        assert callback is None


def test_bar_draws_on_a_terminal():
    stream = Terminal()
    with progress.steps_bar("working", stream=stream) as callback:
        callback("one", 1, 2)
        callback("two", 2, 2)
    assert "working" in stream.getvalue() and "2/2" in stream.getvalue()


def test_generate_reports_every_step_once(tmp_path):
    calls = []
    generate(20, 1, tmp_path / "out", "2026-01-01", extra_share=0.1,
             progress=lambda label, done, total: calls.append((label, done, total)))
    total = calls[0][2]
    assert [done for _, done, _ in calls] == list(range(1, total + 1))
    assert {t for _, _, t in calls} == {total}
    labels = [label for label, _, _ in calls]
    assert labels[0] == "base: population" and "extra: population" in labels and labels[-1] == "wrote truth"
    assert "wrote web/sessions" in labels


def test_generate_prints_no_bar_when_stderr_is_not_a_terminal(tmp_path, capsys):
    from customer360.synth.__main__ import main

    main(["--customers", "20", "--out", str(tmp_path / "out"), "--as-of", "2026-01-01"])
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.startswith("wrote ")


def test_training_reports_prior_u_each_em_pass_and_the_end():
    import pyarrow as pa

    from customer360.identity import settings as model_settings
    from customer360.identity import training

    names = ["anna", "brian", "carla", "derek", "elena", "frank", "grace", "henry", "irene", "jacob"]
    rows = [{"unique_id": f"r{i}-{copy}", "first_name": n, "first_name_canonical": n, "first_name_keys": [n],
             "first_name_is_known": True, "last_name": f"last{i}", "postal_code": f"{1000 + i}",
             "address_line_1": f"{i} MAIN ST"}
            for i, n in enumerate(names * 3) for copy in range(2)]
    columns = {c: [r.get(c) for r in rows] for c in ["unique_id", *model_settings.MATCH_COLUMNS]}
    records = pa.table({c: pa.array(v, pa.list_(pa.string()) if c == "first_name_keys" else
                                    pa.bool_() if c == "first_name_is_known" else
                                    pa.date32() if c == "birth_date" else pa.string()) for c, v in columns.items()})
    calls = []
    _, report = training.train(records, progress=lambda label, done, total: calls.append((label, done, total)))
    rules = model_settings.usable_rules(model_settings.TRAINING_RULES, report.usable_columns)
    total = 3 + len(rules)
    assert calls == [("prior", 1, total), ("u by random sampling", 2, total)] + [
        (f"EM pass {rule.name}", 3 + i, total) for i, rule in enumerate(rules)] + [("saved", total, total)]
