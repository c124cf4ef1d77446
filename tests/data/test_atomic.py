"""write_directory_atomically: the target is the previous complete directory or the new one."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time

import pytest

from vrurisk.data import _output
from vrurisk.data import write_directory_atomically as write_atomically


def fill(files: dict[str, str]):
    def write(tmp):
        for name, text in files.items():
            (tmp / name).write_text(text)

    return write


def contents(path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(path.iterdir())}


@pytest.mark.parametrize("exchange", [True, False])
def test_replaces_the_previous_directory_and_leaves_nothing_behind(tmp_path, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(_output, "_exchange", lambda a, b: False)
    target = tmp_path / "bundle"
    write_atomically(target, fill({"a.txt": "1", "b.txt": "2"}))
    write_atomically(target, fill({"c.txt": "3"}))
    assert contents(target) == {"c.txt": "3"}
    assert [p.name for p in tmp_path.iterdir()] == ["bundle"]


@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()])
def test_a_failed_write_keeps_the_previous_directory(tmp_path, error):
    target = tmp_path / "bundle"
    write_atomically(target, fill({"a.txt": "1"}))

    def broken(tmp):
        (tmp / "half.txt").write_text("x")
        raise error

    with pytest.raises(type(error)):
        write_atomically(target, broken)
    assert contents(target) == {"a.txt": "1"}
    assert [p.name for p in tmp_path.iterdir()] == ["bundle"]


def test_a_failed_first_write_leaves_no_target(tmp_path):
    with pytest.raises(ValueError):
        write_atomically(tmp_path / "new", lambda tmp: (_ for _ in ()).throw(ValueError("no")))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux-only")
def test_directories_are_swapped_in_one_step_on_linux(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("a")
    (b / "y").write_text("b")
    assert _output._exchange(a, b)
    assert contents(a) == {"y": "b"} and contents(b) == {"x": "a"}


SLOW_WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from vrurisk.data import write_directory_atomically

    def write(tmp):
        for i in range(1000):
            (tmp / f"part-{i}.txt").write_text("x" * 1000)
            if i == 3:
                print("writing", flush=True)
                time.sleep(60)

    write_directory_atomically(Path(sys.argv[1]), write)
    """
)


@pytest.mark.parametrize("previous", [True, False])
def test_a_killed_writer_leaves_the_previous_directory_or_nothing(tmp_path, previous):
    target = tmp_path / "bundle"
    if previous:
        write_atomically(target, fill({"a.txt": "1"}))
    with subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITER, str(target)], stdout=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout.readline().strip() == "writing"
        time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    if previous:
        assert contents(target) == {"a.txt": "1"}
    else:
        assert not target.exists()
    # the killed writer's temporary directory is hidden and never mistaken for the target
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == (
        ["bundle"] if previous else []
    )
