"""Puzzles as tensors: loading a dataset split or a puzzle archive (.npz), the model input transform,
and the seeded order in which training draws its batches.

A split is held in memory as one uint8 tensor (N, 6, H, W) — 72,000 puzzles of 100×100 are 4.3 GB —
and each batch is converted to float by `to_input` only when it is drawn, so a float copy of the
whole split never exists.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
import torch

from oddity_dataset.storage import DatasetError, load_npz, open_dataset


class DataError(Exception):
    """Puzzles that cannot be used: a missing, corrupt or empty dataset, split or archive."""


@dataclass
class Puzzles:
    """Puzzles in memory: `images` uint8 (N, 6, H, W) with dark ink on light paper, `label` int64 (N,)
    the odd slot 0–5, `riddle` int64 (N,) the riddle id; `source` says where they came from."""

    images: torch.Tensor
    label: torch.Tensor
    riddle: torch.Tensor
    source: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.label)

    @property
    def panel_size(self) -> int:
        return int(self.images.shape[-1])

    def batch(self, idx: torch.Tensor, device: str | torch.device = "cpu") -> tuple[torch.Tensor, torch.Tensor]:
        """Model input (float32, ink high) and odd labels of the puzzles at `idx`, on `device`.
        The uint8 images travel to the device first (4× less to copy), then are converted there."""
        images = self.images[idx].to(device, non_blocking=True)
        return to_input(images), self.label[idx].to(device, non_blocking=True)


def to_input(images: torch.Tensor | np.ndarray) -> torch.Tensor:
    """Stored uint8 panels (dark ink, light paper) → float32 model input in [0, 1] with ink high:
    `x = 1 - images / 255`."""
    x = torch.as_tensor(images)
    if x.dtype != torch.uint8:
        raise ValueError(f"to_input expects uint8 images, got {x.dtype}")
    return 1.0 - x.to(torch.float32) / 255.0


def dataset_panel_size(root: str | os.PathLike) -> int:
    """The panel size of a stored dataset, from its manifest alone (cheap: reads no arrays)."""
    try:
        return int(open_dataset(root).panel_size)
    except DatasetError as exc:
        raise DataError(str(exc)) from None


def load_split(
    root: str | os.PathLike,
    split: str,
    limit: int | None = None,
    exclude_riddles: Iterable[int] = (),
) -> Puzzles:
    """One split of a stored dataset, in memory, without the puzzles of `exclude_riddles` and cut to
    its first `limit` puzzles (a stored split interleaves the riddles, so any prefix is balanced).

    Chunks are read memory-mapped and copied once into a preallocated array, so excluding riddles
    never holds two copies of the split."""
    exclude = np.asarray(sorted(set(int(r) for r in exclude_riddles)), dtype=np.int64)
    try:
        ds = open_dataset(root)
        sp = ds.split(split)
        riddles = [np.asarray(c["riddle"]) for c in sp.iter_chunks(fields=("riddle",))]
        keep = [np.flatnonzero(~np.isin(r, exclude)) for r in riddles]
        total = sum(len(k) for k in keep)
        n = total if limit is None or limit <= 0 else min(limit, total)
        if n == 0:
            why = f" after excluding riddles {exclude.tolist()}" if len(exclude) and len(sp) else ""
            raise DataError(f"{root}: split {split!r} has no puzzles{why}")
        size = ds.panel_size
        images = np.empty((n, 6, size, size), np.uint8)
        label = np.empty(n, np.int64)
        riddle = np.empty(n, np.int64)
        filled = 0
        for rows, chunk in zip(keep, sp.iter_chunks(fields=("images", "label", "riddle")), strict=True):
            rows = rows[: n - filled]
            if len(rows):
                stop = filled + len(rows)
                images[filled:stop] = chunk["images"][rows]
                label[filled:stop] = chunk["label"][rows]
                riddle[filled:stop] = chunk["riddle"][rows]
                filled = stop
            if filled == n:
                break
    except DatasetError as exc:
        raise DataError(str(exc)) from None
    check_labels(label, f"{root}/{split}")
    source = {"kind": "dataset", "path": str(root), "split": split, "excluded_riddles": exclude.tolist()}
    return Puzzles(torch.from_numpy(images), torch.from_numpy(label), torch.from_numpy(riddle), source)


def load_archive(path: str | os.PathLike, limit: int | None = None, seed: int = 0) -> Puzzles:
    """Puzzles from an .npz (keys images, label, riddle_id: the format of ../shared/reference).

    An archive may be sorted by riddle, so `limit` takes a fixed random sample (from `seed`, kept in
    the original order) rather than a prefix."""
    try:
        arrays = load_npz(path)
    except DatasetError as exc:
        raise DataError(str(exc)) from None
    n = len(arrays["label"])
    if n == 0:
        raise DataError(f"{path}: the archive holds no puzzles")
    if limit is not None and 0 < limit < n:
        rows = np.sort(np.random.default_rng(seed).choice(n, size=limit, replace=False))
        arrays = {k: v[rows] for k, v in arrays.items()}
    check_labels(arrays["label"], str(path))
    source = {"kind": "npz", "path": str(path)}
    return Puzzles(
        torch.from_numpy(np.ascontiguousarray(arrays["images"])),
        torch.from_numpy(np.ascontiguousarray(arrays["label"], dtype=np.int64)),
        torch.from_numpy(np.ascontiguousarray(arrays["riddle"], dtype=np.int64)),
        source,
    )


def check_labels(label: np.ndarray, where: str) -> None:
    """Raise DataError unless every odd label is a slot 0–5."""
    if len(label) and (label.min() < 0 or label.max() > 5):
        raise DataError(f"{where}: odd labels must lie in 0–5, found {int(label.min())}–{int(label.max())}")


def derive_seed(seed: int, *keys: int) -> int:
    """A 63-bit seed for one purpose (e.g. the order of one epoch), from the run seed and integer keys."""
    state = np.random.SeedSequence((int(seed), *(int(k) for k in keys))).generate_state(2, np.uint32)
    return int(state[0]) | (int(state[1] & 0x7FFFFFFF) << 32)


EPOCH_ORDER_KEY = 1  # keeps the epoch-order stream apart from other streams derived from the seed


def epoch_order(n: int, seed: int, epoch: int, repeats: torch.Tensor | None = None) -> torch.Tensor:
    """The shuffled order of the n training puzzles in one epoch: a function of (seed, epoch) only,
    so a resumed run draws exactly the batches an uninterrupted one would.

    `repeats` (n ints ≥ 1) oversamples: puzzle i enters the shuffle repeats[i] times and the epoch
    keeps the first n draws (so some puzzles of the others wait for a later epoch). All ones give the
    plain permutation."""
    gen = torch.Generator().manual_seed(derive_seed(seed, EPOCH_ORDER_KEY, epoch))
    if repeats is None:
        return torch.randperm(n, generator=gen)
    pool = torch.repeat_interleave(torch.arange(n), repeats)
    return pool[torch.randperm(len(pool), generator=gen)][:n]


def batches_per_epoch(n: int, batch_size: int) -> int:
    """Batches in one epoch; the last one may be smaller."""
    return -(-n // batch_size)


def sequential_batches(n: int, batch_size: int) -> Iterator[torch.Tensor]:
    """Index tensors 0..n-1 in order, `batch_size` at a time (for evaluation)."""
    for start in range(0, n, batch_size):
        yield torch.arange(start, min(start + batch_size, n))
