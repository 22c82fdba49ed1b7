"""Scoring a model on puzzles: predictions in batches, then accuracy overall, per family and per
riddle, the 6×6 confusion of true odd slot against chosen slot, and inference throughput.

Models run in eval mode, without gradients, on their own seeded random streams (`isolated_rng`; the
model's own generators are put back afterwards), so a model that draws random numbers at inference
(e.g. scan paths) scores the same every time and a validation inside training does not shift
training's random streams.

Looking more than once (`looks` > 1, models with scan paths only): the panel scores of several scan
paths over the same puzzle are averaged as log-probabilities. The first look is the one-look score
exactly; look k > 0 draws its paths from its own generator, seeded by (seed, k), over all batches.
The benchmark's measure is one look, as in the paper.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .data import Puzzles, sequential_batches
from .rng import isolated_rng, preserved_generators

N_PANELS = 6


@dataclass
class Predictions:
    """Chosen slot per puzzle, the mean cross-entropy, and the seconds the forward passes took."""

    chosen: np.ndarray  # int64 (N,)
    loss: float
    seconds: float
    looks: int = 1

    @property
    def throughput(self) -> float:
        """Puzzles per second."""
        return len(self.chosen) / self.seconds if self.seconds > 0 else float("inf")


@torch.no_grad()
def predict(
    model: nn.Module,
    puzzles: Puzzles,
    batch_size: int = 256,
    device: str | torch.device = "cpu",
    seed: int = 0,
    looks: int = 1,
) -> Predictions:
    """Run `model` over all puzzles (`looks` scan paths each, see the module doc); restores the model's
    train/eval mode afterwards."""
    check_looks(model, looks)
    was_training = model.training
    model.eval()
    chosen, loss_sum = [], 0.0
    look_rngs = [np.random.default_rng([seed, k]) for k in range(1, looks)]
    start = time.perf_counter()
    try:
        with isolated_rng(seed), preserved_generators(model):
            for idx in sequential_batches(len(puzzles), batch_size):
                x, y = puzzles.batch(idx, device)
                scores = checked_scores(model(x), len(idx))
                if look_rngs:
                    scores = F.log_softmax(scores.float(), 1)
                    for rng in look_rngs:
                        scores = scores + F.log_softmax(checked_scores(model(x, rng=rng), len(idx)).float(), 1)
                    scores = scores / looks
                loss_sum += float(F.cross_entropy(scores.float(), y, reduction="sum"))
                chosen.append(scores.argmax(1).cpu())
    finally:
        model.train(was_training)
    seconds = time.perf_counter() - start
    out = torch.cat(chosen).numpy().astype(np.int64) if chosen else np.zeros(0, np.int64)
    return Predictions(out, loss_sum / max(len(puzzles), 1), seconds, looks)


def check_looks(model: nn.Module, looks: int) -> None:
    """More than one look needs a model that draws scan paths (`sample_paths`, `forward(..., rng=)`)."""
    if looks < 1:
        raise ValueError(f"looks must be >= 1, got {looks}")
    if looks > 1 and not hasattr(model, "sample_paths"):
        raise ValueError(f"{type(model).__name__} has no scan paths to vary: it can only look once")


def checked_scores(scores: torch.Tensor, batch: int) -> torch.Tensor:
    """The model's scores, refused unless they are (batch, 6)."""
    if scores.shape != (batch, N_PANELS):
        raise ValueError(f"model returned scores of shape {tuple(scores.shape)}, expected ({batch}, 6)")
    return scores


def riddle_info(riddle_id: int) -> tuple[str, str]:
    """(name, family) of a riddle from the catalog; placeholders for one not implemented here."""
    from oddity_dataset.catalog import UnknownRiddleError, get_riddle

    try:
        r = get_riddle(int(riddle_id))
    except UnknownRiddleError:
        return f"riddle_{int(riddle_id)}", "unknown"
    return r.name, r.family


def family_order(families: dict[str, list[int]]) -> list[tuple[str, list[int]]]:
    """Families in the order of the catalog (that of riddles.md), unknown ones last."""
    from oddity_dataset.catalog import FAMILIES

    rank = {f: i for i, f in enumerate(FAMILIES)}
    return sorted(families.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))


