"""`saccade-net simulate`: replay a trained saccadic network's SNU core in Brian2 on real puzzles and
compare it with PyTorch, decision by decision and spike by spike.

For each batch: the trained PyTorch model runs in record mode (eval mode, its own evaluation scan
paths), which yields the SNU-core inputs per step (glimpse embedding + eye position), its spikes and
its panel scores; the same inputs drive the Brian2 network (`brian_replay`) and the float64 numpy
reference (`core_spec.reference_run`); Brian2's readout logits are turned into panel scores with
the network's own rule (mean logit over each panel's evaluation fixation).

Reported: accuracy of PyTorch, Brian2 and the reference; the share of puzzles where Brian2 chooses as
PyTorch does; the share of (puzzle, neuron, step) triples where their spike trains agree (in
continuous mode: "fired at least once within the step"); spikes per puzzle and per neuron-step;
spike-driven synaptic events per puzzle (each spike × its outgoing synapses) and the graded input
synapse operations; puzzles per second of the Brian2 runs (build and compilation reported apart).

    saccade-net simulate RUN --data DIR [--split test] [--limit N] [--mode discrete|continuous]
        [--target numpy|cython|cpp_standalone|cuda_standalone] [--input synapses|current] [--raster PNG]
        [--export-nir FILE] [--export-spec PATH] [--core FILE.nir|SPEC.npz]

`--export-nir` / `--export-spec` also write the run's core (NIR graph / .npz + .json); `--core`
replays another core of the same shape (e.g. one edited or trained elsewhere and imported from NIR)
on the run's encoder inputs. `add_simulate_parser` and `cmd_simulate` plug into the CLI.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from .brian_replay import DRIVES, INPUTS, MODES, STANDALONE, TARGETS, BrianReplay, ReplayConfig
from .core_spec import (
    CoreSpec,
    ReplayError,
    core_spec_from_model,
    load_spec,
    panel_scores,
    reference_run,
    save_spec,
    synaptic_events,
    validate,
)

PROG = "saccade-net"


def _agree(a: np.ndarray, b: np.ndarray) -> tuple[int, int]:
    return int((a == b).sum()), int(a.size)


def simulate(
    model,
    puzzles,
    config: ReplayConfig,
    batch_size: int = 256,
    raster: str | Path | None = None,
    progress: bool = False,
    core: CoreSpec | None = None,
) -> dict:
    """Replay `model`'s SNU core on `puzzles` (a saccade_net.data.Puzzles) and compare; returns the
    report (see the module docstring). `core` replays another core (e.g. imported from NIR) on the
    model's encoder inputs instead; the comparisons are then against the model's own core."""
    import torch

    own = core_spec_from_model(model)
    spec = own if core is None else validate(core)
    if spec.n_input != own.n_input or spec.readout is None or spec.readout.n != 1:
        raise ReplayError(
            f"the core to replay takes {spec.n_input} inputs and has "
            f"{'no readout' if spec.readout is None else f'{spec.readout.n} readout units'}; "
            f"the run's encoder gives {own.n_input} inputs and scores one readout unit"
        )
    if [layer.n for layer in spec.layers] != [layer.n for layer in own.layers]:
        raise ReplayError(f"the core to replay has layers {spec.sizes()}, the run's core {own.sizes()}")
    model.eval()
    n = len(puzzles)
    if n == 0:
        raise ReplayError("no puzzles to simulate")
    size = min(batch_size, n)
    t_max = int(model.timing.max_steps(model.policy.n_fixations))
    n_layers = len(spec.layers)
    tally = {
        k: 0
        for k in (
            "correct_torch",
            "correct_brian",
            "correct_ref",
            "same_decision",
            "ref_same_decision",
            "brian_ref_decision",
            "total",
        )
    }
    spike_match = np.zeros((n_layers, 2), np.int64)  # brian vs torch: (agree, total)
    ref_match = np.zeros((n_layers, 2), np.int64)  # reference vs torch
    brian_ref = np.zeros((n_layers, 2), np.int64)  # brian vs reference
    spikes_brian = np.zeros(n_layers)
    spikes_torch = np.zeros(n_layers)
    neuron_steps = np.zeros(n_layers)
    events_brian = events_torch = 0.0
    logit_err = 0.0
    wall = torch_s = 0.0
    steps_sim = 0
    raster_data = None
    t_start = time.perf_counter()
    replay = BrianReplay(spec, size, t_max, config)
    try:
        for start in range(0, n, size):
            idx = torch.arange(start, min(start + size, n))
            panels, labels = puzzles.batch(idx)
            t0 = time.perf_counter()
            with torch.no_grad():
                rec = model.record(panels)
            torch_s += time.perf_counter() - t0
            x = rec.inputs.double().numpy()
            if x.shape[1] > t_max:
                raise ReplayError(f"scan path of {x.shape[1]} steps exceeds the bound {t_max}")
            mask = rec.eval_mask.numpy()
            y = labels.numpy()
            res = replay.run(x)
            wall += res.wall_s
            steps_sim += len(y) * (t_max if config.target in STANDALONE else x.shape[1])
            ref = reference_run(spec, x)
            d_torch = rec.scores.argmax(1).numpy()
            d_brian = panel_scores(res.logit[..., 0], mask).argmax(1)
            d_ref = panel_scores(ref.logit[..., 0], mask).argmax(1)
            tally["total"] += len(y)
            tally["correct_torch"] += int((d_torch == y).sum())
            tally["correct_brian"] += int((d_brian == y).sum())
            tally["correct_ref"] += int((d_ref == y).sum())
            tally["same_decision"] += int((d_brian == d_torch).sum())
            tally["ref_same_decision"] += int((d_ref == d_torch).sum())
            tally["brian_ref_decision"] += int((d_brian == d_ref).sum())
            torch_spikes = [s.numpy() > 0.5 for s in rec.spikes]
            brian_fired = [o > 0.5 for o in res.outputs]
            for k in range(n_layers):
                spike_match[k] += _agree(brian_fired[k], torch_spikes[k])
                ref_match[k] += _agree(ref.outputs[k] > 0.5, torch_spikes[k])
                brian_ref[k] += _agree(brian_fired[k], ref.outputs[k] > 0.5)
                spikes_brian[k] += float(res.outputs[k].sum())
                spikes_torch[k] += float(torch_spikes[k].sum())
                neuron_steps[k] += torch_spikes[k].size
            events_brian += float(synaptic_events(spec, res.outputs).sum())
            events_torch += float(synaptic_events(spec, [s.astype(np.float64) for s in torch_spikes]).sum())
            if config.mode == "discrete":
                logit_err = max(logit_err, float(np.abs(res.logit[..., 0] - rec.logit.double().numpy()).max()))
            if raster is not None and raster_data is None:
                raster_data = {
                    "brian": res.spike_times,
                    "torch": [s[0] for s in torch_spikes],
                    "logit_brian": res.logit[0, :, 0],
                    "logit_torch": rec.logit[0].double().numpy(),
                    "mask": mask[0],
                    "label": int(y[0]),
                    "d_brian": int(d_brian[0]),
                    "d_torch": int(d_torch[0]),
                }
            if progress:
                print(f"  {tally['total']}/{n} puzzles, {wall:.1f} s in Brian2", file=sys.stderr, flush=True)
        build_s = replay.build_s
        compile_s = replay.compile_s
    finally:
        replay.close()
    total = tally["total"]
    syn = spec.n_synapses()
    report = {
        "mode": config.mode,
        "target": config.target,
        "input": config.input,
        "threads": config.threads,
        "step_ms": config.step_ms,
        "puzzles": total,
        "batch_size": size,
        "steps_simulated_per_puzzle": steps_sim / total,
        "steps_bound": t_max,
        "accuracy": {
            "torch": tally["correct_torch"] / total,
            "brian2": tally["correct_brian"] / total,
            "reference_float64": tally["correct_ref"] / total,
        },
        "decision_agreement": {
            "brian2_vs_torch": tally["same_decision"] / total,
            "reference_vs_torch": tally["ref_same_decision"] / total,
            "brian2_vs_reference": tally["brian_ref_decision"] / total,
        },
        "spike_agreement": {
            "brian2_vs_torch": float(spike_match[:, 0].sum() / spike_match[:, 1].sum()),
            "reference_vs_torch": float(ref_match[:, 0].sum() / ref_match[:, 1].sum()),
            "brian2_vs_reference": float(brian_ref[:, 0].sum() / brian_ref[:, 1].sum()),
            "per_layer_brian2_vs_torch": [float(a / b) for a, b in spike_match],
            "unit": "(puzzle, neuron, step) triples"
            + (" ; continuous: fired within the step" if config.mode == "continuous" else ""),
        },
        "spikes_per_puzzle": {
            "brian2": [float(s / total) for s in spikes_brian],
            "torch": [float(s / total) for s in spikes_torch],
        },
        "spikes_per_neuron_step": {
            "brian2": [float(s / m) for s, m in zip(spikes_brian, neuron_steps, strict=True)],
            "torch": [float(s / m) for s, m in zip(spikes_torch, neuron_steps, strict=True)],
        },
        "synaptic_events_per_puzzle": {
            "brian2": events_brian / total,
            "torch": events_torch / total,
            "unit": "spikes × outgoing synapses (recurrent, next layer, readout)",
        },
        "graded_input_ops_per_puzzle": syn["input"] * steps_sim / total,
        "synapses_per_puzzle": syn,
        "max_abs_logit_diff_vs_torch": logit_err if config.mode == "discrete" else None,
        "timing": {
            "brian2_run_s": wall,
            "puzzles_per_s": total / wall if wall > 0 else float("inf"),
            "build_s": build_s,
            "compile_s": compile_s,
            "torch_record_s": torch_s,
            "wall_s": time.perf_counter() - t_start,
        },
        "continuous": None
        if config.mode == "discrete"
        else {
            "substeps": config.substeps,
            "drive": config.drive,
            "refractory_steps": config.refractory(),
            "rec_delay_steps": config.rec_delay_steps,
            "ff_delay_steps": config.ff_delay_steps,
        },
    }
    if raster is not None and raster_data is not None:
        report["raster"] = str(draw_raster(raster_data, Path(raster), config.mode))
    return report


def draw_raster(data: dict, path: Path, mode: str) -> Path:
    """Spike rasters of each SNU layer (Brian2 dots over PyTorch rings) and the readout logit of one
    puzzle, with the evaluation fixations shaded."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n_layers = len(data["torch"])
    fig, axes = plt.subplots(
        n_layers + 1,
        1,
        figsize=(10, 2.6 * n_layers + 2.2),
        sharex=True,
        gridspec_kw={"height_ratios": [3] * n_layers + [2]},
    )
    colors = plt.cm.tab10(np.arange(6))
    for k in range(n_layers):
        ax = axes[k]
        tt, nt = np.nonzero(data["torch"][k])
        ax.scatter(tt, nt, s=14, facecolors="none", edgecolors="tab:orange", linewidths=0.6, label="PyTorch")
        if data["brian"][k] is not None:  # unit, time in steps (fractional in continuous mode)
            nb, tb = data["brian"][k]
            ax.scatter(tb, nb, s=2, c="k", label=f"Brian2 ({mode})")
        ax.set_ylabel(f"SNU layer {k}\nneuron")
        if k == 0:
            ax.legend(loc="upper right", fontsize=7, markerscale=2)
    ax = axes[-1]
    for p in range(6):
        steps = np.nonzero(data["mask"][p])[0]
        for t in steps:
            ax.axvspan(t - 0.5, t + 0.5, color=colors[p], alpha=0.25, lw=0)
        if len(steps):
            ax.text(steps.mean(), 0.02, str(p), transform=ax.get_xaxis_transform(), ha="center", fontsize=7)
    steps = np.arange(len(data["logit_torch"]))
    ax.plot(steps, data["logit_torch"], color="tab:orange", lw=2, label="PyTorch")
    ax.plot(steps, data["logit_brian"][: len(steps)], "k--", lw=1, label="Brian2")
    ax.set_ylabel("readout logit")
    ax.set_xlabel("SNU step (shaded: evaluation fixation on panel k)")
    ax.legend(loc="upper right", fontsize=7)
    fig.suptitle(f"odd panel {data['label']}; chosen: PyTorch {data['d_torch']}, Brian2 {data['d_brian']}")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def format_report(r: dict) -> str:
    acc, dec, spk, tm = r["accuracy"], r["decision_agreement"], r["spike_agreement"], r["timing"]
    lines = [
        f"{r['puzzles']} puzzles, mode {r['mode']}, target {r['target']}, input {r['input']}, "
        f"batch {r['batch_size']}, {r['steps_simulated_per_puzzle']:.1f} steps of {r['step_ms']} ms per puzzle",
        f"accuracy: PyTorch {acc['torch']:.2%}, Brian2 {acc['brian2']:.2%}, "
        f"float64 reference {acc['reference_float64']:.2%}",
        f"same decision as PyTorch: Brian2 {dec['brian2_vs_torch']:.2%}, reference {dec['reference_vs_torch']:.2%}"
        f" (Brian2 vs reference {dec['brian2_vs_reference']:.2%})",
        f"same spike (neuron, step) as PyTorch: Brian2 {spk['brian2_vs_torch']:.3%}, reference "
        f"{spk['reference_vs_torch']:.3%} (Brian2 vs reference {spk['brian2_vs_reference']:.3%})",
        "spikes per puzzle: Brian2 "
        + ", ".join(f"{s:.0f}" for s in r["spikes_per_puzzle"]["brian2"])
        + "; PyTorch "
        + ", ".join(f"{s:.0f}" for s in r["spikes_per_puzzle"]["torch"]),
        f"synaptic events per puzzle: {r['synaptic_events_per_puzzle']['brian2']:.0f} spike-driven "
        f"(PyTorch {r['synaptic_events_per_puzzle']['torch']:.0f}), "
        f"{r['graded_input_ops_per_puzzle']:.0f} graded input operations",
        f"speed: {tm['puzzles_per_s']:.1f} puzzles/s in Brian2 ({tm['brian2_run_s']:.2f} s; "
        f"build {tm['build_s']:.1f} s, compile {tm['compile_s']:.1f} s; PyTorch record {tm['torch_record_s']:.2f} s)",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------- CLI


def add_simulate_parser(subparsers) -> argparse.ArgumentParser:
    """Register `simulate` on the `saccade-net` subparsers."""
    d = ReplayConfig()
    p = subparsers.add_parser("simulate", help="replay the trained SNU core in Brian2 and compare it with PyTorch")
    p.add_argument("run", metavar="RUN", help="run directory of a trained saccadic model")
    p.add_argument("--data", help="dataset directory")
    p.add_argument("--npz", help="a puzzle archive instead of a dataset")
    p.add_argument("--split", default="test", choices=["train", "val", "test"], help="default test")
    p.add_argument("--limit", type=int, default=200, help="puzzles to simulate (default 200; 0: all)")
    p.add_argument("--mode", default=d.mode, choices=MODES)
    p.add_argument("--target", default=d.target, choices=TARGETS, help="Brian2 code generation (default numpy)")
    p.add_argument(
        "--input",
        default=d.input,
        choices=INPUTS,
        help="synapses: W as Brian2 synapses; current: W·x precomputed into the TimedArray",
    )
    p.add_argument("--batch-size", type=int, default=256, help="puzzles per Brian2 run (default 256)")
    p.add_argument("--step-ms", type=float, default=d.step_ms, help="duration of one SNU step (default 1 ms)")
    p.add_argument("--substeps", type=int, default=10, help="continuous mode: integration steps per SNU step")
    p.add_argument(
        "--drive",
        default=d.drive,
        choices=DRIVES,
        help="continuous mode: input as a constant current over each step (default) or a pulse at its start",
    )
    p.add_argument(
        "--refractory-steps",
        type=float,
        default=d.refractory_steps,
        help="continuous mode (default: 0.5 for the current drive, just under 1 for the pulse drive)",
    )
    p.add_argument(
        "--rec-delay-steps",
        type=float,
        default=d.rec_delay_steps,
        help="continuous mode: recurrent synaptic delay in steps (default 1, as the SNU)",
    )
    p.add_argument("--threads", type=int, default=1, help="torch threads and standalone OpenMP threads (default 1)")
    p.add_argument("--build-dir", help="cpp_standalone project directory (default: a temporary one)")
    p.add_argument("--json", help="write the report here (default RUN/simulate-<mode>-<split>.json)")
    p.add_argument("--raster", help="save a spike raster PNG of the first puzzle here")
    p.add_argument(
        "--core", help="replay this core instead of the run's: a NIR file (.nir) or a core spec (.npz/.json)"
    )
    p.add_argument("--export-nir", metavar="FILE", help="also write the run's SNU core as a NIR graph")
    p.add_argument("--export-spec", metavar="PATH", help="also write the run's SNU core as PATH.npz + PATH.json")
    p.set_defaults(func=cmd_simulate)
    return p


def cmd_simulate(args: argparse.Namespace) -> int:
    """Run `saccade-net simulate`; errors end with one line on stderr and exit status 2."""
    import torch

    from . import checkpoint
    from .checkpoint import CheckpointError
    from .data import DataError, dataset_panel_size, load_archive, load_split

    try:
        if bool(args.data) == bool(args.npz):
            raise ReplayError("give exactly one of --data DIR or --npz FILE")
        if args.batch_size < 1 or args.threads < 1:
            raise ReplayError("--batch-size and --threads must be >= 1")
        torch.set_num_threads(args.threads)
        model, cfg = checkpoint.load_run(Path(args.run))
        if cfg["model"] != "saccadic":
            raise ReplayError(
                f"{args.run} holds a {cfg['model']!r} model, not an SNU network; simulate replays saccadic runs"
            )
        run_size = cfg.get("data", {}).get("panel_size")
        if args.data:
            size = dataset_panel_size(args.data)
            if run_size is not None and size != run_size:
                raise ReplayError(f"{args.data} has {size}×{size} panels but {args.run} is for {run_size}×{run_size}")
            puzzles, tag = load_split(args.data, args.split, args.limit or None), args.split
        else:
            puzzles, tag = load_archive(args.npz, args.limit or None), Path(args.npz).stem
            if run_size is not None and puzzles.panel_size != run_size:
                raise ReplayError(f"{args.npz} has {puzzles.panel_size}-pixel panels but {args.run} is for {run_size}")
        config = ReplayConfig(
            mode=args.mode,
            target=args.target,
            input=args.input,
            step_ms=args.step_ms,
            substeps=args.substeps,
            drive=args.drive,
            refractory_steps=args.refractory_steps,
            rec_delay_steps=args.rec_delay_steps,
            threads=args.threads,
            build_dir=args.build_dir,
        )
        config.check()
        exported = export_core(model, args.export_nir, args.export_spec)
        core = None
        if args.core:
            if Path(args.core).suffix in (".npz", ".json"):
                core = load_spec(args.core)
            else:
                from .nir_interchange import read_nir

                core = read_nir(args.core)
        report = simulate(model, puzzles, config, args.batch_size, raster=args.raster, core=core)
    except (ReplayError, CheckpointError, DataError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    report = {"run": str(args.run), "core": args.core, "source": {**puzzles.source, "limit": args.limit}, **report}
    print(format_report(report))
    out = Path(args.json) if args.json else Path(args.run) / f"simulate-{args.mode}-{tag}.json"
    checkpoint.write_json(out, json.loads(json.dumps(report, default=float)))
    print(f"wrote {out}")
    for path in [*exported, report.get("raster")]:
        if path:
            print(f"wrote {path}")
    return 0


def export_core(model, nir_path: str | None, spec_path: str | None) -> list[str]:
    """Write the model's SNU core as NIR and/or as a core spec; returns the files written."""
    written = []
    if nir_path or spec_path:
        spec = core_spec_from_model(model)
        if nir_path:
            from .nir_interchange import write_nir

            written.append(str(write_nir(spec, nir_path)))
        if spec_path:
            written += [str(p) for p in save_spec(spec, spec_path)]
    return written
