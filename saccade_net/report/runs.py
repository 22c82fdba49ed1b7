"""A run directory as the report reads it: config, summary, validation curve and Brian2 replays, and
which part it plays (the saccadic network, OReN, another model)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .. import checkpoint
from ..curves import THRESHOLDS, first_reaching, read_metrics

ROLES = ("saccadic", "oren")  # the two networks the claims compare, by config.json "model"


@dataclass
class Run:
    """What the report needs of one run; `label` names it in tables and figures."""

    path: Path
    config: dict
    summary: dict
    metrics: list[dict]
    replays: list[dict] = field(default_factory=list)
    label: str = ""

    @property
    def model(self) -> str:
        return self.config["model"]

    @property
    def excluded_riddles(self) -> list[int]:
        return [int(r) for r in self.config.get("data", {}).get("excluded_riddles") or []]

    def curve(self) -> dict:
        """The validation points: puzzles seen, wall-clock seconds, accuracy."""
        rows = [r for r in self.metrics if r.get("val_accuracy") is not None]
        return {
            "puzzles_seen": [int(r["puzzles_seen"]) for r in rows],
            "wall_time_s": [float(r["wall_time_s"]) for r in rows],
            "val_accuracy": [float(r["val_accuracy"]) for r in rows],
        }

    def to_reach(self) -> dict:
        """Training puzzles and seconds to the first validation point at 80 % and 90 %: from
        metrics.jsonl when it has validation points, else from summary.json."""
        out = {}
        for t in THRESHOLDS:
            pct = round(100 * t)
            if self.curve()["val_accuracy"]:
                out[f"puzzles_to_{pct}"] = first_reaching(self.metrics, t, "puzzles_seen")
                out[f"seconds_to_{pct}"] = first_reaching(self.metrics, t, "wall_time_s")
            else:
                out[f"puzzles_to_{pct}"] = self.summary.get(f"puzzles_to_{pct}")
                out[f"seconds_to_{pct}"] = self.summary.get(f"seconds_to_{pct}")
        return out


def read_json(path: Path) -> dict:
    """A JSON object from `path`; CheckpointError (one line) if it is corrupt."""
    try:
        obj = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise checkpoint.CheckpointError(f"{path}: corrupt JSON ({exc})") from None
    if not isinstance(obj, dict):
        raise checkpoint.CheckpointError(f"{path}: not a JSON object")
    return obj


def load_run_info(path: str | Path) -> Run:
    """The report's view of a run directory (CheckpointError for one that is not a run)."""
    path = Path(path)
    config = checkpoint.read_config(path)
    summary = read_json(path / "summary.json") if (path / "summary.json").is_file() else {}
    replays = [{"file": p.name, **read_json(p)} for p in sorted(path.glob("simulate-*.json"))]
    return Run(path, config, summary, read_metrics(path / "metrics.jsonl"), replays)


def label_runs(runs: list[Run]) -> None:
    """Give each run a short unique label: its model name, with the directory name when models repeat."""
    counts: dict[str, int] = {}
    for run in runs:
        counts[run.model] = counts.get(run.model, 0) + 1
    for run in runs:
        run.label = run.model if counts[run.model] == 1 else f"{run.model} ({run.path.name})"
    seen: set[str] = set()
    for i, run in enumerate(runs):  # same model and same directory name: number them
        if run.label in seen:
            run.label = f"{run.label} #{i + 1}"
        seen.add(run.label)


def by_role(runs: list[Run]) -> dict[str, Run | None]:
    """The first saccadic and the first OReN run (None where there is none)."""
    return {role: next((r for r in runs if r.model == role), None) for role in ROLES}
