"""Every number of the report, measured on the runs and the data: accuracy (overall, per family, per
riddle; also of the pixel-statistics floor), held-out riddles, out-of-distribution puzzles, learning
curves, parameters, training and inference speed, operation counts and energy, the ablations, the
agreement between the networks and the Brian2 replays found in the runs."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .. import checkpoint
from ..data import Puzzles, dataset_panel_size, load_archive, load_split
from ..evaluate import accuracy_report, evaluate, predict
from ..models import build_model, parameter_counts
from . import ReportError, energy, mechanism
from .runs import Run, by_role, label_runs, load_run_info

HUMAN = {"adults": [0.83, 0.86], "children": 0.67, "chance": 1 / 6}
HUMAN_SOURCE = "Dehaene et al., Science 311, 2006 (adults 83–86 %, children about 67 %)"
REPLAY_KEYS = (
    "mode", "target", "input", "continuous", "puzzles", "accuracy", "decision_agreement", "spike_agreement", "timing"
)  # fmt: skip


@dataclass
class Gathered:
    """The numbers (JSON-able) and what the figures need besides: models, puzzles and choices."""

    numbers: dict
    runs: list[Run]
    models: dict[str, nn.Module]
    puzzles: Puzzles
    chosen: dict[str, np.ndarray] = field(default_factory=dict)


def say(message: str) -> None:
    print(message, flush=True)


def cached_eval(run: Run, split: str, data: str, n: int) -> dict | None:
    """RUN/eval-<split>.json when it scored the same dataset, split and number of puzzles."""
    path = run.path / f"eval-{split}.json"
    if not path.is_file():
        return None
    try:
        report = json.loads(path.read_text())
        source = report["source"]
        same = (
            Path(source["path"]).resolve() == Path(data).resolve() and source.get("split") == split and report["n"] == n
        )
    except (ValueError, KeyError, TypeError):
        return None
    return report if same else None


def summarise_eval(report: dict) -> dict:
    """The parts of an evaluation report the report keeps."""
    keep = ("n", "correct", "accuracy", "per_family", "per_riddle", "throughput_puzzles_per_s", "seconds", "threads")
    return {k: report.get(k) for k in keep}


def held_out(report: dict, riddles: list[int]) -> dict | None:
    """Accuracy on the riddles a run was trained without, and on the others."""
    if not riddles:
        return None
    out, rest = (
        [r for r in report["per_riddle"] if r["id"] in riddles],
        [r for r in report["per_riddle"] if r["id"] not in riddles],
    )

    def pooled(rows: list[dict]) -> float | None:
        n = sum(r["n"] for r in rows)
        return sum(r["correct"] for r in rows) / n if n else None

    return {
        "riddles": riddles,
        "per_riddle": [{k: r[k] for k in ("id", "name", "n", "accuracy")} for r in out],
        "accuracy": pooled(out),
        "trained_riddles_accuracy": pooled(rest),
        "n": sum(r["n"] for r in out),
    }


def replay_numbers(replays: list[dict]) -> list[dict]:
    """The key numbers of each `saccade-net simulate` report found in the run."""
    rows = []
    for r in replays:
        row = {"file": r.get("file")}
        row.update({k: r[k] for k in REPLAY_KEYS if k in r})
        for k in ("spikes_per_puzzle", "synaptic_events_per_puzzle"):
            if k in r:
                row[k] = r[k]
        rows.append(row)
    return rows


def run_numbers(run: Run, report: dict, costs: dict) -> dict:
    """One run's entry in report.json."""
    s = run.summary
    return {
        "label": run.label,
        "path": str(run.path),
        "model": run.model,
        "parameters": run.config.get("parameters", {}),
        "training": {
            "puzzles_seen": s.get("puzzles_seen"),
            "epochs": s.get("epochs_completed"),
            "wall_time_s": s.get("wall_time_s"),
            "train_time_s": s.get("train_time_s"),
            "throughput_puzzles_per_s": s.get("train_throughput_puzzles_per_s"),
            "threads": s.get("threads"),
            "final_val_accuracy": s.get("final_val_accuracy"),
            "best_val_accuracy": s.get("best_val_accuracy"),
            "stop_reason": s.get("stop_reason"),
            **run.to_reach(),
        },
        "curve": run.curve(),
        "eval": summarise_eval(report),
        "held_out": held_out(report, run.excluded_riddles),
        "costs": costs,
        "replays": replay_numbers(run.replays),
    }


def clean(obj):
    """JSON-safe: numpy scalars to Python, NaN and infinities to None, tuples to lists."""
    if isinstance(obj, dict):
        return {str(k): clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [clean(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def gather(
    run_dirs: list[str],
    data: str,
    split: str = "test",
    limit: int | None = 2000,
    seed: int = 0,
    external: str | None = None,
    log: Callable[[str], None] = say,
) -> Gathered:
    """Measure everything the report shows. Errors are one-line exceptions (CheckpointError, DataError,
    ReportError) for the command line to print."""
    runs = [load_run_info(p) for p in run_dirs]
    label_runs(runs)
    size = dataset_panel_size(data)
    for run in runs:
        run_size = run.config.get("data", {}).get("panel_size")
        if run_size is not None and run_size != size:
            raise ReportError(f"{data} has {size}×{size} panels but {run.path} is for {run_size}×{run_size} panels")
    puzzles = load_split(data, split, limit)
    ext_puzzles = None
    if external:  # checked before anything is measured
        ext_puzzles = load_archive(external, limit, seed)
        if ext_puzzles.panel_size != size:
            raise ReportError(
                f"{external} has {ext_puzzles.panel_size}×{ext_puzzles.panel_size} panels, the runs {size}×{size}"
            )
    log(f"report: {len(runs)} runs on {len(puzzles):,} {split} puzzles of {data}")
    roles = by_role(runs)
    models, chosen, entries, reports = {}, {}, [], {}
    for run in runs:
        model, _ = checkpoint.load_run(run.path)
        models[run.label] = model
        needs_choices = any(r is run for r in roles.values())
        report = None if needs_choices else cached_eval(run, split, data, len(puzzles))
        if report is None:
            log(f"  evaluating {run.label} ...")
            report, chosen[run.label] = score(model, puzzles, seed)
        else:
            log(f"  {run.label}: reusing {run.path / f'eval-{split}.json'}")
        reports[run.label] = report
        log(f"  {run.label}: {report['accuracy']:.2%}; counting operations per decision ...")
        costs = energy.decision_costs(model, puzzles, is_saccadic=run.model == "saccadic")
        entries.append(run_numbers(run, report, costs))

    log("  evaluating pixel-stats ...")
    pixel = build_model("pixel-stats", {}, size)
    pixel_report, chosen["pixel-stats"] = score(pixel, puzzles, seed)

    mech: dict = {"saccadic": None, "oren": None, "agreement": None}
    sac, oren = roles["saccadic"], roles["oren"]
    if sac is not None:
        log("  ablations of the saccadic network ...")
        mech["saccadic"] = mechanism.saccadic_ablations(
            models[sac.label], puzzles, reports[sac.label]["accuracy"], seed
        )
    if oren is not None:
        log("  ablation of OReN ...")
        mech["oren"] = mechanism.oren_ablations(models[oren.label], puzzles, reports[oren.label]["accuracy"], seed)
    if sac is not None and oren is not None:
        mech["agreement"] = mechanism.agreement(
            reports[sac.label], reports[oren.label], chosen[sac.label], chosen[oren.label], puzzles.label.numpy()
        )

    ood = None
    if ext_puzzles is not None:
        ood = external_numbers(external, ext_puzzles, runs, models, pixel, seed, log)

    numbers = {
        "settings": {
            "data": str(data),
            "split": split,
            "limit": limit,
            "puzzles": len(puzzles),
            "seed": seed,
            "external": external,
            "threads": torch.get_num_threads(),
        },
        "reference": {**HUMAN, "source": HUMAN_SOURCE},
        "energy_constants": energy.energy_constants(),
        "roles": {role: (r.label if r else None) for role, r in roles.items()},
        "runs": entries,
        "pixel_stats": {"eval": summarise_eval(pixel_report), "parameters": parameter_counts(pixel)},
        "mechanism": mech,
        "external": ood,
    }
    return Gathered(clean(numbers), runs, models, puzzles, chosen)


def score(model: nn.Module, puzzles: Puzzles, seed: int) -> tuple[dict, np.ndarray]:
    """`evaluate`'s report (accuracy and inference throughput) and the chosen slot of every puzzle."""
    pred = predict(model, puzzles, seed=seed)
    report = accuracy_report(pred.chosen, puzzles.label.numpy(), puzzles.riddle.numpy())
    report.update(
        {"seconds": pred.seconds, "throughput_puzzles_per_s": pred.throughput, "threads": torch.get_num_threads()}
    )
    return report, pred.chosen


def external_numbers(
    path: str,
    puzzles: Puzzles,
    runs: list[Run],
    models: dict[str, nn.Module],
    pixel: nn.Module,
    seed: int,
    log: Callable[[str], None],
) -> dict:
    """Accuracy of every model on an .npz archive of puzzles from elsewhere."""
    log(f"  out of distribution: {len(puzzles):,} puzzles of {path}")
    out = {"path": str(path), "puzzles": len(puzzles), "models": {}}
    for run in runs:
        out["models"][run.label] = summarise_eval(evaluate(models[run.label], puzzles, seed=seed))
    out["models"]["pixel-stats"] = summarise_eval(evaluate(pixel, puzzles, seed=seed))
    return out
