"""Learning curves from RUN/metrics.jsonl: validation accuracy against training puzzles seen and
against wall-clock time, and the losses; plus the number of puzzles a run needed to reach a given
validation accuracy (the "learns faster" comparison)."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

THRESHOLDS = (0.8, 0.9)


def read_metrics(path: Path) -> list[dict]:
    """The rows of a metrics.jsonl file (an absent file has none)."""
    path = Path(path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def first_reaching(rows: list[dict], threshold: float, key: str = "puzzles_seen") -> float | None:
    """`key` (puzzles seen, wall time...) of the first validation point at or above `threshold`."""
    for row in rows:
        if row.get("val_accuracy") is not None and row["val_accuracy"] >= threshold:
            return row[key]
    return None


def plot_curves(rows: list[dict], out: Path, title: str = "") -> Path:
    """Write the learning-curve PNG: accuracy vs puzzles, accuracy vs minutes, loss vs puzzles."""
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    puzzles = [r["puzzles_seen"] for r in rows]
    minutes = [r["wall_time_s"] / 60 for r in rows]
    accuracy = [100 * r["val_accuracy"] for r in rows]
    for ax, x, xlabel in ((axes[0], puzzles, "training puzzles seen"), (axes[1], minutes, "wall-clock minutes")):
        ax.plot(x, accuracy, marker=".", label="validation")
        for t in THRESHOLDS:
            ax.axhline(100 * t, color="grey", lw=0.8, ls="--")
        ax.axhline(100 / 6, color="red", lw=0.8, ls=":", label="chance")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("validation accuracy (%)")
        ax.set_ylim(0, 100)
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right")
    nan = float("nan")
    train_loss = [nan if r.get("train_loss") is None else r["train_loss"] for r in rows]
    axes[2].plot(puzzles, train_loss, marker=".", label="training (mean since last point)")
    axes[2].plot(puzzles, [r["val_loss"] for r in rows], marker=".", label="validation")
    axes[2].set_xlabel("training puzzles seen")
    axes[2].set_ylabel("cross-entropy")
    axes[2].grid(alpha=0.3)
    axes[2].legend(loc="upper right")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    out = Path(out)
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out
