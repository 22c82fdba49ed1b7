"""Joining shards generated in separate directories (`generate DIR_i --shard i/n` on n machines
without a shared disk) into one dataset, byte-identical to a single-machine run.

Everything is checked before anything is written: every shard directory was generated from the same
plan (seed, counts, riddles, panel size, chunk size, format and generator versions), together they
hold every chunk of that plan exactly once, and every chunk is whole (its files match the checksums
of its chunk.json; no temporary chunk of an interrupted run is left). The dataset is then copied into
a temporary directory next to OUT, given its plan.json and manifest.json, and renamed to OUT, so OUT
either holds the whole merged dataset or does not exist.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from .build import plan_units, write_manifest
from .storage import (
    CHUNK_CARD,
    MANIFEST,
    PLAN,
    DatasetError,
    chunk_name,
    read_json,
    sha256_file,
    write_json_atomic,
)


def shard_plan(shard_dir: Path) -> dict:
    """The generation plan a shard directory was made with (its plan.json, else its manifest's)."""
    if not shard_dir.is_dir():
        raise DatasetError(f"{shard_dir}: no such shard directory")
    if (shard_dir / PLAN).exists():
        return read_json(shard_dir / PLAN)
    if (shard_dir / MANIFEST).exists():
        return read_json(shard_dir / MANIFEST)
    raise DatasetError(f"{shard_dir}: holds no plan.json; not a directory written by `oddity-dataset generate`")


def check_chunk(chunk_dir: Path) -> None:
    """DatasetError unless the chunk's files all exist and match the checksums of its chunk.json."""
    card = read_json(chunk_dir / CHUNK_CARD)
    for name, digest in card.get("files", {}).items():
        path = chunk_dir / name
        if not path.exists():
            raise DatasetError(f"{path}: missing (a half-written chunk)")
        if sha256_file(path) != digest:
            raise DatasetError(f"{path}: checksum mismatch (a half-written or corrupt chunk)")


def collect_chunks(shard_dirs: Sequence[Path], plan: dict) -> dict[tuple[str, int], Path]:
    """(split, chunk) → the shard's chunk directory, for every chunk of the plan; DatasetError for a
    chunk held twice, a chunk that is missing, a temporary chunk or a chunk the plan does not have."""
    expected = {(u.split, chunk_name(u.chunk)): u.chunk for u in plan_units(plan)}
    found: dict[tuple[str, int], Path] = {}
    for shard in shard_dirs:
        partial = sorted(shard.glob("*/.*.tmp-*"))
        if partial:
            raise DatasetError(f"{partial[0]}: a half-written chunk (an interrupted generate; rerun it with --resume)")
        for split in sorted({s for s, _ in expected}):
            if not (shard / split).is_dir():
                continue
            for chunk_dir in sorted(p for p in (shard / split).iterdir() if p.is_dir()):
                key = (split, chunk_dir.name)
                if key not in expected:
                    raise DatasetError(f"{chunk_dir}: a chunk the plan does not have")
                unit = (split, expected[key])
                if unit in found:
                    raise DatasetError(f"{chunk_dir}: chunk also in {found[unit]} (a shard given twice?)")
                if not (chunk_dir / CHUNK_CARD).exists():
                    raise DatasetError(f"{chunk_dir / CHUNK_CARD}: missing (a half-written chunk)")
                found[unit] = chunk_dir
    missing = [f"{s}/{chunk_name(c)}" for s, c in ((u.split, u.chunk) for u in plan_units(plan)) if (s, c) not in found]
    if missing:
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        raise DatasetError(f"missing chunks {', '.join(missing[:3])}{more}: a shard is missing or unfinished")
    return found


def merge_shards(out: str | os.PathLike, shard_dirs: Sequence[str | os.PathLike]) -> dict:
    """Merge shard directories into the new dataset `out`; returns its manifest."""
    out = Path(out)
    shards = [Path(s) for s in shard_dirs]
    if not shards:
        raise DatasetError("no shard directories given")
    if len({s.resolve() for s in shards}) != len(shards):
        raise DatasetError("a shard directory is given twice")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise DatasetError(f"{out}: already exists; merge writes a new dataset and never replaces one")
    if out.resolve() in {s.resolve() for s in shards}:
        raise DatasetError(f"{out}: is one of the shards")
    plans = [shard_plan(s) for s in shards]
    plan = {k: v for k, v in plans[0].items() if k in ("format", "format_version", "generator_version", "arguments")}
    for shard, other in zip(shards[1:], plans[1:], strict=True):
        if {k: other.get(k) for k in plan} != plan:
            raise DatasetError(f"{shard}: was generated from another plan than {shards[0]} ({other.get('arguments')})")
    chunks = collect_chunks(shards, plan)
    for chunk_dir in chunks.values():
        check_chunk(chunk_dir)

    tmp = out.with_name(f".{out.name}.merge-tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir(parents=True)
        write_json_atomic(tmp / PLAN, plan)
        for (split, chunk), src in chunks.items():
            shutil.copytree(src, tmp / split / chunk_name(chunk))
        manifest = write_manifest(tmp, plan)
        if manifest is None:  # cannot happen after collect_chunks; never rename an incomplete dataset
            raise DatasetError(f"{tmp}: incomplete after copying")
        if out.is_dir():
            out.rmdir()  # empty (checked above)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest
