"""`oddity-dataset merge`: shards generated in separate directories join into a dataset whose every
file is byte-identical to a single-process run; bad shard sets are refused before anything is written."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from oddity_dataset.cli import main

PLAN_ARGS = ["--train", "50", "--val", "20", "--test", "20", "--riddles", "0,1,5", "--size", "32", "--chunk-size", "10"]


def generate(out: Path, *extra: str, seed: str = "4") -> None:
    assert main(["generate", str(out), *PLAN_ARGS, "--seed", seed, "--quiet", *extra]) == 0


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def shards(tmp_path_factory) -> tuple[Path, list[Path]]:
    """A single-process dataset and the same plan as 3 shards in separate directories."""
    root = tmp_path_factory.mktemp("merge")
    generate(root / "single")
    dirs = [root / f"shard{i}" for i in range(3)]
    for i, d in enumerate(dirs):
        generate(d, "--shard", f"{i}/3")
    return root / "single", dirs


def run_merge(out: Path, *shard_dirs: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "oddity_dataset", "merge", str(out), *map(str, shard_dirs)]
    return subprocess.run(command, capture_output=True, text=True)


def test_merge_is_byte_identical_to_one_process(shards, tmp_path):
    single, dirs = shards
    assert not (dirs[0] / "manifest.json").exists()  # a shard alone is not a dataset
    out = tmp_path / "merged"
    assert main(["merge", str(out), *map(str, reversed(dirs))]) == 0
    merged, expected = tree(out), tree(single)
    assert "manifest.json" in merged and "plan.json" in merged and "train/00004/images.npy" in merged
    assert merged.keys() == expected.keys()
    assert all(merged[k] == expected[k] for k in expected), [k for k in expected if merged[k] != expected[k]]
    assert main(["verify", str(out), "--quiet"]) == 0
    assert not list(tmp_path.glob(".*"))  # no temporary directory left


def check_refused(result: subprocess.CompletedProcess, out: Path, message: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert not out.exists() and not list(out.parent.glob(f".{out.name}*"))


def test_missing_shard_is_refused(shards, tmp_path):
    _, dirs = shards
    check_refused(run_merge(tmp_path / "out", dirs[0], dirs[2]), tmp_path / "out", "a shard is missing")


def test_duplicate_shard_is_refused(shards, tmp_path):
    _, dirs = shards
    copy = tmp_path / "copy1"
    shutil.copytree(dirs[1], copy)
    check_refused(run_merge(tmp_path / "out", *dirs, copy), tmp_path / "out", "chunk also in")
    check_refused(run_merge(tmp_path / "out", *dirs, dirs[1]), tmp_path / "out", "given twice")


def test_shard_of_another_plan_is_refused(shards, tmp_path):
    _, dirs = shards
    other = tmp_path / "other"
    generate(other, "--shard", "2/3", seed="5")
    check_refused(run_merge(tmp_path / "out", dirs[0], dirs[1], other), tmp_path / "out", "another plan")


def test_half_written_chunks_are_refused(shards, tmp_path):
    _, dirs = shards
    broken = tmp_path / "broken"
    shutil.copytree(dirs[2], broken)
    (broken / "train" / ".00002.tmp-123").mkdir()
    check_refused(run_merge(tmp_path / "out", dirs[0], dirs[1], broken), tmp_path / "out", "half-written chunk")
    shutil.rmtree(broken / "train" / ".00002.tmp-123")
    images = broken / "train" / "00002" / "images.npy"
    images.write_bytes(images.read_bytes()[:-7])
    check_refused(run_merge(tmp_path / "out", dirs[0], dirs[1], broken), tmp_path / "out", "checksum mismatch")


def test_existing_output_is_never_replaced(shards, tmp_path):
    single, dirs = shards
    out = tmp_path / "out"
    shutil.copytree(single, out)
    before = tree(out)
    result = run_merge(out, *dirs)
    assert result.returncode == 2 and "already exists" in result.stderr
    assert tree(out) == before