def accuracy_report(chosen: np.ndarray, label: np.ndarray, riddle: np.ndarray) -> dict:
    """Accuracy overall, per family and per riddle, and the confusion matrix, as a JSON-able dict.

    `confusion[t][c]` counts puzzles whose odd panel is in slot t and whose chosen slot is c."""
    chosen, label, riddle = (np.asarray(a, dtype=np.int64) for a in (chosen, label, riddle))
    if not len(chosen) == len(label) == len(riddle):
        raise ValueError("chosen, label and riddle must have the same length")
    correct = chosen == label
    per_riddle = []
    families: dict[str, list[int]] = {}
    for rid in np.unique(riddle).tolist():
        mask = riddle == rid
        name, family = riddle_info(rid)
        n, c = int(mask.sum()), int(correct[mask].sum())
        per_riddle.append({"id": rid, "name": name, "family": family, "n": n, "correct": c, "accuracy": c / n})
        tally = families.setdefault(family, [0, 0])
        tally[0] += n
        tally[1] += c
    confusion = np.zeros((N_PANELS, N_PANELS), np.int64)
    np.add.at(confusion, (label, chosen), 1)
    n = len(label)
    return {
        "n": n,
        "correct": int(correct.sum()),
        "accuracy": float(correct.mean()) if n else 0.0,
        "per_family": {f: {"n": t[0], "correct": t[1], "accuracy": t[1] / t[0]} for f, t in family_order(families)},
        "per_riddle": per_riddle,
        "confusion": {"rows": "true odd slot", "columns": "chosen slot", "matrix": confusion.tolist()},
        "chosen_slot_counts": np.bincount(chosen, minlength=N_PANELS).tolist(),
    }


def evaluate(
    model: nn.Module,
    puzzles: Puzzles,
    batch_size: int = 256,
    device: str | torch.device = "cpu",
    seed: int = 0,
    looks: int = 1,
) -> dict:
    """`accuracy_report` of the model on the puzzles, plus loss and inference throughput."""
    pred = predict(model, puzzles, batch_size, device, seed, looks)
    report = accuracy_report(pred.chosen, puzzles.label.numpy(), puzzles.riddle.numpy())
    report.update(
        {
            "loss": pred.loss,
            "seconds": pred.seconds,
            "throughput_puzzles_per_s": pred.throughput,
            "batch_size": batch_size,
            "device": str(device),
            "threads": torch.get_num_threads(),
            "seed": seed,
            "looks": looks,
        }
    )
    return report


def format_report(report: dict) -> str:
    """The report as text: overall, per family, per riddle, confusion, throughput."""
    lines = [f"accuracy {report['accuracy']:.2%} ({report['correct']}/{report['n']})", "", "per family:"]
    for family, r in report["per_family"].items():
        lines.append(f"  {family:<16} n={r['n']:<6} {r['accuracy']:7.2%}")
    lines += ["", "per riddle:", f"  {'id':>3}  {'name':<26} {'n':>6} {'accuracy':>9}"]
    for r in report["per_riddle"]:
        lines.append(f"  {r['id']:>3}  {r['name']:<26} {r['n']:>6} {r['accuracy']:>9.2%}")
    lines += [
        "",
        "confusion (rows: true odd slot, columns: chosen slot):",
        "        " + "".join(f"{c:>7}" for c in range(6)),
    ]
    for t, row in enumerate(report["confusion"]["matrix"]):
        lines.append(f"  odd {t} " + "".join(f"{v:>7}" for v in row))
    if "throughput_puzzles_per_s" in report:
        lines += [
            "",
            f"inference: {report['throughput_puzzles_per_s']:.1f} puzzles/s "
            f"({report['n']} puzzles in {report['seconds']:.2f} s, batch {report['batch_size']}, "
            f"{report['threads']} threads, {report['device']}"
            + (f", {report['looks']} looks each)" if report.get("looks", 1) > 1 else ")"),
        ]
    return "\n".join(lines)
