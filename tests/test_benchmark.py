"""`saccade-net benchmark`: the plan and its resumption, with the subprocess runner replaced by a fake
that records command lines (nothing is trained), and one real `--quick` run (slow)."""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

import pytest

from saccade_net import benchmark, checkpoint, cli


class FakeRunner:
    """Records each command; exits with `fail[step]` for the named steps (0 otherwise)."""

    def __init__(self, fail: dict[str, int] | None = None, sleep: float = 0.0) -> None:
        self.fail = fail or {}
        self.sleep = sleep
        self.commands: list[list[str]] = []
        self.active = 0
        self.max_active = 0
        self.lock = threading.Lock()

    def __call__(self, cmd: list[str], log: Path) -> int:
        with self.lock:
            self.commands.append(cmd)
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        time.sleep(self.sleep)
        with self.lock:
            self.active -= 1
        return self.fail.get(log.stem, 0)

    def names(self) -> list[str]:
        """A short name per command: generate, train-M, eval-M, simulate-MODE, report."""
        out = []
        for c in self.commands:
            verb = c[3]
            if verb == "train":
                out.append(f"train-{c[c.index('--model') + 1]}")
            elif verb == "eval":
                out.append(f"eval-{Path(c[4]).name}" + ("-external" if "--npz" in c else ""))
            elif verb == "simulate":
                cpp = "-cpp" if c[c.index("--target") + 1] == "cpp_standalone" else ""
                pulse = "-pulse" if "pulse" in c else ""
                out.append(f"simulate-{c[c.index('--mode') + 1]}{pulse}{cpp}")
            else:
                out.append(verb)
        return out


@pytest.fixture
def fake(monkeypatch):
    def install(**kwargs) -> FakeRunner:
        runner = FakeRunner(**kwargs)
        monkeypatch.setattr(benchmark, "run_command", runner)
        return runner

    return install


def bench(tmp_path, *extra) -> int:
    return cli.main(["benchmark", "--out", str(tmp_path / "bench"), "--data", str(tmp_path / "data"), *map(str, extra)])


def state(tmp_path) -> dict:
    return json.loads((tmp_path / "bench" / "benchmark.json").read_text())


def test_commands_in_order_and_rerun_skips(tmp_path, fake, capsys):
    runner = fake()
    assert bench(tmp_path) == 0
    assert runner.names() == [
        "generate",
        "train-saccadic",
        "train-oren",
        "train-cnn-mlp",
        "eval-saccadic",
        "eval-oren",
        "eval-cnn-mlp",
        "simulate-discrete",
        "simulate-continuous",
        "simulate-continuous-pulse",
        "simulate-discrete-cpp",
        "report",
    ]
    gen, train = runner.commands[0], runner.commands[1]
    assert gen[4:] == [str(tmp_path / "data"), "--workers", "2", "--quiet"]
    for flag, value in [("--budget-minutes", "45.0"), ("--schedule-over", "budget"), ("--seed", "0"),
                        ("--threads", "2"), ("--val-every", "18000"), ("--val-limit", "2000")]:  # fmt: skip
        assert train[train.index(flag) + 1] == value
    assert "--no-progress" in train and "--resume" not in train
    assert runner.commands[7][runner.commands[7].index("--target") + 1] == "cython"
    out = capsys.readouterr().out
    assert "estimated total ~2:" in out and "1 run(s) at a time, 2 thread(s) each" in out
    s = state(tmp_path)
    assert s["parallel"] == 1 and s["threads_per_training_run"] == 2
    assert all(v["status"] == "done" and v["exit_status"] == 0 for v in s["steps"].values())
    assert s["steps"]["train-oren"]["log"].endswith("logs/train-oren.log")

    again = fake()
    assert bench(tmp_path) == 0
    assert again.commands == []
    assert "done" in capsys.readouterr().out


def test_failing_step_exit_2_one_line_and_earlier_steps_stay_done(tmp_path, fake, capsys):
    fake(fail={"train-oren": 1})
    assert bench(tmp_path) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "train-oren" in err and str(tmp_path / "bench" / "logs" / "train-oren.log") in err
    steps = state(tmp_path)["steps"]
    assert steps["generate"]["status"] == steps["train-saccadic"]["status"] == "done"
    assert steps["train-oren"]["status"] == "failed" and steps["train-oren"]["exit_status"] == 1
    assert steps["eval-oren"]["status"] == "pending"

    runner = fake()
    assert bench(tmp_path) == 0
    assert runner.names()[:2] == ["train-oren", "train-cnn-mlp"]


def test_parallel_two_runs_concurrently_with_one_thread(tmp_path, fake, capsys):
    runner = fake(sleep=0.3)
    assert bench(tmp_path, "--parallel", 2, "--models", "oren,cnn-mlp") == 0
    trains = [c for c in runner.commands if c[3] == "train"]
    assert len(trains) == 2 and all(c[c.index("--threads") + 1] == "1" for c in trains)
    assert runner.max_active == 2
    assert "simulate-discrete" not in runner.names()  # no saccadic network, no Brian2 replay
    assert state(tmp_path)["threads_per_training_run"] == 1
    assert "2 run(s) at a time, 1 thread(s) each" in capsys.readouterr().out


