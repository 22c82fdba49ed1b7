"""Does each network judge a panel by comparing it with the others? Accuracy with the comparison
taken away (`saccade_net.ablation`), and how alike the two networks' successes and errors are."""

from __future__ import annotations

import math

import numpy as np
from torch import nn

from ..ablation import IsolatedFixations, no_initial_saccades, oren_alone
from ..data import Puzzles
from ..evaluate import evaluate

CHANCE = 1 / 6


def lost_margin(intact: float, ablated: float) -> float | None:
    """Share of the intact accuracy's margin above chance that the ablation removes (1: down to
    chance); None when the intact model is not above chance."""
    margin = intact - CHANCE
    return (intact - ablated) / margin if margin > 0 else None


def saccadic_ablations(model: nn.Module, puzzles: Puzzles, intact: float, seed: int = 0) -> dict:
    """Accuracy without the initial saccades and with every evaluation fixation scored in isolation."""
    with no_initial_saccades(model):
        no_initial = evaluate(model, puzzles, seed=seed)["accuracy"]
    isolated = evaluate(IsolatedFixations(model), puzzles, seed=seed)["accuracy"]
    return {
        "intact": intact,
        "no_initial": no_initial,
        "isolated": isolated,
        "no_initial_lost_margin": lost_margin(intact, no_initial),
        "isolated_lost_margin": lost_margin(intact, isolated),
    }


def oren_ablations(model: nn.Module, puzzles: Puzzles, intact: float, seed: int = 0) -> dict:
    """Accuracy with the pairwise relations replaced by each panel alone."""
    with oren_alone(model):
        alone = evaluate(model, puzzles, seed=seed)["accuracy"]
    return {"intact": intact, "alone": alone, "alone_lost_margin": lost_margin(intact, alone)}


def pearson(a: list[float], b: list[float]) -> float | None:
    """Pearson correlation; None with fewer than 3 points or a constant profile."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if len(a) < 3 or a.std() == 0 or b.std() == 0:
        return None
    return float(np.corrcoef(a, b)[0, 1])


def agreement(report_a: dict, report_b: dict, chosen_a: np.ndarray, chosen_b: np.ndarray, label: np.ndarray) -> dict:
    """Per-riddle accuracy correlation and the overlap of errors on the same puzzles: both wrong,
    what independence would give, Cohen's kappa on right/wrong and the share of identical choices."""
    acc_a = {r["id"]: r["accuracy"] for r in report_a["per_riddle"]}
    acc_b = {r["id"]: r["accuracy"] for r in report_b["per_riddle"]}
    ids = sorted(set(acc_a) & set(acc_b))
    wrong_a, wrong_b = chosen_a != label, chosen_b != label
    n = len(label)
    pa, pb = float(wrong_a.mean()), float(wrong_b.mean())
    both = float((wrong_a & wrong_b).mean())
    observed = float((wrong_a == wrong_b).mean())
    expected = pa * pb + (1 - pa) * (1 - pb)
    kappa = (observed - expected) / (1 - expected) if expected < 1 else None
    return {
        "riddles": len(ids),
        "per_riddle_pearson": pearson([acc_a[i] for i in ids], [acc_b[i] for i in ids]),
        "puzzles": n,
        "both_wrong": both,
        "both_wrong_if_independent": pa * pb,
        "error_kappa": None if kappa is None or math.isnan(kappa) else float(kappa),
        "same_choice": float((chosen_a == chosen_b).mean()),
        "same_wrong_choice": float(((chosen_a == chosen_b) & wrong_a).mean()),
    }
