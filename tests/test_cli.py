"""The `saccade-net` command line: train → eval end to end, resume through the CLI, eval of a model
with nothing to learn and of an .npz archive, and every bad input ending with one line and exit 2."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from training_support import OtherNet, make_dataset

from saccade_net import checkpoint, cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    base = tmp_path_factory.mktemp("data")
    return {
        "ds": make_dataset(base / "ds", train=48, val=12, test=24),
        "big": make_dataset(base / "big", train=12, val=6, test=6, size=40),
        "empty": make_dataset(base / "empty", train=12, val=6, test=0),
    }


@pytest.fixture(scope="module")
def trained(data, tmp_path_factory):
    """A finished test-tiny run on the small dataset."""
    run = tmp_path_factory.mktemp("runs") / "tiny"
    torch.set_num_threads(1)
    assert main(train_args(data["ds"], run)) == 0
    return run


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def main(argv):
    return cli.main([str(a) for a in argv])


def train_args(ds, run, *extra):
    return [
        "train",
        "--model",
        "test-tiny",
        "--data",
        ds,
        "--out",
        run,
        "--epochs",
        2,
        "--batch-size",
        16,
        "--threads",
        1,
        "--no-progress",
        "--model-arg",
        "width=3",
        *extra,
    ]


def error_line(capsys, argv) -> str:
    """Run argv, expect exit status 2 and exactly one line on stderr; return that line."""
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err, err
    assert err.startswith("saccade-net: error:"), err
    return err


def test_train_then_eval_writes_the_report(trained, data, capsys):
    config = json.loads((trained / "config.json").read_text())
    assert config["model"] == "test-tiny" and config["model_config"]["width"] == 3
    assert config["model_config"]["panel_size"] == 32 and config["data"]["panel_size"] == 32
    assert config["train"]["epochs"] == 2 and config["train"]["threads"] == 1
    for name in ("model.pt", "train_state.pt", "metrics.jsonl", "curves.png", "summary.json"):
        assert (trained / name).is_file(), name
    capsys.readouterr()
    assert main(["eval", trained, "--data", data["ds"], "--threads", 1]) == 0
    out = capsys.readouterr().out
    report = json.loads((trained / "eval-test.json").read_text())
    assert report["model"] == "test-tiny" and report["n"] == 24
    assert report["source"] == {
        "kind": "dataset",
        "path": str(data["ds"]),
        "split": "test",
        "excluded_riddles": [],
        "limit": None,
    }
    assert {"accuracy", "per_family", "per_riddle", "confusion", "throughput_puzzles_per_s", "parameters"} <= set(
        report
    )
    assert [r["id"] for r in report["per_riddle"]] == [0, 1]
    assert sum(r["n"] for r in report["per_riddle"]) == 24
    assert np.array(report["confusion"]["matrix"]).sum() == 24
    assert f"accuracy {report['accuracy']:.2%}" in out and "puzzles/s" in out and "orientation" in out


def test_eval_of_a_model_without_a_run_and_of_an_archive(data, tmp_path, capsys):
    test = checkpoint_free_split(data["ds"])
    out = tmp_path / "zero.json"
    assert main(["eval", "--model", "test-always-zero", "--data", data["ds"], "--json", out]) == 0
    report = json.loads(out.read_text())
    assert report["accuracy"] == pytest.approx(np.mean(test["label"] == 0))
    assert report["run"] is None and report["parameters"]["total"] == 0

    npz = tmp_path / "puzzles.npz"
    np.savez(npz, images=test["images"], label=test["label"], riddle_id=test["riddle"])
    out2 = tmp_path / "zero-npz.json"
    assert main(["eval", "--model", "test-always-zero", "--npz", npz, "--json", out2]) == 0
    report2 = json.loads(out2.read_text())
    assert report2["accuracy"] == report["accuracy"] and report2["per_riddle"] == report["per_riddle"]
    assert report2["source"]["kind"] == "npz"


def checkpoint_free_split(root):
    from saccade_net.data import load_split

    sp = load_split(root, "test")
    return {"images": sp.images.numpy(), "label": sp.label.numpy(), "riddle": sp.riddle.numpy()}


def test_eval_of_the_pixel_statistics_baseline(data, tmp_path):
    pytest.importorskip("baselines.pixel_stats")
    out = tmp_path / "pix.json"
    assert main(["eval", "--model", "pixel-stats", "--data", data["ds"], "--json", out]) == 0
    report = json.loads(out.read_text())
    assert report["n"] == 24 and report["parameters"]["total"] == 0


def test_resume_through_the_cli_matches_an_uninterrupted_run(data, tmp_path, monkeypatch, capsys):
    straight = tmp_path / "straight"
    assert main(train_args(data["ds"], straight, "--val-every", 20)) == 0

    def interrupted_train(*args, **kwargs):
        def hook(trainer):
            if trainer.progress.step == 4:
                os.kill(os.getpid(), signal.SIGTERM)

        return cli.train(*args, **kwargs, on_step=hook)

    resumed = tmp_path / "resumed"
    monkeypatch.setattr(cli, "train_model", interrupted_train)
    assert main(train_args(data["ds"], resumed, "--val-every", 20)) == 143
    assert "--resume" in capsys.readouterr().err
    monkeypatch.setattr(cli, "train_model", cli.train)
    err = error_line(capsys, ["train", "--out", resumed, "--data", data["ds"], "--resume", "--lr", 0.5])
    assert "--lr" in err
    assert main(["train", "--out", resumed, "--data", data["ds"], "--resume", "--threads", 1]) == 0
    a = checkpoint.load_torch(straight / "model.pt")
    b = checkpoint.load_torch(resumed / "model.pt")
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    assert json.loads((resumed / "summary.json").read_text())["stop_reason"] == "completed"


def test_exclude_riddles_and_limit_are_recorded(data, tmp_path):
    run = tmp_path / "ex"
    assert (
        main(train_args(data["ds"], run, "--exclude-riddles", "orientation", "--limit-train", 10, "--epochs", 1)) == 0
    )
    config = json.loads((run / "config.json").read_text())
    assert config["data"]["excluded_riddles"] == [1] and config["data"]["train_riddles"] == [0]
    assert config["data"]["train_size"] == 10 and config["train"]["limit_train"] == 10


def test_focus_phases_oversampling_and_late_augmentation_are_parsed_and_recorded(data, tmp_path):
    run = tmp_path / "focus"
    args = train_args(
        data["ds"], run, "--focus", "orientation:20", "--focus", "all:10", "--oversample", "1:3", "--epochs", 1,
        "--augment-late", "panels", "--augment-late-from", 25,
    )  # fmt: skip
    assert main(args) == 0
    config = json.loads((run / "config.json").read_text())
    assert config["train"]["focus"] == [{"riddles": [1], "puzzles": 20}, {"riddles": list(range(45)), "puzzles": 10}]
    assert config["train"]["oversample"] == [{"riddles": [1], "weight": 3}]
    assert (config["train"]["augment_late"], config["train"]["augment_late_from"]) == ("panels", 25)
    summary = json.loads((run / "summary.json").read_text())
    assert summary["puzzles_seen"] == 30 + config["data"]["train_size"]


def test_bad_inputs_end_with_one_line_and_status_2(data, trained, tmp_path, capsys):
    ds, big, empty = data["ds"], data["big"], data["empty"]
    assert "unknown model" in error_line(capsys, ["train", "--model", "nope", "--data", ds, "--out", tmp_path / "x"])
    assert "already exists" in error_line(capsys, train_args(ds, trained))
    assert "no run to resume" in error_line(capsys, ["train", "--out", tmp_path / "none", "--data", ds, "--resume"])
    assert "no such dataset" in error_line(capsys, train_args(tmp_path / "missing", tmp_path / "y"))
    assert "no puzzles" in error_line(capsys, ["eval", trained, "--data", empty])
    assert "40×40" in error_line(capsys, ["eval", trained, "--data", big])
    assert "nothing to train" in error_line(
        capsys, ["train", "--model", "test-always-zero", "--data", ds, "--out", tmp_path / "z"]
    )
    assert "must be trained first" in error_line(capsys, ["eval", "--model", "test-tiny", "--data", ds])
    assert "only look once" in error_line(capsys, ["eval", trained, "--data", ds, "--looks", 2])
    assert "unknown riddle" in error_line(capsys, train_args(ds, tmp_path / "w", "--exclude-riddles", "no_such_riddle"))
    assert "saccadic" in error_line(capsys, ["show", trained, "--data", ds])
    assert "RIDDLES:WEIGHT" in error_line(capsys, train_args(ds, tmp_path / "f0", "--oversample", "orientation:x"))
    assert "weight >= 1" in error_line(capsys, train_args(ds, tmp_path / "f4", "--oversample", "orientation:0"))
    assert "RIDDLES:PUZZLES" in error_line(capsys, train_args(ds, tmp_path / "f1", "--focus", "orientation"))
    assert "at least one puzzle" in error_line(capsys, train_args(ds, tmp_path / "f2", "--focus", "orientation:0"))
    assert "no puzzles of riddles [44]" in error_line(capsys, train_args(ds, tmp_path / "f3", "--focus", "44:5"))
    assert "augment_late" in error_line(
        capsys, train_args(ds, tmp_path / "a", "--augment-late", "panels", "--augment-late-from", "-5")
    )
    assert "64×64" in error_line(capsys, train_args(ds, tmp_path / "u", "--model-arg", "panel_size=64"))
    assert "needs a budget" in error_line(capsys, train_args(ds, tmp_path / "t", "--schedule-over", "budget"))
    assert "cannot build" in error_line(capsys, train_args(ds, tmp_path / "v", "--model-arg", "colour=3"))

    stray = tmp_path / "stray"
    stray.mkdir()
    (stray / "notes.txt").write_text("mine")
    assert "refusing" in error_line(capsys, train_args(ds, stray, "--overwrite"))
    assert (stray / "notes.txt").exists()

    images = np.zeros((3, 6, 40, 40), np.uint8)
    npz = tmp_path / "big.npz"
    np.savez(npz, images=images, label=np.zeros(3, np.int64), riddle_id=np.zeros(3, np.int64))
    assert "40×40" in error_line(capsys, ["eval", trained, "--npz", npz])
    (tmp_path / "junk.npz").write_bytes(b"junk")
    assert "corrupt" in error_line(capsys, ["eval", trained, "--npz", tmp_path / "junk.npz"])


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda run: (run / "model.pt").write_bytes(b"\x00" * 10), "corrupt"),
        (lambda run: (run / "model.pt").unlink(), "missing"),
        (lambda run: checkpoint.save_weights(run, OtherNet(panel_size=32)), "do not fit"),
        (
            lambda run: (run / "config.json").write_text(
                (run / "config.json").read_text().replace('"model": "test-tiny"', '"model": "test-other"')
            ),
            "cannot build",
        ),
        (
            lambda run: (run / "config.json").write_text(
                (run / "config.json").read_text().replace('"model": "test-tiny"', '"model": "no-such-model"')
            ),
            "unknown model",
        ),
    ],
    ids=["corrupt", "missing", "weights-of-another-model", "config-of-another-model", "unknown-model"],
)
def test_bad_runs_end_with_one_line_and_status_2(data, trained, tmp_path, capsys, damage, message):
    import shutil

    run = tmp_path / "copy"
    shutil.copytree(trained, run)
    damage(run)
    assert message in error_line(capsys, ["eval", run, "--data", data["ds"]])


def test_overwrite_replaces_a_run(data, trained, tmp_path):
    import shutil

    run = tmp_path / "again"
    shutil.copytree(trained, run)
    (run / "eval-test.json").write_text("{}")
    assert main(train_args(data["ds"], run, "--overwrite", "--epochs", 1)) == 0
    assert not (run / "eval-test.json").exists()
    assert json.loads((run / "config.json").read_text())["train"]["epochs"] == 1


def test_the_module_runs_as_a_program_without_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "saccade_net", "eval", str(tmp_path / "nothing"), "--data", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "no such run directory" in proc.stderr
    assert checkpoint.CONFIG_FILE == "config.json"


@pytest.fixture(scope="module")
def saccadic_run(data, tmp_path_factory):
    """A small saccadic run, one short epoch on the small dataset."""
    run = tmp_path_factory.mktemp("runs") / "sacc"
    small = '{"glimpse_size": 16, "channels": [8], "embed_dim": 16, "hidden": [16]}'
    args = ["train", "--model", "saccadic", "--data", data["ds"], "--out", run, "--epochs", 1, "--limit-train", 16]
    args += ["--batch-size", 16, "--threads", 1, "--no-progress"]
    for key, value in json.loads(small).items():
        args += ["--model-arg", f"{key}={json.dumps(value)}"]
    assert main(args) == 0
    return run


def test_show_draws_pictures_of_a_saccadic_run(data, saccadic_run, tmp_path, capsys):
    pytest.importorskip("saccade_net.show")
    capsys.readouterr()
    assert main(["show", saccadic_run, "--data", data["ds"], "--n", 1, "--out", tmp_path / "pics", "--threads", 1]) == 0
    printed = [Path(line) for line in capsys.readouterr().out.split()]
    assert printed and all(p.is_file() and p.suffix == ".png" for p in printed)


def test_eval_with_several_looks_writes_beside_the_one_look_report(data, saccadic_run, capsys):
    assert main(["eval", saccadic_run, "--data", data["ds"], "--threads", 1]) == 0
    one = json.loads((saccadic_run / "eval-test.json").read_text())
    assert main(["eval", saccadic_run, "--data", data["ds"], "--threads", 1, "--looks", 3]) == 0
    assert "3 looks each" in capsys.readouterr().out
    three = json.loads((saccadic_run / "eval-test-looks3.json").read_text())
    assert one["looks"] == 1 and three["looks"] == 3 and three["n"] == one["n"] == 24
    assert json.loads((saccadic_run / "eval-test.json").read_text()) == one  # not overwritten
    assert "looks must be >= 1" in error_line(capsys, ["eval", saccadic_run, "--data", data["ds"], "--looks", 0])
