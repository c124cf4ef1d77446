"""Outputs never destroy what vrurisk did not write; an unwritable one is one line (issue 17)."""

from __future__ import annotations

import errno
import os

import pytest
from cli_helpers import run_cli

from vrurisk._errors import OutputError
from vrurisk.data import check_output_directory, write_directory_atomically
from vrurisk.data._output import SYNTHETIC_DATASET

SYNTH = ("synth", "--people", "300", "--years", "2", "--format", "csv")


def test_synth_refuses_a_directory_it_did_not_write(tmp_path, monkeypatch, capsys):
    out = tmp_path / "d"
    out.mkdir()
    (out / "notes").write_text("x")
    code, _, stderr = run_cli(*SYNTH, "--out", str(out))
    assert code == 2
    assert stderr.splitlines() == [
        f"error: {out} exists and is not a synthetic dataset (vrurisk synth) (it holds notes); "
        "refusing to replace it: choose a new or empty directory, or force it (--force)"
    ]
    assert (out / "notes").read_text() == "x"


def test_the_library_names_its_parameter_and_the_cli_its_flag(tmp_path):
    from vrurisk.cli._app import in_cli_words

    (tmp_path / "notes").write_text("x")
    with pytest.raises(OutputError) as caught:
        check_output_directory(tmp_path, SYNTHETIC_DATASET)
    assert str(caught.value).endswith("or force it (force=True)")
    assert in_cli_words(str(caught.value)).endswith("or force it (--force)")


def test_synth_replaces_its_own_output_and_a_forced_one(tmp_path, monkeypatch, capsys):
    out = tmp_path / "d"
    assert run_cli(*SYNTH, "--out", str(out))[0] == 0
    assert run_cli(*SYNTH, "--out", str(out), "--seed", "2")[0] == 0
    (out / "notes").write_text("x")
    assert run_cli(*SYNTH, "--out", str(out))[0] == 2
    assert run_cli(*SYNTH, "--out", str(out), "--force")[0] == 0
    assert not (out / "notes").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["d"]


def test_a_real_extract_is_not_taken_for_a_synthetic_one(tmp_path):
    out = tmp_path / "extract"
    out.mkdir()
    for name in ("people.csv", "events.csv", "links.csv", "dataset.json"):
        (out / name).write_text("x")
    assert not SYNTHETIC_DATASET.recognises(out)  # no truth table: not ours
    with pytest.raises(OutputError, match="is not a synthetic dataset"):
        check_output_directory(out, SYNTHETIC_DATASET)


@pytest.mark.parametrize("out", [".", "..", "./"])
def test_synth_into_the_current_directory_is_refused_and_leaves_nothing(
    tmp_path, monkeypatch, capsys, out
):
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    code, _, stderr = run_cli(*SYNTH, "--out", out)
    assert code == 2 and len(stderr.splitlines()) == 1
    assert "the current directory" in stderr
    assert list(here.iterdir()) == [] and [p.name for p in tmp_path.iterdir()] == ["here"]


@pytest.mark.parametrize("where", ["under_a_file", "proc"])
def test_synth_to_an_unwritable_out_fails_before_simulating(tmp_path, monkeypatch, capsys, where):
    (tmp_path / "file").write_text("x")
    out = {"under_a_file": tmp_path / "file" / "d", "proc": "/proc/vrurisk/d"}[where]
    code, _, stderr = run_cli(*SYNTH, "--out", str(out))
    assert code == 2
    assert len(stderr.splitlines()) == 1
    assert stderr.startswith(f"error: cannot write {out}: ")
    assert "simulating" not in stderr  # refused before any work


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_a_read_only_directory_is_refused_before_any_work(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir(mode=0o500)
    with pytest.raises(OutputError, match="cannot write .*: Permission denied"):
        check_output_directory(ro / "out")


def test_an_oserror_while_writing_is_one_line_and_leaves_nothing_behind(tmp_path):
    target = tmp_path / "new" / "deeper" / "bundle"

    def full(tmp):
        (tmp / "half").write_text("x")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OutputError) as caught:
        write_directory_atomically(target, full)
    assert str(caught.value) == f"cannot write {target}: No space left on device"
    assert list(tmp_path.iterdir()) == []  # neither the partial nor the parents made for it


def test_an_input_and_its_parents_are_refused_even_forced(tmp_path):
    data = tmp_path / "project" / "data"
    data.mkdir(parents=True)
    (data / "people.csv").write_text("x")
    for out in (data, data.parent, data / "people.csv"):
        with pytest.raises(OutputError, match="even when forced"):
            check_output_directory(out, SYNTHETIC_DATASET, force=True, protected=[data])
    # a new directory inside the input does not touch it
    assert check_output_directory(data / "new", SYNTHETIC_DATASET, protected=[data]).name == "new"


def test_bare_vrurisk_prints_usage_and_no_empty_error():
    code, out, err = run_cli()
    assert code == 2
    assert "Usage:" in out + err and "error:" not in err
