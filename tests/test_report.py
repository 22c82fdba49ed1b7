"""`saccade-net report` from two tiny trained runs (a saccadic network and OReN): every claim computed
from the runs, a self-contained HTML page, report.json that round-trips and agrees with report.md,
one-line errors; and the evaluation-time ablations it relies on."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from training_support import make_dataset

from saccade_net import cli
from saccade_net.ablation import IsolatedFixations, oren_alone
from saccade_net.network import SaccadicNet

SACCADIC = {"glimpse_size": 16, "ring_fields": [1.0, 2.6], "channels": [8, 16], "embed_dim": 16, "hidden": [24]}
OREN = {"downsample": 4, "channels": [8], "embed_dim": 16, "g_hidden": 16, "g_layers": 1, "f_hidden": 16}


def main(argv) -> int:
    return cli.main([str(a) for a in argv])


def train(ds, run, model: str, config: dict, *extra) -> None:
    args = [
        "train",
        "--model",
        model,
        "--data",
        ds,
        "--out",
        run,
        "--epochs",
        2,
        "--batch-size",
        24,
        "--val-every",
        48,
        "--threads",
        1,
        "--no-progress",
        *extra,
    ]
    for key, value in config.items():
        args += ["--model-arg", f"{key}={json.dumps(value)}"]
    assert main(args) == 0


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """A 48-pixel dataset of three riddles, two tiny runs (OReN without riddle 2), an .npz archive."""
    base = tmp_path_factory.mktemp("report")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    ds = make_dataset(base / "ds", train=96, val=24, test=36, size=48, riddles=(0, 1, 2))
    train(ds, base / "sac", "saccadic", SACCADIC)
    train(ds, base / "oren", "oren", OREN, "--exclude-riddles", "2")
    from saccade_net.data import load_split

    test = load_split(ds, "test")
    npz = base / "external.npz"
    np.savez(npz, images=test.images.numpy(), label=test.label.numpy(), riddle_id=test.riddle.numpy())
    out = base / "out"
    assert (
        main(
            [
                "report",
                base / "sac",
                base / "oren",
                "--data",
                ds,
                "--out",
                out,
                "--external",
                npz,
                "--limit",
                30,
                "--threads",
                1,
            ]
        )
        == 0
    )
    yield {"base": base, "ds": ds, "out": out, "npz": npz}
    torch.set_num_threads(threads)


def report_json(out) -> dict:
    return json.loads((out / "report.json").read_text())


def claims(out) -> dict[int, dict]:
    return {c["id"]: c for c in report_json(out)["claims"]}


def rebuild(setup, runs, name: str) -> dict[int, dict]:
    out = setup["base"] / name
    assert (
        main(["report", *runs, "--data", setup["ds"], "--out", out, "--limit", 30, "--examples", 0, "--threads", 1])
        == 0
    )
    return claims(out)


def test_report_files_and_sections(setup):
    out = setup["out"]
    for name in (
        "report.md",
        "report.html",
        "report.json",
        "figures/accuracy_per_family.png",
        "figures/learning_curves.png",
        "figures/examples.png",
        "figures/scanpaths/puzzle_000.png",
    ):
        assert (out / name).is_file(), name
    md = (out / "report.md").read_text()
    for heading in (
        "## The paper's claims",
        "## Accuracy",
        "## Held-out riddles",
        "## Out of distribution",
        "## Learning curves",
        "## Parameters, time and energy",
        "## Mechanism",
        "## Example puzzles",
    ):
        assert heading in md
    assert "23.6 pJ" in md and "4.6 pJ" in md and "Davies" in md and "Horowitz" in md
    assert len(claims(out)) == 5


def test_html_is_self_contained(setup):
    html = (setup["out"] / "report.html").read_text()
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", html, re.I)
    assert "@import" not in html
    assert all(u.startswith("data:") for u in re.findall(r"url\(\s*['\"]?([^)'\"]*)", html))
    assert all(s.startswith("data:image/png;base64,") for s in re.findall(r'src="([^"]*)"', html))
    assert len(re.findall(r"<img ", html)) == len(list((setup["out"] / "figures").rglob("*.png")))
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")


def test_json_round_trips_and_matches_markdown(setup):
    out = setup["out"]
    numbers = report_json(out)
    assert json.loads(json.dumps(numbers)) == numbers
    md = (out / "report.md").read_text()
    sac, oren = numbers["runs"]
    assert sac["model"] == "saccadic" and oren["model"] == "oren"
    assert f"| saccadic | {100 * sac['eval']['accuracy']:.1f} % | {sac['eval']['n']} |" in md
    assert f"saccadic {sac['parameters']['total']:,}, OReN {oren['parameters']['total']:,}" in md
    assert f"{numbers['pixel_stats']['eval']['accuracy'] * 100:.1f} %" in md
    assert numbers["settings"]["puzzles"] == sac["eval"]["n"] == 30
    assert oren["held_out"]["riddles"] == [2] and sac["held_out"] is None
    assert set(numbers["external"]["models"]) == {"saccadic", "oren", "pixel-stats"}
    costs = sac["costs"]
    assert costs["synaptic_events"] >= 0 and costs["dense_macs"] > 0 and oren["costs"]["dense_macs"] > 0
    assert numbers["mechanism"]["agreement"]["puzzles"] == 30


def test_verdicts_follow_the_runs(setup):
    base = setup["base"]
    sac, oren = base / "sac-edit", base / "oren-edit"
    for src, dst in ((base / "sac", sac), (base / "oren", oren)):
        shutil.copytree(src, dst, dirs_exist_ok=True)
        for stale in dst.glob("eval-*.json"):
            stale.unlink()
    before = rebuild(setup, [sac, oren], "before")
    assert before[3]["verdict"] == "not measured"  # tiny runs reach neither 80 % nor 90 %

    config = json.loads((oren / "config.json").read_text())
    sac_total = json.loads((sac / "config.json").read_text())["parameters"]["total"]
    for total in (sac_total + 1, sac_total - 1):
        config["parameters"]["total"] = total
        (oren / "config.json").write_text(json.dumps(config))
        after = rebuild(setup, [sac, oren], f"params-{total}")
        assert after[4]["verdict"] == ("holds" if total > sac_total else "does not hold")

    rows = [json.loads(line) for line in (sac / "metrics.jsonl").read_text().splitlines() if line.strip()]
    val = [r for r in rows if r.get("val_accuracy") is not None]
    val[0]["val_accuracy"] = 0.95  # the saccadic run now reaches 80 % and 90 % at its first validation
    (sac / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    after = rebuild(setup, [sac, oren], "faster")
    assert after[3]["verdict"] == "holds"
    assert f"{val[0]['puzzles_seen']:,}" in after[3]["evidence"]


def test_missing_networks_are_not_measured(setup):
    only = rebuild(setup, [setup["base"] / "oren"], "only-oren")
    assert all(c["verdict"] == "not measured" for c in only.values())
    assert "no saccadic run" in only[2]["evidence"]


def test_bad_run_is_one_line_and_exit_2(setup, capsys, tmp_path):
    capsys.readouterr()
    assert main(["report", tmp_path / "nope", "--data", setup["ds"], "--out", tmp_path / "r"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("saccade-net: error:") and "nope" in err
    assert not (tmp_path / "r").exists()


# ---------------------------------------------------------------------------- ablations


def test_isolated_fixations_see_no_other_panel():
    torch.manual_seed(0)
    fovea_only = {**SACCADIC, "ring_fields": [0.9], "bias_init": -0.1, "panel_size": 48}
    model = IsolatedFixations(SaccadicNet(**fovea_only)).eval()
    x = torch.rand(3, 6, 48, 48)
    changed = x.clone()
    changed[:, 1] = torch.rand_like(changed[:, 1])
    with torch.no_grad():
        diff = (model(x) - model(changed)).abs().amax(0)
    assert diff[1] > 0 and torch.all(diff[[0, 2, 3, 4, 5]] == 0)


def test_oren_alone_is_scaled_self_pairs_and_restores():
    from baselines.oren import OReN

    model = OReN(panel_size=48, **OREN).eval()
    objects = torch.rand(2, 6, 16 + 6)
    core = model.core
    with torch.no_grad():
        intact = core(objects)
        pair = torch.cat([objects, objects], -1)  # (o_k, o_k)
        self_pair = core.g_rest(torch.relu(core.g_first(pair)))
        expected = core.f(5 * self_pair).squeeze(-1)
        with oren_alone(model):
            alone = core(objects)
        assert torch.allclose(alone, expected, atol=1e-5)
        assert torch.equal(core(objects), intact) and core.relation and core.alone_scale == 1.0


def test_html_renders_the_reports_inline_marks_and_escapes_the_rest():
    from saccade_net.report.document import Para, to_html

    page = to_html("t", [Para("run `runs/a<b>` is **best** & fine")], Path("."))
    assert "<p>run <code>runs/a&lt;b&gt;</code> is <strong>best</strong> &amp; fine</p>" in page
