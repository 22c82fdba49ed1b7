"""The whole report: measure, check the claims, draw, write REPORT/report.{md,html,json} and
REPORT/figures/*.png."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from .. import checkpoint
from . import figures, sections
from .claims import evaluate_claims
from .document import to_html, to_markdown
from .gather import gather, say

TITLE = "Visual oddity: saccadic spiking network, OReN and baselines"


def build_report(
    run_dirs: list[str],
    data: str,
    out: str | Path,
    split: str = "test",
    limit: int | None = 2000,
    seed: int = 0,
    external: str | None = None,
    n_examples: int = 4,
    log: Callable[[str], None] = say,
) -> dict[str, Path]:
    """Write the report of `run_dirs` on `data` to `out`; returns the paths written."""
    g = gather(run_dirs, data, split, limit, seed, external, log)
    numbers = g.numbers
    numbers["claims"] = evaluate_claims(numbers)
    out = Path(out)
    fig_dir = out / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    log("  drawing figures ...")
    family_png = figures.family_bars(numbers, fig_dir / "accuracy_per_family.png")
    curves_png = figures.learning_curves(numbers, fig_dir / "learning_curves.png")
    examples_png, scan_pngs = None, []
    if n_examples > 0:
        rows = np.sort(np.random.default_rng(seed).choice(len(g.puzzles), min(n_examples, len(g.puzzles)), False))
        examples_png, choices = figures.example_puzzles(g.models, g.puzzles, rows, fig_dir / "examples.png")
        numbers["examples"] = {"rows": rows.tolist(), "label": g.puzzles.label[rows].tolist(), "chosen": choices}
        sac = numbers["roles"]["saccadic"]
        if sac is not None:
            scan_pngs = figures.scan_paths(g.models[sac], g.puzzles, rows, fig_dir / "scanpaths")
    rel = [p.relative_to(out) for p in (family_png, curves_png)]
    blocks = [
        *sections.introduction(numbers),
        *sections.claims_section(numbers["claims"]),
        *sections.accuracy_section(numbers, rel[0]),
        *sections.held_out_section(numbers),
        *sections.external_section(numbers),
        *sections.curves_section(numbers, rel[1]),
        *sections.cost_section(numbers),
        *sections.mechanism_section(numbers),
        *sections.replay_section(numbers),
        *sections.examples_section(
            examples_png.relative_to(out) if examples_png else None, [p.relative_to(out) for p in scan_pngs]
        ),
    ]
    paths = {"md": out / "report.md", "html": out / "report.html", "json": out / "report.json"}
    paths["md"].write_text(to_markdown(TITLE, blocks))
    paths["html"].write_text(to_html(TITLE, blocks, out))
    checkpoint.write_json(paths["json"], numbers)
    for p in paths.values():
        log(f"wrote {p}")
    return paths
