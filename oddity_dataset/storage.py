"""The on-disk format of a dataset, and reading it back.

A dataset is a directory:

    manifest.json                the dataset card, written last: format and generator versions, the
                                 generation arguments, counts per split and riddle, panel size, and
                                 the sha256 of every file
    plan.json                    the generation arguments, written first (lets --resume and
                                 --shard runs check that they continue the same dataset)
    <split>/<chunk>/             one chunk of up to `chunk_size` consecutive puzzles of a split
        images.npy               uint8 (n, 6, H, W)
        label.npy                int64 (n,)   the odd panel, 0–5
        riddle.npy               int64 (n,)   riddle id
        index.npy                int64 (n,)   the puzzle's index within its split
        scenes.jsonl             one JSON scene per puzzle (primitives, features, style)
        chunk.json               the chunk's counts and the sha256 of its files

A chunk directory is written under a temporary name and renamed when complete, so a chunk either
exists whole or not at all; that is what makes interrupted runs resumable. Every array is a plain
.npy read with allow_pickle=False (memory-mapped), every record JSON.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import orjson

from .seeding import SPLITS

FORMAT = "oddity-dataset"
FORMAT_VERSION = 1
ARRAYS = ("images", "label", "riddle", "index")
SCENES = "scenes.jsonl"
CHUNK_CARD = "chunk.json"
MANIFEST = "manifest.json"
PLAN = "plan.json"


class DatasetError(Exception):
    """A dataset that is missing, incomplete, corrupt or foreign; the message names the file."""


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def json_line(obj) -> bytes:
    """One canonical JSON line (sorted keys, no spaces): the same object always gives the same
    bytes. orjson, because encoding scenes with the standard library took ~12 % of generation."""
    return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)


def write_json_atomic(path: Path, obj, indent: int | None = 2) -> None:
    """Write JSON to a temporary name in the same directory, then rename over `path`."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(json.dumps(obj, sort_keys=True, indent=indent) + "\n")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise DatasetError(f"{path}: missing") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path}: corrupt JSON ({exc})") from None


def chunk_name(chunk: int) -> str:
    return f"{chunk:05d}"


def _write_npy(path: Path, array: np.ndarray) -> str:
    """Write a .npy file (format 1.0, as np.save writes it) and return its sha256, hashing the
    bytes on their way out rather than reading the file back."""
    array = np.ascontiguousarray(array)
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, np.lib.format.header_data_from_array_1_0(array))
    data = memoryview(array.reshape(-1)).cast("B") if array.size else b""
    sha = hashlib.sha256(header.getvalue())
    sha.update(data)
    with open(path, "wb") as f:
        f.write(header.getvalue())
        f.write(data)
    return sha.hexdigest()


def _write_bytes(path: Path, data: bytes) -> str:
    """Write bytes to a file; returns their sha256."""
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def write_chunk(root: Path, split: str, chunk: int, arrays: dict[str, np.ndarray], scenes: Sequence[dict]) -> dict:
    """Write one complete chunk atomically (temporary directory, then rename); returns its card."""
    split_dir = root / split
    split_dir.mkdir(parents=True, exist_ok=True)
    final = split_dir / chunk_name(chunk)
    tmp = split_dir / f".{chunk_name(chunk)}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        files = {f"{name}.npy": _write_npy(tmp / f"{name}.npy", arrays[name]) for name in ARRAYS}
        files[SCENES] = _write_bytes(tmp / SCENES, b"".join(json_line(s) for s in scenes))
        riddles, counts = np.unique(arrays["riddle"], return_counts=True)
        card = {
            "split": split,
            "chunk": chunk,
            "start": int(arrays["index"][0]) if len(arrays["index"]) else 0,
            "count": int(len(arrays["label"])),
            "riddle_counts": {str(int(r)): int(c) for r, c in zip(riddles, counts, strict=False)},
            "files": files,
        }
        (tmp / CHUNK_CARD).write_text(json.dumps(card, sort_keys=True, indent=2) + "\n")
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return card


def chunk_card(root: Path, split: str, chunk: int) -> dict | None:
    """The card of a finished chunk, or None if the chunk is absent."""
    path = root / split / chunk_name(chunk) / CHUNK_CARD
    if not path.exists():
        return None
    return read_json(path)


def remove_partial_chunks(root: Path) -> int:
    """Delete temporary chunk directories left by an interrupted run; returns how many."""
    removed = 0
    for tmp in root.glob("*/.*.tmp-*"):
        shutil.rmtree(tmp, ignore_errors=True)
        removed += 1
    return removed


def load_array(path: Path, mmap: bool = True) -> np.ndarray:
    """np.load without pickle, with a one-line error naming a corrupt or truncated file."""
    try:
        return np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
    except FileNotFoundError:
        raise DatasetError(f"{path}: missing") from None
    except (ValueError, OSError, EOFError) as exc:
        raise DatasetError(f"{path}: corrupt or truncated .npy ({exc})") from None