def test_disk_state_complete_data_finished_and_interrupted_runs(tmp_path, fake, small_dataset, monkeypatch):
    """A complete dataset is not regenerated, a finished run is skipped, an interrupted one resumed
    (without --model-arg, which a resumed run keeps), a partial generation resumed."""
    monkeypatch.setitem(benchmark.MODEL_SETTINGS, "oren", {"model_args": {"embed_dim": 8}, "lr": 0.003})
    runs = tmp_path / "bench" / "runs"
    (runs / "saccadic").mkdir(parents=True)
    (runs / "saccadic" / "summary.json").write_text(json.dumps({"stop_reason": "budget"}))
    (runs / "oren").mkdir()
    for name in (checkpoint.CONFIG_FILE, checkpoint.STATE_FILE):
        (runs / "oren" / name).write_text("{}")
    runner = fake()
    argv = ["benchmark", "--out", tmp_path / "bench", "--data", small_dataset, "--models", "saccadic,oren"]
    assert cli.main([str(a) for a in argv]) == 0
    names = runner.names()
    assert "generate" not in names and "train-saccadic" not in names
    oren = runner.commands[names.index("train-oren")]
    assert "--resume" in oren and "--model-arg" not in oren and oren[oren.index("--lr") + 1] == "0.003"
    steps = state(tmp_path)["steps"]
    assert steps["generate"]["status"] == steps["train-saccadic"]["status"] == "skipped"

    partial = tmp_path / "partial"
    partial.mkdir()
    (partial / "plan.json").write_text("{}")
    runner = fake()
    assert cli.main(["benchmark", "--out", str(tmp_path / "b2"), "--data", str(partial), "--models", "oren"]) == 0
    assert runner.commands[0][-1] == "--resume"
    assert runner.commands[1][runner.commands[1].index("--model-arg") + 1] == "embed_dim=8"


def test_sigterm_marks_the_running_step_interrupted_and_rerun_resumes(tmp_path, fake, monkeypatch, capsys):
    def terminated(cmd, log):
        if log.stem == "train-oren":
            raise benchmark.Terminated
        return 0

    monkeypatch.setattr(benchmark, "run_command", terminated)
    assert bench(tmp_path, "--models", "saccadic,oren") == 143
    assert "rerun the same command to resume" in capsys.readouterr().err
    steps = state(tmp_path)["steps"]
    assert steps["train-saccadic"]["status"] == "done" and steps["train-oren"]["status"] == "interrupted"
    runner = fake()
    assert bench(tmp_path, "--models", "saccadic,oren") == 0
    assert runner.names()[:2] == ["train-oren", "eval-saccadic"]


def test_run_command_writes_the_log(tmp_path):
    log = tmp_path / "step.log"
    assert benchmark.run_command([sys.executable, "-c", "print('hello'); raise SystemExit(3)"], log) == 3
    assert "hello" in log.read_text() and log.read_text().startswith("$ ")


def test_quick_plan_and_external(tmp_path, fake):
    npz = tmp_path / "ext.npz"
    npz.write_bytes(b"")
    runner = fake()
    assert cli.main(["benchmark", "--quick", "--out", str(tmp_path / "q"), "--external", str(npz)]) == 0
    names = runner.names()
    assert "eval-oren-external" in names and names[-1] == "report"
    gen = runner.commands[0]
    assert gen[4] == str(tmp_path / "q" / "data") and "--size" in gen
    train = runner.commands[1]
    assert float(train[train.index("--budget-minutes") + 1]) < 0.5 and "--model-arg" in train
    sim = runner.commands[names.index("simulate-discrete")]
    assert sim[sim.index("--target") + 1] == "numpy" and sim[sim.index("--limit") + 1] == "20"
    assert runner.commands[-1][runner.commands[-1].index("--external") + 1] == str(npz)


def test_bad_options_one_line(tmp_path, fake, capsys):
    fake()
    assert bench(tmp_path, "--models", "oren,resnet") == 2
    assert "resnet" in capsys.readouterr().err
    assert bench(tmp_path, "--parallel", 0) == 2
    assert bench(tmp_path, "--external", tmp_path / "missing.npz") == 2


@pytest.mark.slow
def test_quick_end_to_end(tmp_path):
    """The real thing: generate, train three tiny models, eval, Brian2 (numpy), report."""
    import subprocess

    out = tmp_path / "q"
    proc = subprocess.run(
        [sys.executable, "-m", "saccade_net", "benchmark", "--quick", "--out", str(out), "--models", "saccadic,oren"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (out / "report" / "report.html").is_file()
    assert (out / "runs" / "saccadic" / "simulate-discrete-test.json").is_file()
    assert all(v["status"] == "done" for v in json.loads((out / "benchmark.json").read_text())["steps"].values())


def test_speeds_of_training_and_replays_are_collected(tmp_path):
    runs = tmp_path / "runs"
    (runs / "saccadic").mkdir(parents=True)
    summary = {"train_throughput_puzzles_per_s": 300.0, "threads": 1}
    (runs / "saccadic" / "summary.json").write_text(json.dumps(summary))
    replays = [("simulate-discrete-test.json", "cython", 53.5), ("simulate-x.json", "cpp_standalone", 23.0)]
    for name, target, speed in replays:
        rep = {"mode": "discrete", "target": target, "threads": 1, "puzzles": 500, "timing": {"puzzles_per_s": speed}}
        (runs / "saccadic" / name).write_text(json.dumps(rep))
    speeds = benchmark.measured_speeds(runs)
    assert speeds["training"]["saccadic"]["puzzles_per_s"] == 300.0
    assert {(r["target"], r["puzzles_per_s"]) for r in speeds["replay"]} == {("cython", 53.5), ("cpp_standalone", 23.0)}
    assert benchmark.measured_speeds(tmp_path / "missing") == {"training": {}, "replay": []}
