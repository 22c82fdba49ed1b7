"""The `oddity-dataset` command line: each subcommand, and one-line errors with exit status 2."""

import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from oddity_dataset.cli import main


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "oddity_dataset", *args], capture_output=True, text=True)


@pytest.mark.parametrize(
    "args, message",
    [
        (["generate", "OUT", "--riddles", "no_such_riddle"], "unknown riddle 'no_such_riddle'"),
        (["generate", "OUT", "--train", "-5"], "must be >= 0"),
        (["generate", "OUT", "--size", "12"], "too small to draw"),
        (["generate", "OUT", "--shard", "3/2"], "need 0 <= i < n"),
        (["generate", "OUT", "--shard", "half"], "shard must look like i/n"),
        (["generate", "FILE", "--train", "3"], "is a file"),
        (["show", "--riddles", "99"], "no riddle with id 99"),
        (["verify", "MISSING"], "no such dataset"),
    ],
)
def test_bad_input_one_line_exit_2(tmp_path, args, message):
    (tmp_path / "FILE").write_text("x")
    args = [str(tmp_path / a) if a in ("OUT", "FILE", "MISSING") else a for a in args]
    result = run(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert not (tmp_path / "OUT").exists()


def test_generate_verify_show_audit(tmp_path):
    out = tmp_path / "data"
    assert (
        main(
            [
                "generate",
                str(out),
                "--train",
                "60",
                "--val",
                "12",
                "--test",
                "12",
                "--riddles",
                "controls",
                "--size",
                "48",
                "--quiet",
                "--chunk-size",
                "25",
            ]
        )
        == 0
    )
    assert main(["generate", str(out), "--train", "60", "--quiet"]) == 2  # exists: refuses
    assert main(["verify", str(out), "--render", "2", "--quiet"]) == 0
    sheet = tmp_path / "sheet.png"
    assert main(["show", "--data", str(out), "--split", "val", "--n", "4", "--out", str(sheet)]) == 0
    assert Image.open(sheet).size[0] > 4 * 3 * 48
    assert main(
        [
            "audit",
            "--data",
            str(out),
            "--riddles",
            "orientation",
            "--n",
            "60",
            "--json",
            str(tmp_path / "audit.json"),
            "--quiet",
        ]
    ) in (0, 1)
    table = json.loads((tmp_path / "audit.json").read_text())
    assert set(table["riddles"]) == {"orientation"} and table["riddles"]["orientation"]["id"] == 1


def test_stats_json_counts(tmp_path, small_dataset, capsys):
    assert main(["stats", str(small_dataset), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["splits"]["train"]["count"] == 120
    assert sum(stats["splits"]["train"]["odd_slot_counts"]) == 120
    assert stats["splits"]["val"]["riddles"] == {"color": 15, "orientation": 15}


def test_show_from_the_generator_marks_the_odd_panel(tmp_path):
    sheet = tmp_path / "s.png"
    assert main(["show", "--riddles", "orientation", "--per-riddle", "2", "--columns", "2", "--out", str(sheet)]) == 0
    rgb = np.asarray(Image.open(sheet).convert("RGB")).astype(int)
    red = (rgb[..., 0] > 180) & (rgb[..., 1] < 80) & (rgb[..., 2] < 80)
    assert red.sum() > 2 * 4 * 100  # two framed panels


def test_list_names_all_riddles(capsys):
    assert main(["list", "--json"]) == 0
    riddles = json.loads(capsys.readouterr().out)
    assert len(riddles) == 45 and riddles[3]["name"] == "curve_line"


def test_corrupt_dataset_is_reported_by_name(tmp_path, small_dataset):
    import shutil

    bad = tmp_path / "bad"
    shutil.copytree(small_dataset, bad)
    (bad / "train" / "00000" / "label.npy").write_bytes(b"garbage")
    result = run("verify", str(bad), "--quiet")
    assert result.returncode == 1
    assert "train/00000/label.npy: checksum mismatch" in result.stdout
