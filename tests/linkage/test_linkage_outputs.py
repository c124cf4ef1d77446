"""synth-agencies and link never replace what they did not write, nor the agency tables."""

from __future__ import annotations

from cli_helpers import run_cli


def test_synth_agencies_and_link_refuse_to_replace_data(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "mine.txt").write_text("x")
    refused = run_cli("synth-agencies", "--out", notes, "--people", "200")
    assert refused.code == 2 and "is not simulated agency extracts" in refused.err
    assert (notes / "mine.txt").read_text() == "x"

    extracts = tmp_path / "extracts"
    assert run_cli("synth-agencies", "--out", extracts, "--people", "200").code == 0
    assert run_cli("synth-agencies", "--out", extracts, "--people", "200").code == 0  # its own
    before = sorted(p.name for p in extracts.iterdir())
    for out in (extracts, tmp_path, notes):
        done = run_cli("link", extracts / "linkage.yaml", "--out", out)
        assert done.code == 2, out
        assert done.err.count("\n") == 1 and done.err.startswith("error: "), done.err
    assert sorted(p.name for p in extracts.iterdir()) == before
    assert (notes / "mine.txt").read_text() == "x"
