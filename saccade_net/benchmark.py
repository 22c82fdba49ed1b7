"""`saccade-net benchmark`: the whole comparison in one resumable command.

    generate the dataset → train every model (same budget and seed) → eval on test (and --external)
    → replay the saccadic network in Brian2 → `saccade-net report`

Every step is a subprocess (`python -m saccade_net ...`), so each training run has its own threads
and a crash of one step cannot take the others down. BENCH/benchmark.json holds the plan, each
step's command, status, wall time and exit status, and is rewritten atomically after every change;
running the same command again skips the steps marked done (and training runs that already
finished) and resumes an interrupted training run with `--resume`. Each step's output goes to
BENCH/logs/STEP.log; a failing step ends the benchmark with one line naming it and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .checkpoint import write_json

FORMAT = "saccade-net-benchmark"
MODELS = ("saccadic", "oren", "cnn-mlp")

# The best known training configuration of each model: "model_args" become --model-arg KEY=JSON,
# every other key a train flag (--KEY VALUE; True → a bare --KEY; a list → the flag once per item).
# Empty: the defaults. The saccadic network first trains on the chiral riddles alone (a focus phase:
# oblique chirality is learned within ~60k puzzles alone and never in the whole mix). The short
# runs behind these choices are in docs/tuning.md (OReN at lr 3e-3 was unstable, and over 45 minutes it
# over-fitted with panel-order augmentation alone; the saccadic network learned faster at 3e-3 than at
# 1e-3 in short runs, and over 45 minutes 2e-3 and 3e-3 ended level, 2e-3 slightly ahead on validation).
MODEL_SETTINGS: dict[str, dict] = {
    "saccadic": {"lr": 2e-3, "augment": "order", "focus": ["chiral:128000"]},
    "oren": {"lr": 1e-3, "augment": "full"},
    "cnn-mlp": {"lr": 1e-3, "augment": "order"},
}

# --quick: tiny networks (as in tests/test_report.py) that train in seconds
QUICK_MODEL_ARGS: dict[str, dict] = {
    "saccadic": {"glimpse_size": 16, "ring_fields": [1.0, 2.6], "channels": [8, 16], "embed_dim": 16, "hidden": [24]},
    "oren": {"downsample": 4, "channels": [8], "embed_dim": 16, "g_hidden": 16, "g_layers": 1, "f_hidden": 16},
    "cnn-mlp": {"downsample": 4, "channels": [8], "embed_dim": 16, "mlp_hidden": 32, "mlp_layers": 2},
}
QUICK_SETTINGS: dict[str, dict] = {"saccadic": {"focus": ["chiral:640"]}}  # scaled to the tiny dataset
QUICK_DATA = ["--train", "900", "--val", "270", "--test", "270", "--size", "48"]

# rough durations (seconds) of the steps besides training on a 2-core machine: train_overhead is
# start-up and reading the training split, eval scores 18,000 test puzzles at the ~700-850 puzzles/s
# of earlier runs, simulate and report are guesses; the measured times land in benchmark.json
ESTIMATES = {
    "full": {"generate": 60, "train_overhead": 45, "eval": 45, "simulate": 150, "report": 180},
    "quick": {"generate": 5, "train_overhead": 5, "eval": 5, "simulate": 10, "report": 15},
}
FINISHED = ("completed", "budget")  # a run's stop reasons that mean it needs no more training


class BenchmarkError(Exception):
    """A step that failed or options that do not fit together (one line)."""


@dataclass
class Step:
    """One subprocess of the plan. `key` is the command as planned; a step marked done under the
    same key is skipped on a re-run (the command actually run may add --resume)."""

    name: str
    cmd: list[str]
    estimate_s: float
    group: str = ""  # steps of the "train" group may run concurrently (--parallel)
    key: str = field(default="", init=False)

    def __post_init__(self) -> None:
        self.key = shlex.join(self.cmd[1:])  # without the interpreter's path


def saccade_net(*args) -> list[str]:
    return [sys.executable, "-m", "saccade_net", *map(str, args)]


def settings_flags(model: str, quick: bool) -> list[str]:
    """MODEL_SETTINGS[model] as train flags (with --quick, the tiny model arguments and QUICK_SETTINGS
    instead)."""
    settings = dict(MODEL_SETTINGS.get(model, {}))
    model_args = settings.pop("model_args", {})
    if quick:
        model_args = QUICK_MODEL_ARGS.get(model, {})
        settings.update(QUICK_SETTINGS.get(model, {}))
    flags: list[str] = []
    for key, value in model_args.items():
        flags += ["--model-arg", f"{key}={json.dumps(value)}"]
    for key, value in settings.items():
        flag = "--" + key.replace("_", "-")
        if value is True:
            flags.append(flag)
        elif isinstance(value, list):
            for item in value:
                flags += [flag, str(item)]
        elif value not in (False, None):
            flags += [flag, str(value)]
    return flags


def threads_per_run(args: argparse.Namespace) -> int:
    """The threads of each training run: the machine's share of one of --parallel runs."""
    return max(1, args.threads // args.parallel)


def make_plan(args: argparse.Namespace) -> list[Step]:
    """The steps, in order, for these options (nothing on disk is looked at here)."""
    mode = "quick" if args.quick else "full"
    est = ESTIMATES[mode]
    bench, data = Path(args.out), Path(args.data)
    threads = threads_per_run(args)
    steps = [
        Step(
            "generate",
            [sys.executable, "-m", "oddity_dataset", "generate", str(data), "--workers", "2", "--quiet"]
            + (QUICK_DATA if args.quick else []),
            est["generate"],
        )
    ]
    for m in args.models:
        cmd = saccade_net(
            "train", "--model", m, "--data", data, "--out", bench / "runs" / m,
            "--budget-minutes", args.budget_minutes, "--schedule-over", "budget",
            "--epochs", 100, "--val-every", 300 if args.quick else 18000, "--val-limit", 2000,
            "--seed", args.seed, "--threads", threads, "--no-progress",
        )  # fmt: skip
        steps.append(Step(f"train-{m}", cmd + settings_flags(m, args.quick), 60 * args.budget_minutes
                          + est["train_overhead"], group="train"))  # fmt: skip
    for m in args.models:
        run = bench / "runs" / m
        steps.append(
            Step(f"eval-{m}", saccade_net("eval", run, "--data", data, "--threads", args.threads), est["eval"])
        )
        if args.external:
            steps.append(
                Step(f"eval-{m}-external", saccade_net("eval", run, "--npz", args.external, "--threads", args.threads),
                     est["eval"])
            )  # fmt: skip
    if "saccadic" in args.models:
        target = "numpy" if args.quick else "cython"
        run = bench / "runs" / "saccadic"

        def simulate(name: str, flags: list, json_name: str = "") -> Step:
            """A Brian2 replay of the saccadic run; `json_name`: its result file when the default would clash."""
            cmd = saccade_net("simulate", run, "--data", data, "--limit", args.simulate_limit, *flags,
                              "--threads", args.threads)  # fmt: skip
            return Step(name, cmd + (["--json", str(run / json_name)] if json_name else []), est["simulate"])

        for mode_ in ("discrete", "continuous"):
            steps.append(simulate(f"simulate-{mode_}", ["--mode", mode_, "--target", target]))
        if not args.quick:  # the pulse reading of continuous time; the standalone C++ device (OpenMP threads)
            steps.append(simulate("simulate-continuous-pulse", ["--mode", "continuous", "--drive", "pulse",
                                  "--target", target], "simulate-continuous-test-pulse.json"))  # fmt: skip
            steps.append(simulate("simulate-discrete-cpp", ["--mode", "discrete", "--target", "cpp_standalone"],
                                  "simulate-discrete-test-cpp_standalone.json"))  # fmt: skip
    report = saccade_net("report", *(bench / "runs" / m for m in args.models), "--data", data,
                         "--out", bench / "report", "--seed", args.seed, "--threads", args.threads)  # fmt: skip
    if args.external:
        report += ["--external", str(args.external)]
    if args.quick:
        report += ["--examples", "2"]
    else:  # the claims on the whole test split (18,000 puzzles), not the report's default sample
        report += ["--limit", "0"]
    steps.append(Step("report", report, est["report"]))
    return steps


def plan_wall_s(steps: list[Step], parallel: int) -> float:
    """Expected wall time: training runs in rounds of --parallel, everything else one after another."""
    train = [s.estimate_s for s in steps if s.group == "train"]
    rounds = [max(train[i : i + parallel]) for i in range(0, len(train), parallel)]
    return sum(rounds) + sum(s.estimate_s for s in steps if s.group != "train")


def hms(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


# -- what is already on disk ----------------------------------------------------------------------


def dataset_state(data: Path) -> str:
    """complete | partial (an interrupted generation, resumable) | absent."""
    from oddity_dataset.storage import PLAN, DatasetError, open_dataset

    try:
        open_dataset(data)
        return "complete"
    except DatasetError:
        return "partial" if (data / PLAN).exists() else "absent"


def run_state(run: Path) -> str:
    """finished | resumable | started (config only, nothing to resume) | absent."""
    from . import checkpoint
    from .train import SUMMARY_FILE

    try:
        summary = json.loads((run / SUMMARY_FILE).read_text())
        if summary.get("stop_reason") in FINISHED:
            return "finished"
    except (OSError, ValueError, AttributeError):
        pass
    if (run / checkpoint.CONFIG_FILE).exists():
        return "resumable" if (run / checkpoint.STATE_FILE).exists() else "started"
    return "absent"


def command_to_run(step: Step) -> tuple[list[str] | None, str]:
    """The command to run now (None: nothing to do) and why, from what is already on disk."""
    if step.name == "generate":
        data = Path(step.cmd[4])
        state = dataset_state(data)
        if state == "complete":
            return None, f"dataset {data} is complete"
        if state == "partial":
            return step.cmd + ["--resume"], "resuming the interrupted generation"
        return step.cmd, ""
    if step.group == "train":
        run = Path(step.cmd[step.cmd.index("--out") + 1])
        state = run_state(run)
        if state == "finished":
            return None, f"{run} has finished training"
        if state == "resumable":  # the stored run keeps its model arguments; they cannot be given again
            cmd = [a for i, a in enumerate(step.cmd) if a != "--model-arg" and step.cmd[i - 1] != "--model-arg"]
            return cmd + ["--resume"], "resuming the interrupted run"
        if state == "started":
            return step.cmd + ["--overwrite"], "restarting a run that saved no checkpoint"
    return step.cmd, ""


# -- running --------------------------------------------------------------------------------------

_live: set[subprocess.Popen] = set()
_live_lock = threading.Lock()


def run_command(cmd: list[str], log: Path) -> int:
    """Run cmd with stdout and stderr appended to log; its exit status."""
    with open(log, "a") as out:
        out.write(f"$ {shlex.join(cmd)}\n")
        out.flush()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        with _live_lock:
            _live.add(proc)
        try:
            return proc.wait()
        except BaseException:  # SIGTERM or Ctrl-C reached the benchmark: stop the step (training saves)
            _stop(proc)
            raise
        finally:
            with _live_lock:
                _live.discard(proc)


class Terminated(Exception):
    """SIGTERM reached the benchmark."""


def _on_sigterm(signum, frame) -> None:
    raise Terminated


def stop_children() -> None:
    """Ask every running step to stop (training saves a checkpoint on SIGTERM) and wait for it."""
    with _live_lock:
        procs = list(_live)
    for proc in procs:
        proc.terminate()
    for proc in procs:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()


class Benchmark:
    """The plan, its state in BENCH/benchmark.json, and the loop that runs what is not done."""

    def __init__(self, args: argparse.Namespace, steps: list[Step]) -> None:
        self.args = args
        self.steps = steps
        self.bench = Path(args.out)
        self.path = self.bench / "benchmark.json"
        self.logs = self.bench / "logs"
        self.lock = threading.Lock()
        self.start = time.monotonic()
        self.state = self.load()

    def load(self) -> dict:
        try:
            old = json.loads(self.path.read_text())
        except (OSError, ValueError):
            old = {}
        prior = old.get("steps", {}) if old.get("format") == FORMAT else {}
        return {
            "format": FORMAT,
            "options": {k: v for k, v in vars(self.args).items() if k not in ("func", "command")},
            "parallel": self.args.parallel,
            "threads_per_training_run": threads_per_run(self.args),
            "training": (f"{self.args.parallel} run(s) at a time, {threads_per_run(self.args)} thread(s) each"),
            "estimated_wall_s": round(plan_wall_s(self.steps, self.args.parallel)),
            "plan": [{"name": s.name, "command": s.key, "estimate_s": s.estimate_s} for s in self.steps],
            "steps": {s.name: prior.get(s.name, {"status": "pending"}) for s in self.steps},
        }

    def save(self) -> None:
        with self.lock:
            self.state["updated"] = time.strftime("%Y-%m-%dT%H:%M:%S")
            write_json(self.path, self.state)

    def record(self, step: Step, **fields) -> None:
        with self.lock:
            self.state["steps"][step.name].update(fields)
        self.save()

    def is_done(self, step: Step) -> bool:
        entry = self.state["steps"][step.name]
        return entry.get("status") in ("done", "skipped") and entry.get("key") == step.key

    def remaining_s(self) -> float:
        return plan_wall_s([s for s in self.steps if not self.is_done(s)], self.args.parallel)

    def say(self, text: str) -> None:
        elapsed = time.monotonic() - self.start
        print(f"[{hms(elapsed)} elapsed, ~{hms(self.remaining_s())} left] {text}", flush=True)

    def print_plan(self) -> None:
        a = self.args
        print(
            f"benchmark → {self.bench}: models {', '.join(a.models)}, {a.budget_minutes:g} min of training each, "
            f"seed {a.seed}; {self.state['training']}" + (" (quick)" if a.quick else "")
        )
        for s in self.steps:
            mark = "done" if self.is_done(s) else f"~{hms(s.estimate_s)}"
            print(f"  {s.name:<24} {mark}")
        print(f"estimated total ~{hms(self.state['estimated_wall_s'])}, still to run ~{hms(self.remaining_s())}",
              flush=True)  # fmt: skip

    def run_step(self, step: Step) -> int:
        """Run one step (or skip it); its exit status."""
        if self.is_done(step):
            return 0
        cmd, why = command_to_run(step)
        log = self.logs / f"{step.name}.log"
        if cmd is None:
            self.record(step, status="skipped", key=step.key, reason=why, exit_status=0)
            self.say(f"{step.name}: skipped ({why})")
            return 0
        self.record(step, status="running", key=step.key, command=shlex.join(cmd), log=str(log), reason=why)
        self.say(f"{step.name}: running{f' ({why})' if why else ''}, log {log}")
        t0 = time.monotonic()
        status = run_command(cmd, log)
        wall = time.monotonic() - t0
        self.record(step, status="done" if status == 0 else "failed", exit_status=status, wall_s=round(wall, 1))
        self.say(f"{step.name}: {'done' if status == 0 else f'failed (exit {status})'} in {hms(wall)}")
        return status

    def run(self) -> int:
        self.logs.mkdir(parents=True, exist_ok=True)
        self.save()
        self.print_plan()
        train = [s for s in self.steps if s.group == "train"]
        order: list[list[Step]] = []
        for s in self.steps:
            if s.group != "train":
                order.append([s])
            elif s is train[0]:
                order += [train[i : i + self.args.parallel] for i in range(0, len(train), self.args.parallel)]
        for batch in order:
            if len(batch) == 1:
                statuses = [self.run_step(batch[0])]
            else:
                pool = ThreadPoolExecutor(len(batch))
                try:
                    statuses = list(pool.map(self.run_step, batch))
                finally:  # on SIGTERM, do not wait here: run_benchmark stops the steps first
                    pool.shutdown(wait=False)
            for step, status in zip(batch, statuses, strict=True):
                if status != 0:
                    raise BenchmarkError(
                        f"step {step.name} failed (exit {status}); see {self.logs / f'{step.name}.log'}"
                    )
        self.state["speeds"] = measured_speeds(self.bench / "runs")
        self.save()
        self.say(f"finished; report: {self.bench / 'report' / 'report.html'}")
        return 0

    def mark_interrupted(self) -> None:
        for entry in self.state["steps"].values():
            if entry.get("status") == "running":
                entry["status"] = "interrupted"
        self.save()


def check_options(args: argparse.Namespace) -> None:
    models = [m.strip() for m in args.models.split(",") if m.strip()] if isinstance(args.models, str) else args.models
    unknown = [m for m in models if m not in MODELS]
    if not models or unknown:
        raise BenchmarkError(f"--models: unknown {', '.join(unknown) or '(none)'}; choose from {', '.join(MODELS)}")
    if len(set(models)) != len(models):
        raise BenchmarkError("--models: a model is named twice")
    args.models = models
    if args.budget_minutes is None:
        args.budget_minutes = round(1.0 / len(models), 2) if args.quick else 45.0
    if args.simulate_limit is None:
        args.simulate_limit = 20 if args.quick else 500
    if args.parallel < 1 or args.threads < 1 or args.simulate_limit < 0 or args.budget_minutes <= 0:
        raise BenchmarkError("need --parallel >= 1, --threads >= 1, --simulate-limit >= 0 and --budget-minutes > 0")
    if args.data is None:
        args.data = str(Path(args.out) / "data") if args.quick else "data/oddity"
    if args.external and not Path(args.external).is_file():
        raise BenchmarkError(f"--external {args.external}: no such file")


def run_benchmark(args: argparse.Namespace) -> int:
    """Plan, print the plan, run what is not done; 0, or BenchmarkError naming the failed step."""
    check_options(args)
    bench = Benchmark(args, make_plan(args))
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if in_main else None
    try:
        return bench.run()
    except (KeyboardInterrupt, Terminated) as exc:
        stop_children()
        bench.mark_interrupted()
        print(f"saccade-net: benchmark interrupted; rerun the same command to resume ({bench.path})", file=sys.stderr)
        return 143 if isinstance(exc, Terminated) else 130
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)


def add_benchmark_parser(sub) -> None:
    b = sub.add_parser(
        "benchmark",
        help="generate, train every model, eval, Brian2 replay and report, resumably (BENCH/benchmark.json)",
        description="The whole comparison: generate the dataset, train each model with the same budget and seed, "
        "evaluate, replay the saccadic network in Brian2 and write the report. Rerun the same command to resume.",
    )
    b.add_argument("--out", required=True, metavar="BENCH", help="output directory (runs/, logs/, report/)")
    b.add_argument(
        "--data", help="dataset directory, generated unless complete (default data/oddity; --quick: BENCH/data)"
    )
    b.add_argument("--budget-minutes", type=float, help="training budget per model (default 45; --quick: 1 min in all)")
    b.add_argument("--models", default=",".join(MODELS), help="comma-separated (default %(default)s)")
    b.add_argument("--parallel", type=int, default=1, help="training runs at a time (default 1)")
    b.add_argument("--threads", type=int, default=2, help="threads in all, shared by parallel runs (default 2)")
    b.add_argument("--simulate-limit", type=int, help="test puzzles replayed in Brian2 (default 500; --quick: 20)")
    b.add_argument("--quick", action="store_true", help="a smoke run in a few minutes: tiny data and models")
    b.add_argument("--seed", type=int, default=0, help="seed of every training run (default 0)")
    b.add_argument("--external", metavar="FILE.npz", help="also evaluate and report on these puzzles")
    b.set_defaults(func=lambda args: run_benchmark(args))


def measured_speeds(runs: Path) -> dict:
    """The speeds the steps measured, side by side in benchmark.json: training puzzles/s of every run
    (with its threads) and puzzles/s of every Brian2 replay (mode, drive, target, threads), so that the
    standalone C++ device can be read against the runtime targets."""
    training, replay = {}, []
    for run in sorted(p for p in runs.iterdir() if p.is_dir()) if runs.is_dir() else []:
        summary = read_json_or_none(run / "summary.json") or {}
        if summary:
            training[run.name] = {
                "puzzles_per_s": summary.get("train_throughput_puzzles_per_s"),
                "threads": summary.get("threads"),
                "processes": summary.get("processes", 1),
            }
        for path in sorted(run.glob("simulate-*.json")):
            r = read_json_or_none(path) or {}
            timing = r.get("timing", {})
            replay.append({
                "file": f"{run.name}/{path.name}", "mode": r.get("mode"), "target": r.get("target"),
                "drive": (r.get("continuous") or {}).get("drive"), "input": r.get("input"),
                "threads": r.get("threads"), "puzzles": r.get("puzzles"),
                "puzzles_per_s": timing.get("puzzles_per_s"), "build_s": timing.get("build_s"),
                "decision_agreement": (r.get("decision_agreement") or {}).get("brian2_vs_torch"),
            })  # fmt: skip
    return {"training": training, "replay": replay}


def read_json_or_none(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None