class Split:
    """The puzzles of one split: chunk by chunk (memory-mapped) or all at once."""

    def __init__(self, dataset: Dataset, name: str):
        self.dataset = dataset
        self.name = name
        info = dataset.manifest["splits"][name]
        self.count: int = info["count"]
        self.chunks: list[int] = list(range(info["chunks"]))

    def __len__(self) -> int:
        return self.count

    def chunk_dir(self, chunk: int) -> Path:
        return self.dataset.root / self.name / chunk_name(chunk)

    def iter_chunks(self, fields: Sequence[str] = ARRAYS) -> Iterator[dict[str, np.ndarray]]:
        """Yield {field: memory-mapped array} for each chunk in order."""
        size = self.dataset.panel_size
        for chunk in self.chunks:
            arrays = {f: load_array(self.chunk_dir(chunk) / f"{f}.npy") for f in fields}
            n = None
            for f, a in arrays.items():
                expected_tail = (6, size, size) if f == "images" else ()
                if a.shape[1:] != expected_tail or (n is not None and len(a) != n):
                    raise DatasetError(f"{self.chunk_dir(chunk) / (f + '.npy')}: unexpected shape {a.shape}")
                n = len(a)
            yield arrays

    def arrays(self, fields: Sequence[str] = ARRAYS) -> dict[str, np.ndarray]:
        """All chunks of the split concatenated in memory."""
        parts: dict[str, list[np.ndarray]] = {f: [] for f in fields}
        for arrays in self.iter_chunks(fields):
            for f in fields:
                parts[f].append(np.asarray(arrays[f]))
        out = {}
        for f in fields:
            if parts[f]:
                out[f] = np.concatenate(parts[f])
            else:
                tail = (0, 6, self.dataset.panel_size, self.dataset.panel_size) if f == "images" else (0,)
                out[f] = np.zeros(tail, np.uint8 if f == "images" else np.int64)
        return out

    def scenes(self) -> Iterator[dict]:
        """The stored scene of every puzzle, in order."""
        for chunk in self.chunks:
            path = self.chunk_dir(chunk) / SCENES
            if not path.exists():
                raise DatasetError(f"{path}: missing")
            with open(path, "rb") as f:
                for line_no, line in enumerate(f, 1):
                    try:
                        scene = orjson.loads(line)
                    except orjson.JSONDecodeError as exc:
                        raise DatasetError(f"{path}: corrupt JSON on line {line_no} ({exc})") from None
                    yield scene


class Dataset:
    """A stored dataset, opened from its manifest; arrays are read lazily by split."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        if not self.root.is_dir():
            raise DatasetError(f"{self.root}: no such dataset directory")
        path = self.root / MANIFEST
        if not path.exists():
            hint = " (an unfinished generation: run generate --resume)" if (self.root / PLAN).exists() else ""
            raise DatasetError(f"{path}: missing; not a finished oddity dataset{hint}")
        self.manifest = read_json(path)
        if not isinstance(self.manifest, dict) or self.manifest.get("format") != FORMAT:
            raise DatasetError(f"{path}: not an oddity-dataset manifest")
        if self.manifest.get("format_version") != FORMAT_VERSION:
            found = self.manifest.get("format_version")
            raise DatasetError(f"{path}: format version {found} is not supported (expected {FORMAT_VERSION})")
        self.panel_size: int = self.manifest["panel_size"]
        splits = self.manifest["splits"]
        self.counts: dict[str, int] = {s: splits[s]["count"] for s in SPLITS if s in splits}
        self.riddle_ids: list[int] = self.manifest["arguments"]["riddles"]

    def split(self, name: str) -> Split:
        if name not in self.manifest["splits"]:
            raise DatasetError(f"{self.root}: no split {name!r} (has {', '.join(self.manifest['splits'])})")
        return Split(self, name)

    def files(self) -> dict[str, str]:
        """Relative path → sha256 of every file of the dataset, as recorded in the manifest."""
        return self.manifest["files"]


def open_dataset(root: str | os.PathLike) -> Dataset:
    """Open a stored dataset (raises DatasetError with a one-line message)."""
    return Dataset(root)


def load_npz(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Puzzles from an .npz with `images` (N,6,H,W) uint8, `label` and `riddle_id` (the reference
    format of ../shared/reference), as {"images", "label", "riddle"}."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as z:
            missing = {"images", "label", "riddle_id"} - set(z.files)
            if missing:
                raise DatasetError(f"{path}: not a puzzle archive (missing {', '.join(sorted(missing))})")
            out = {
                "images": z["images"],
                "label": z["label"].astype(np.int64),
                "riddle": z["riddle_id"].astype(np.int64),
            }
    except FileNotFoundError:
        raise DatasetError(f"{path}: missing") from None
    except DatasetError:
        raise
    except Exception as exc:  # zipfile.BadZipFile, ValueError, OSError: all mean unreadable
        raise DatasetError(f"{path}: corrupt or not an .npz ({exc})") from None
    images = out["images"]
    if images.dtype != np.uint8 or images.ndim != 4 or images.shape[1] != 6 or images.shape[2] != images.shape[3]:
        raise DatasetError(f"{path}: images must be uint8 (N, 6, H, H), got {images.dtype} {images.shape}")
    if not (len(out["label"]) == len(out["riddle"]) == len(images)):
        raise DatasetError(f"{path}: images, label and riddle_id have different lengths")
    return out
