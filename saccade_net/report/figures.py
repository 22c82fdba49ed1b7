"""The report's figures as PNG files (matplotlib, Agg backend): accuracy per family, learning curves,
example puzzles with each model's choice, and the saccadic network's scan paths and spikes."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from torch import nn  # noqa: E402

from ..data import Puzzles  # noqa: E402
from ..evaluate import predict, riddle_info  # noqa: E402


def human_lines(ax, reference: dict) -> None:  # noqa: ANN001
    lo, hi = reference["adults"]
    ax.axhspan(100 * lo, 100 * hi, color="tab:green", alpha=0.15, label="adults (83–86 %)")
    ax.axhline(100 * reference["children"], color="tab:green", ls="--", lw=1, label="children (~67 %)")
    ax.axhline(100 * reference["chance"], color="red", ls=":", lw=1, label="chance (16.7 %)")


def family_bars(numbers: dict, path: Path) -> Path:
    """Grouped bars: accuracy per family for every run and the pixel-statistics floor."""
    series = [(r["label"], r["eval"]["per_family"]) for r in numbers["runs"]]
    series.append(("pixel-stats", numbers["pixel_stats"]["eval"]["per_family"]))
    families = list(series[0][1]) if series else []
    fig, ax = plt.subplots(figsize=(max(7, 1.3 * len(families) + 2), 4.2))
    width = 0.8 / len(series)
    x = np.arange(len(families))
    for i, (label, per) in enumerate(series):
        ax.bar(
            x + (i - (len(series) - 1) / 2) * width,
            [100 * per.get(f, {}).get("accuracy", 0) for f in families],
            width,
            label=label,
        )
    human_lines(ax, numbers["reference"])
    ax.set_xticks(x, families, rotation=20)
    ax.set_ylabel(f"{numbers['settings']['split']} accuracy (%)")
    ax.set_ylim(0, 100)
    ax.legend(fontsize=7, ncol=2, loc="upper right")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def learning_curves(numbers: dict, path: Path) -> Path:
    """Validation accuracy against training puzzles seen and against wall-clock minutes, all runs."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2))
    for run in numbers["runs"]:
        c = run["curve"]
        acc = [100 * a for a in c["val_accuracy"]]
        axes[0].plot(c["puzzles_seen"], acc, marker=".", label=run["label"])
        axes[1].plot([t / 60 for t in c["wall_time_s"]], acc, marker=".", label=run["label"])
    for ax, xlabel in zip(axes, ("training puzzles seen", "wall-clock minutes"), strict=True):
        for t in (80, 90):
            ax.axhline(t, color="grey", lw=0.8, ls="--")
        ax.axhline(100 / 6, color="red", lw=0.8, ls=":", label="chance")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("validation accuracy (%)")
        ax.set_ylim(0, 100)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def example_puzzles(models: dict[str, nn.Module], puzzles: Puzzles, rows: np.ndarray, path: Path) -> tuple[Path, dict]:
    """The puzzles at `rows`, one per line, odd panel framed in green, each model's choice written
    under the panel it chose. Returns the figure and the choices {model: [slot per puzzle]}."""
    sub = Puzzles(puzzles.images[rows], puzzles.label[rows], puzzles.riddle[rows])
    choices = {name: predict(m, sub).chosen.tolist() for name, m in models.items()}
    fig, axes = plt.subplots(len(rows), 6, figsize=(10, 2.0 * len(rows) + 0.3), squeeze=False)
    for i in range(len(rows)):
        odd = int(sub.label[i])
        for k in range(6):
            ax = axes[i, k]
            ax.imshow(sub.images[i, k].numpy(), cmap="gray", vmin=0, vmax=255)
            ax.set_xticks([])
            ax.set_yticks([])
            for side in ax.spines.values():
                side.set_color("tab:green" if k == odd else "0.8")
                side.set_linewidth(3 if k == odd else 1)
            picked = [name for name, c in choices.items() if c[i] == k]
            ax.set_xlabel("\n".join(picked), fontsize=7, color="tab:green" if k == odd else "tab:red")
        axes[i, 0].set_ylabel(riddle_info(int(sub.riddle[i]))[0], fontsize=8)
    fig.suptitle("odd panel framed in green; under each panel, the models that chose it", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path, choices


def scan_paths(model: nn.Module, puzzles: Puzzles, rows: np.ndarray, out_dir: Path) -> list[Path]:
    """`saccade-net show`'s figure (scan path, glimpses, spike raster, readout) for each puzzle; the
    scan paths are those the network draws in evaluation (its eval seed)."""
    from ..show import render_show

    return render_show(
        model, puzzles.images[rows].numpy(), puzzles.label[rows].numpy(), out_dir, seed=model.config["eval_seed"]
    )
