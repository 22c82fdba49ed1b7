"""The dataset format: manifest, checksums, byte-identical output across workers and shards,
atomic chunks, resume, and clear errors for corrupt or foreign files."""

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import small_plan

import oddity_dataset.build as build
from oddity_dataset import generate_puzzle, get_riddle, load_npz, open_dataset
from oddity_dataset.build import build_dataset, plan_units
from oddity_dataset.storage import DatasetError
from oddity_dataset.verify import verify_dataset

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "visual_oddity_reference_s2.npz"


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_manifest_describes_the_dataset(small_dataset):
    ds = open_dataset(small_dataset)
    m = ds.manifest
    assert m["format"] == "oddity-dataset" and m["format_version"] == 1 and m["generator_version"]
    assert m["arguments"] == {
        "counts": {"train": 120, "val": 30, "test": 30},
        "riddles": [0, 1],
        "seed": 3,
        "panel_size": 64,
        "chunk_size": 50,
    }
    assert ds.counts == {"train": 120, "val": 30, "test": 30} and ds.panel_size == 64
    assert m["splits"]["train"]["riddle_counts"] == {"0": 60, "1": 60}
    for rel, digest in m["files"].items():
        assert hashlib.sha256((small_dataset / rel).read_bytes()).hexdigest() == digest
    assert len(m["files"]) == 3 * 6 + 2 * 6  # train: 3 chunks, val and test: 1 each; 6 files a chunk


def test_arrays_match_the_generator(small_dataset):
    sp = open_dataset(small_dataset).split("val")
    arrays = sp.arrays()
    assert arrays["images"].shape == (30, 6, 64, 64) and arrays["images"].dtype == np.uint8
    assert arrays["label"].dtype == np.int64 and set(arrays["riddle"]) == {0, 1}
    for i in (0, 7, 29):
        p = generate_puzzle(get_riddle(int(arrays["riddle"][i])), seed=3, split="val", index=i, size=64)
        assert np.array_equal(arrays["images"][i], p.panels) and arrays["label"][i] == p.odd
    chunks = list(open_dataset(small_dataset).split("train").iter_chunks())
    assert [len(c["label"]) for c in chunks] == [50, 50, 20]
    assert isinstance(chunks[0]["images"], np.memmap)  # read lazily
    scenes = list(sp.scenes())
    assert [s["odd"] for s in scenes] == arrays["label"].tolist()


def test_byte_identical_across_workers_and_shards(tmp_path, small_dataset):
    plan = small_plan()
    build_dataset(tmp_path / "two", plan, workers=2)
    for i in range(3):
        build_dataset(tmp_path / "sharded", plan, shard=(i, 3))
    reference = tree_bytes(small_dataset)
    assert tree_bytes(tmp_path / "two") == reference
    assert tree_bytes(tmp_path / "sharded") == reference


def test_manifest_waits_for_the_last_shard(tmp_path):
    result = build_dataset(tmp_path / "d", small_plan(), shard=(0, 2))
    assert result.manifest is None and not (tmp_path / "d" / "manifest.json").exists()
    with pytest.raises(DatasetError, match="unfinished"):
        open_dataset(tmp_path / "d")


def test_interrupted_generation_resumes_to_the_same_bytes(tmp_path, small_dataset, monkeypatch):
    real = build.generate_chunk
    calls = []

    def dies_on_third_chunk(plan, unit):
        calls.append(unit)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(plan, unit)

    monkeypatch.setattr(build, "generate_chunk", dies_on_third_chunk)
    root = tmp_path / "d"
    with pytest.raises(KeyboardInterrupt):
        build_dataset(root, small_plan())
    kept = {p.name for p in (root / "train").iterdir()}
    assert kept == {"00000", "00001"}  # finished chunks kept, nothing half-written
    with pytest.raises(DatasetError, match="--resume"):
        build_dataset(root, small_plan())
    monkeypatch.setattr(build, "generate_chunk", real)
    result = build_dataset(root, small_plan(), resume=True)
    assert result.skipped == 100 and result.generated == 80
    assert tree_bytes(root) == tree_bytes(small_dataset)


def test_a_failed_write_leaves_no_partial_chunk(tmp_path, monkeypatch):
    import oddity_dataset.storage as storage

    real_write = storage._write_npy
    count = []

    def disk_full(path, array):
        count.append(path)
        if len(count) == 6:  # the second chunk's second array
            raise OSError(28, "No space left on device", str(path))
        return real_write(path, array)

    monkeypatch.setattr(storage, "_write_npy", disk_full)
    root = tmp_path / "d"
    with pytest.raises(OSError):
        build_dataset(root, small_plan())
    assert sorted(p.name for p in (root / "train").iterdir()) == ["00000"]
    monkeypatch.setattr(storage, "_write_npy", real_write)
    build_dataset(root, small_plan(), resume=True)
    assert verify_dataset(root) == []


def test_resume_refuses_other_arguments(tmp_path):
    build_dataset(tmp_path / "d", small_plan(), shard=(0, 2))
    with pytest.raises(DatasetError, match="other arguments"):
        build_dataset(tmp_path / "d", small_plan(seed=4), resume=True)


def test_never_overwrites_without_permission(tmp_path, small_dataset):
    copy = tmp_path / "copy"
    shutil.copytree(small_dataset, copy)
    with pytest.raises(DatasetError, match="--overwrite"):
        build_dataset(copy, small_plan())
    build_dataset(copy, small_plan(seed=4), overwrite=True)
    assert open_dataset(copy).manifest["arguments"]["seed"] == 4
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    (stranger / "thesis.tex").write_text("precious")
    with pytest.raises(DatasetError, match="refusing"):
        build_dataset(stranger, small_plan(), overwrite=True)
    assert (stranger / "thesis.tex").read_text() == "precious"


def test_verify_accepts_a_good_dataset_and_names_bad_files(tmp_path, small_dataset):
    assert verify_dataset(small_dataset, render_per_chunk=3) == []
    bad = tmp_path / "bad"
    shutil.copytree(small_dataset, bad)
    images = bad / "train" / "00001" / "images.npy"
    data = bytearray(images.read_bytes())
    data[-1] ^= 0xFF
    images.write_bytes(bytes(data))
    (bad / "val" / "notes.txt").write_text("hello")
    problems = verify_dataset(bad)
    assert any("train/00001/images.npy: checksum mismatch" in p for p in problems)
    assert any("val/notes.txt: foreign file" in p for p in problems)


def test_verify_rechecks_predicates_from_scenes(tmp_path, small_dataset):
    bad = tmp_path / "bad"
    shutil.copytree(small_dataset, bad)
    scenes = bad / "test" / "00000" / "scenes.jsonl"
    lines = scenes.read_text().splitlines()
    scene = json.loads(lines[1])  # riddle 1 (orientation): rotate a normal rectangle's corners
    k = (scene["odd"] + 1) % 6
    scene["panels"][k]["features"]["corners"] = [[0.2, 0.2], [0.8, 0.5], [0.6, 0.9], [0.0, 0.6]]
    lines[1] = json.dumps(scene)
    scenes.write_text("\n".join(lines) + "\n")
    # make the checksums agree so that only the predicate can catch it
    manifest = json.loads((bad / "manifest.json").read_text())
    manifest["files"]["test/00000/scenes.jsonl"] = hashlib.sha256(scenes.read_bytes()).hexdigest()
    (bad / "manifest.json").write_text(json.dumps(manifest))
    problems = verify_dataset(bad)
    assert len(problems) == 1 and f"normal panel {k}" in problems[0] and "puzzle 1 (orientation)" in problems[0]


def test_corrupt_and_foreign_inputs_get_one_line_errors(tmp_path, small_dataset):
    with pytest.raises(DatasetError, match="no such dataset"):
        open_dataset(tmp_path / "nowhere")
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "manifest.json").write_text('{"format": "something-else"}')
    with pytest.raises(DatasetError, match="not an oddity-dataset manifest"):
        open_dataset(foreign)
    (foreign / "manifest.json").write_text("{not json")
    with pytest.raises(DatasetError, match="corrupt JSON"):
        open_dataset(foreign)
    bad = tmp_path / "truncated"
    shutil.copytree(small_dataset, bad)
    label = bad / "val" / "00000" / "label.npy"
    label.write_bytes(label.read_bytes()[:20])
    with pytest.raises(DatasetError, match="val/00000/label.npy: corrupt or truncated"):
        open_dataset(bad).split("val").arrays()
    with pytest.raises(DatasetError, match="no split"):
        open_dataset(small_dataset).split("holdout")
    npz = tmp_path / "other.npz"
    np.savez(npz, x=np.zeros(3))
    with pytest.raises(DatasetError, match="not a puzzle archive"):
        load_npz(npz)
    (tmp_path / "garbage.npz").write_bytes(b"not a zip")
    with pytest.raises(DatasetError, match="corrupt"):
        load_npz(tmp_path / "garbage.npz")


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared reference puzzles not present")
def test_reads_the_reference_puzzles():
    data = load_npz(REFERENCE)
    assert data["images"].shape == (4500, 6, 100, 100) and data["images"].dtype == np.uint8
    assert np.bincount(data["riddle"]).tolist() == [100] * 45 and data["label"].max() == 5


def test_plan_orders_chunks_by_split_and_start():
    units = plan_units(small_plan())
    assert [(u.split, u.chunk, u.start, u.count) for u in units] == [
        ("train", 0, 0, 50),
        ("train", 1, 50, 50),
        ("train", 2, 100, 20),
        ("val", 0, 0, 30),
        ("test", 0, 0, 30),
    ]


@pytest.mark.parametrize("shape, dtype", [((7, 6, 33, 33), np.uint8), ((5,), np.int64), ((0, 6, 8, 8), np.uint8)])
def test_npy_writer_matches_numpy_and_hashes_what_it_writes(tmp_path, shape, dtype):
    from oddity_dataset.storage import _write_npy

    array = np.random.default_rng(0).integers(0, 255, shape).astype(dtype)
    digest = _write_npy(tmp_path / "a.npy", array)
    np.save(tmp_path / "b.npy", array)
    written = (tmp_path / "a.npy").read_bytes()
    assert written == (tmp_path / "b.npy").read_bytes()
    assert digest == hashlib.sha256(written).hexdigest()
