"""Temporary directories left by killed writers are removed by the next write of that target,
never a live writer's, another host's or one whose writer cannot be told."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

from vrurisk.data import _output
from vrurisk.data import write_directory_atomically as write_atomically

WAITING_WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from vrurisk.data import write_directory_atomically

    def write(tmp):
        (tmp / "part.txt").write_text("x")
        print("writing", flush=True)
        time.sleep(120)

    write_directory_atomically(Path(sys.argv[1]), write)
    """
)


def partials(parent, name="bundle"):
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}.partial-"))


def start_writer(target) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", WAITING_WRITER, str(target)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "writing"
    return process


def one_file(tmp):
    (tmp / "a.txt").write_text("1")


def test_a_killed_writers_directory_is_removed_by_the_next_write(tmp_path):
    target = tmp_path / "bundle"
    with start_writer(target) as process:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    (left,) = partials(tmp_path)
    assert f"-{process.pid}-" in left
    write_atomically(target, one_file)
    assert partials(tmp_path) == []
    assert (target / "a.txt").read_text() == "1"


def test_a_live_writers_directory_is_left_alone(tmp_path):
    target = tmp_path / "bundle"
    with start_writer(target) as process:
        try:
            live = partials(tmp_path)
            write_atomically(target, one_file)
            assert partials(tmp_path) == live and len(live) == 1
            assert f"-{process.pid}-" in live[0]
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)


def test_other_hosts_other_targets_and_unreadable_names_are_left_alone(tmp_path):
    dead_pid = 2**22 + 12345  # above Linux's default pid_max: no such process
    keep = [
        f".bundle.partial-00000000-{dead_pid}-abc",  # another host
        ".bundle.partial-0123456789ab",  # no pid in the name (older vrurisk)
        f".other.partial-{_output._HOST}-{dead_pid}-abc",  # another target
    ]
    stale = f".bundle.partial-{_output._HOST}-{dead_pid}-abc"
    for name in [*keep, stale]:
        (tmp_path / name).mkdir()
    assert _output.remove_stale_partials(tmp_path / "bundle") == [tmp_path / stale]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(keep)
