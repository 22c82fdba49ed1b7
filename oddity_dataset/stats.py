"""`oddity-dataset stats`: what a dataset holds, per split, family, riddle and odd slot."""

from __future__ import annotations

import numpy as np

from .catalog import get_riddle
from .storage import Dataset


def dataset_stats(ds: Dataset) -> dict:
    """Counts per split, family and riddle, odd-slot histogram, mean grey levels, bytes on disk."""
    out: dict = {"root": str(ds.root), "panel_size": ds.panel_size, "splits": {}}
    for name in ds.counts:
        sp = ds.split(name)
        slots = np.zeros(6, np.int64)
        per_riddle: dict[int, int] = {}
        mean_grey, n_images = 0.0, 0
        for arrays in sp.iter_chunks(("label", "riddle", "images")):
            slots += np.bincount(np.asarray(arrays["label"]), minlength=6)[:6]
            for r, c in zip(*np.unique(np.asarray(arrays["riddle"]), return_counts=True), strict=False):
                per_riddle[int(r)] = per_riddle.get(int(r), 0) + int(c)
            if n_images == 0 and len(arrays["images"]):  # a sample: the first chunk
                mean_grey, n_images = float(np.asarray(arrays["images"]).mean()), len(arrays["images"])
        families: dict[str, int] = {}
        for r, c in per_riddle.items():
            fam = get_riddle(r).family
            families[fam] = families.get(fam, 0) + c
        out["splits"][name] = {
            "count": len(sp),
            "odd_slot_counts": slots.tolist(),
            "families": families,
            "riddles": {get_riddle(r).name: c for r, c in sorted(per_riddle.items())},
            "mean_grey_first_chunk": round(mean_grey, 2),
        }
    out["bytes_on_disk"] = sum(p.stat().st_size for p in ds.root.rglob("*") if p.is_file())
    return out
