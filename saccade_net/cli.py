"""The `saccade-net` command line: train, eval and show.

    saccade-net train --model saccadic|oren|cnn-mlp --data DIR --out RUN [options]
    saccade-net train --out RUN --data DIR --resume
    saccade-net eval RUN --data DIR [--split test] [--limit N]    or   eval RUN --npz FILE
    saccade-net eval --model pixel-stats --data DIR                (a model with nothing to learn)
    saccade-net show RUN --data DIR [--n 4] [--out DIR]
    saccade-net report RUN [RUN ...] --data DIR --out REPORT [--external FILE.npz] [--limit N]
    saccade-net benchmark --out BENCH [--data DIR] [--budget-minutes 45] [--parallel N] [--quick]

Bad input (a missing or corrupt run or dataset, another panel size, an empty split, an unknown
model) ends with one line on stderr and exit status 2. An interrupted training run saves a
checkpoint and exits with 130 (SIGINT) or 143 (SIGTERM).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import torch

from . import checkpoint, distributed
from .augment import MODES as AUGMENT_MODES
from .benchmark import BenchmarkError, add_benchmark_parser
from .checkpoint import CheckpointError
from .data import DataError, Puzzles, dataset_panel_size, load_archive, load_split
from .evaluate import check_looks, evaluate, format_report
from .models import ModelError, build_model, model_config, model_names, parameter_counts
from .report import ReportError
from .rng import seed_all
from .simulate import add_simulate_parser
from .train import TrainConfig, train

PROG = "saccade-net"


class UsageError(Exception):
    """Arguments that do not fit together or do not fit the run."""


STOP_WORDS = {
    "completed": "finished",
    "budget": "stopped, time budget spent",
    "interrupted": "stopped by SIGINT",
    "terminated": "stopped by SIGTERM",
}

# training arguments a resumed run may change; every other one must match the stored run
RESUME_OVERRIDES = {"budget_minutes", "device", "threads", "progress", "eval_batch_size", "data"}


def parse_value(text: str):
    """A --model-arg value: JSON when it parses (numbers, lists, true/false), else the string."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def parse_model_args(items: list[str] | None) -> dict:
    config = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--model-arg wants KEY=VALUE, got {item!r}")
        config[key.replace("-", "_")] = parse_value(value)
    return config


def parse_riddles(spec: str | None) -> list[int]:
    """Riddle ids from "3,parallel_lines,metric" (ids are taken as they are; names and families
    through the catalog)."""
    if not spec:
        return []
    from oddity_dataset.catalog import UnknownRiddleError, select_riddles

    ids = set()
    names = []
    for token in (t.strip() for t in spec.split(",")):
        if token.isdigit():
            ids.add(int(token))
        elif token:
            names.append(token)
    if names:
        try:
            ids.update(r.id for r in select_riddles(names))
        except UnknownRiddleError as exc:
            raise UsageError(str(exc)) from None
    return sorted(ids)


def parse_riddle_counts(flag: str, specs: list[str], key: str, example: str) -> list[dict]:
    """Entries of --focus / --oversample: "RIDDLES:N" (riddles as ids, names, families or all) →
    [{"riddles": [ids], key: N}], as TrainConfig stores them."""
    entries = []
    for spec in specs:
        riddles, _, count = spec.rpartition(":")
        if not riddles or not count.strip().isdigit():
            raise UsageError(f"{flag} {spec!r}: expected RIDDLES:{key.upper()}, e.g. {example}")
        entries.append({"riddles": parse_riddles(riddles), key: int(count)})
    return entries


def set_threads(threads: int | None) -> None:
    if threads is not None:
        if threads < 1:
            raise UsageError(f"--threads must be >= 1, got {threads}")
        torch.set_num_threads(threads)


def check_device(device: str) -> str:
    if device not in ("cpu", "cuda") and not device.startswith("cuda:"):
        raise UsageError(f"unknown device {device!r}; use cpu or cuda")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise UsageError("--device cuda: no CUDA device is available")
    return device


def check_panel_size(data_size: int, run_size: int | None, data_name: str, run_name: str) -> None:
    """UsageError unless the data's panels have the size the run (or model) was made for."""
    if run_size is not None and data_size != run_size:
        raise UsageError(
            f"{data_name} has {data_size}×{data_size} panels but {run_name} is for {run_size}×{run_size} panels"
        )


# -- train ----------------------------------------------------------------------------------------


def prepare_run_dir(run: Path, resume: bool, overwrite: bool) -> None:
    """Check RUN against --resume/--overwrite before any work is done (nothing is deleted here)."""
    if resume and overwrite:
        raise UsageError("--resume and --overwrite exclude each other")
    if run.exists() and not run.is_dir():
        raise UsageError(f"{run}: exists and is not a directory")
    if resume:
        if not (run / checkpoint.CONFIG_FILE).exists():
            raise UsageError(f"{run}: no run to resume (config.json missing)")
        if not (run / checkpoint.STATE_FILE).exists():
            raise UsageError(f"{run}: no training state to resume from ({checkpoint.STATE_FILE} missing)")
    elif run.is_dir() and any(run.iterdir()):
        if not overwrite:
            raise UsageError(f"{run}: already exists; pass --resume to continue it or --overwrite to replace it")
        if not (run / checkpoint.CONFIG_FILE).exists():
            raise UsageError(f"{run}: is not empty and is not a saccade-net run; refusing to overwrite it")


def train_settings(args: argparse.Namespace, stored: dict | None) -> dict:
    """The training arguments: defaults, then the stored run's (on resume), then the command line's.
    On resume only RESUME_OVERRIDES may differ from what the run started with."""
    given = {
        k: v
        for k, v in vars(args).items()
        if v is not None and k not in ("command", "func", "model", "model_arg", "out", "resume", "overwrite")
    }
    if "exclude_riddles" in given:
        given["exclude_riddles"] = parse_riddles(given["exclude_riddles"])
    if "focus" in given:
        given["focus"] = parse_riddle_counts("--focus", given["focus"], "puzzles", "chiral:64000")
    if "oversample" in given:
        given["oversample"] = parse_riddle_counts("--oversample", given["oversample"], "weight", "chiral:5")
    defaults = {**TrainConfig().to_dict(), "threads": None, "limit_train": 0, "val_limit": 0, "exclude_riddles": []}
    if stored is None:
        return {**defaults, **given}
    settings = {**defaults, **stored}
    for key, value in given.items():
        if key in RESUME_OVERRIDES or value == settings.get(key):
            settings[key] = value
        else:
            flag = "--" + key.replace("_", "-")
            raise UsageError(f"{flag} {value} differs from the run's {settings.get(key)}; it cannot change on --resume")
    return settings


def cmd_train(args: argparse.Namespace) -> int:
    """Train in one process, or in each of the processes torchrun starts (data-parallel; rank 0 writes)."""
    finished = False
    try:
        status = _train(args, distributed.env_world())
        finished = True
        return status
    finally:
        distributed.cleanup(finished)


def _train(args: argparse.Namespace, world: distributed.World) -> int:
    run = Path(args.out)
    prepare_run_dir(run, args.resume, args.overwrite)
    say = print if world.is_main else (lambda *a, **k: None)
    stored = checkpoint.read_config(run) if args.resume else None
    if stored is None and not args.model:
        raise UsageError("--model is required (unless --resume)")
    if stored is not None and args.model and args.model != stored["model"]:
        raise UsageError(f"{run} holds a {stored['model']!r} run; --model {args.model} cannot change on --resume")
    if stored is not None and args.model_arg:
        raise UsageError("--model-arg cannot change on --resume")
    settings = train_settings(args, stored["train"] if stored else None)
    if not settings.get("data"):
        raise UsageError("--data is required")
    set_threads(settings["threads"])
    check_device(settings["device"])
    world, device = distributed.init_from_env(settings["device"])
    distributed.barrier(world)  # every rank has checked RUN before rank 0 creates or replaces it
    try:
        fields = {k: v for k, v in settings.items() if k in TrainConfig.__dataclass_fields__}
        cfg = TrainConfig(**{**fields, "device": device, "progress": settings["progress"] and world.is_main})
    except ValueError as exc:
        raise UsageError(str(exc)) from None

    # everything that can be checked cheaply comes before the (large) training split is read
    name = stored["model"] if stored else args.model
    data = settings["data"]
    panel_size = dataset_panel_size(data)
    if stored:
        check_panel_size(panel_size, stored["data"]["panel_size"], data, str(run))
    seed_all(cfg.seed)
    model = build_model(
        name,
        stored["model_config"] if stored else parse_model_args(args.model_arg),
        panel_size,
        cfg.seed,
        saved=bool(stored),
    )
    if not any(p.requires_grad for p in model.parameters()):
        raise UsageError(f"model {name!r} has nothing to train; evaluate it with `{PROG} eval --model {name}`")
    check_panel_size(panel_size, model_config(model).get("panel_size"), data, f"model {name!r}")

    train_set = load_split(data, "train", settings["limit_train"], settings["exclude_riddles"])
    val_set = load_split(data, "val", settings["val_limit"], settings["exclude_riddles"])
    if stored and stored["data"]["train_size"] != len(train_set):
        raise UsageError(
            f"{data}: the training set has {len(train_set)} puzzles, the run started with "
            f"{stored['data']['train_size']}; cannot resume on other data"
        )
    if not stored and world.is_main:
        if args.overwrite and run.exists():
            shutil.rmtree(run)
        run.mkdir(parents=True, exist_ok=True)
        checkpoint.write_config(run, run_config(name, model, settings, panel_size, train_set, val_set))
    distributed.barrier(world)
    counts = parameter_counts(model)
    ranks = f", {world.size} processes (data-parallel)" if world.distributed else ""
    say(
        f"{'resuming' if stored else 'training'} {name} ({counts.get('total', 0):,} parameters: "
        + ", ".join(f"{k} {v:,}" for k, v in counts.items() if k != "total")
        + f") on {len(train_set):,} puzzles of {panel_size}×{panel_size}, validating on {len(val_set):,}; "
        f"{cfg.epochs} epochs of batch {cfg.batch_size}; {cfg.device}, {torch.get_num_threads()} threads{ranks}",
        flush=True,
    )
    try:
        result = train_model(model, train_set, val_set, run, cfg, resume=bool(stored), world=world)
    except ValueError as exc:  # a batch too small for the processes
        raise UsageError(str(exc)) from None
    if world.is_main:
        print_result(result.stop_reason, result.summary)
        if result.exit_status:
            print(f"checkpoint saved; continue with: {PROG} train --out {run} --data {data} --resume", file=sys.stderr)
        print(f"run: {run}")
    return result.exit_status


def run_config(name: str, model, settings: dict, panel_size: int, train_set: Puzzles, val_set: Puzzles) -> dict:
    """What RUN/config.json records: the model, the training arguments and facts about the data."""
    return {
        "model": name,
        "model_config": model_config(model),
        "parameters": parameter_counts(model),
        "train": settings,
        "data": {
            "path": str(Path(settings["data"]).resolve()),
            "panel_size": panel_size,
            "train_size": len(train_set),
            "val_size": len(val_set),
            "train_riddles": sorted(set(train_set.riddle.tolist())),
            "excluded_riddles": settings["exclude_riddles"],
        },
        "torch_version": torch.__version__,
    }


def print_result(stop_reason: str, s: dict) -> None:
    """Why training stopped, how far it got, its throughput and validation accuracy."""
    print(
        f"{STOP_WORDS[stop_reason]}: {s['steps']} steps, {s['puzzles_seen']:,} puzzles "
        f"({s['epochs_completed']:.2f} epochs) in {s['wall_time_s']:.1f} s "
        f"(training {s['train_time_s']:.1f} s, validation {s['val_time_s']:.1f} s)"
    )
    speed = s["session_train_throughput_puzzles_per_s"]
    if speed:
        print(f"training throughput: {speed:.1f} puzzles/s ({s['threads']} threads, {s['device']})")
    if s["final_val_accuracy"] is not None:
        print(f"validation accuracy: {s['final_val_accuracy']:.2%} (best {s['best_val_accuracy']:.2%})")


train_model = train  # the CLI's training entry point (tests wrap it to interrupt a run)


# -- eval -----------------------------------------------------------------------------------------


def load_eval_data(args: argparse.Namespace) -> tuple[Puzzles, str]:
    """The puzzles to score and a short name for the output file."""
    if bool(args.data) == bool(args.npz):
        raise UsageError("give exactly one of --data DIR or --npz FILE")
    if args.npz:
        return load_archive(args.npz, args.limit), Path(args.npz).stem
    return load_split(args.data, args.split, args.limit), args.split


def cmd_eval(args: argparse.Namespace) -> int:
    set_threads(args.threads)
    device = check_device(args.device)
    if bool(args.run) == bool(args.model):
        raise UsageError("give a RUN directory or --model NAME (for a model with nothing to learn), not both")
    if args.run:
        model, config = checkpoint.load_run(Path(args.run), device)
        name, run_size = config["model"], config["data"]["panel_size"]
        if args.data:  # before reading any arrays
            check_panel_size(dataset_panel_size(args.data), run_size, args.data, args.run)
    else:
        name = args.model
        model = None
    puzzles, tag = load_eval_data(args)
    if args.run:
        check_panel_size(puzzles.panel_size, run_size, args.npz or args.data, args.run)
    else:
        seed_all(args.seed)
        model = build_model(name, {}, puzzles.panel_size).to(device)
        if any(p.requires_grad for p in model.parameters()):
            raise UsageError(f"model {name!r} must be trained first; evaluate its RUN directory instead")
    try:
        check_looks(model, args.looks)
    except ValueError as err:
        raise UsageError(f"--looks: {err}") from None
    report = evaluate(model, puzzles, args.batch_size, device, args.seed, args.looks)
    report = {
        "model": name,
        "run": args.run,
        "source": {**puzzles.source, "limit": args.limit},
        "parameters": parameter_counts(model),
        **report,
    }
    print(f"{name} on {args.npz or f'{args.data} ({args.split})'}:")
    print(format_report(report))
    if args.looks > 1:  # beside, never over, the one-look report
        tag = f"{tag}-looks{args.looks}"
    out = Path(args.json) if args.json else (Path(args.run) / f"eval-{tag}.json" if args.run else None)
    if out is not None:
        checkpoint.write_json(out, report)
        print(f"wrote {out}")
    return 0


# -- show -----------------------------------------------------------------------------------------


def cmd_show(args: argparse.Namespace) -> int:
    set_threads(args.threads)
    device = check_device(args.device)
    if args.n < 1:
        raise UsageError(f"--n must be >= 1, got {args.n}")
    model, config = checkpoint.load_run(Path(args.run), device)
    if config["model"] != "saccadic":
        raise UsageError(
            f"show draws scan paths and spikes of the saccadic network; {args.run} holds a {config['model']!r} model"
        )
    check_panel_size(dataset_panel_size(args.data), config["data"]["panel_size"], args.data, args.run)
    try:
        from .show import render_show
    except ModuleNotFoundError as exc:
        if exc.name == "saccade_net.show":
            raise UsageError("saccade_net.show is not available yet") from None
        raise
    puzzles = load_split(args.data, args.split, args.n)
    out = Path(args.out) if args.out else Path(args.run) / "show"
    out.mkdir(parents=True, exist_ok=True)
    paths = render_show(model, puzzles.images.numpy(), puzzles.label.numpy(), out, seed=args.seed)
    for path in paths:
        print(path)
    return 0


# -- report ---------------------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace) -> int:
    set_threads(args.threads)
    if args.limit is not None and args.limit < 0:
        raise UsageError(f"--limit must be >= 0, got {args.limit}")
    if args.examples < 0:
        raise UsageError(f"--examples must be >= 0, got {args.examples}")
    if args.external and not Path(args.external).is_file():
        raise UsageError(f"--external {args.external}: no such file")
    for run in args.runs:  # every run is checked before anything is measured
        checkpoint.read_config(Path(run))
    from .report.build import build_report

    build_report(
        args.runs, args.data, args.out, args.split, args.limit or None, args.seed, args.external, args.examples
    )
    return 0


# -- bench-train ----------------------------------------------------------------------------------


def parse_configs(spec: str) -> list[tuple[int, int]]:
    """PROCESSESxTHREADS items, e.g. 1x1,1x2,2x1 → [(processes, threads per process), ...]."""
    try:
        configs = [tuple(int(v) for v in item.split("x")) for item in spec.split(",")]
    except ValueError:
        configs = []
    if not configs or any(len(c) != 2 or min(c) < 1 for c in configs):
        raise UsageError(f"--configs wants PROCESSESxTHREADS,... (e.g. 1x1,1x2,2x1), got {spec!r}")
    return configs  # type: ignore[return-value]


def cmd_bench_train(args: argparse.Namespace) -> int:
    from .bench_train import format_table, run_benchmark

    device = check_device(args.device)
    configs = parse_configs(args.configs)
    if device != "cpu" and any(p > 1 for p, _ in configs):
        raise UsageError("the data-parallel rows run on cpu (gloo); on GPUs time `torchrun ... train` instead")
    if args.steps < 1 or args.warmup < 0 or args.batch_size < max(p for p, _ in configs):
        raise UsageError("need --steps >= 1, --warmup >= 0 and a batch of at least one puzzle per process")
    spec = {
        "model": args.model,
        "model_config": parse_model_args(args.model_arg),
        "panel_size": args.size,
        "batch_size": args.batch_size,
        "steps": args.steps,
        "warmup": args.warmup,
        "data": "synthetic uint8 puzzles",
    }
    result = run_benchmark(spec, configs, device)
    print(f"{args.model}, {args.size}×{args.size}, global batch {args.batch_size}, {args.steps} timed steps ({device})")
    print(format_table(result))
    if args.out:
        checkpoint.write_json(Path(args.out), result)
        print(f"wrote {args.out}")
    return 0


# -- parser ---------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Train, evaluate and inspect oddity-puzzle models.")
    sub = parser.add_subparsers(dest="command", required=True)
    d = TrainConfig()

    t = sub.add_parser("train", help="train a model; checkpoints, metrics and curves go to RUN")
    t.add_argument("--model", help=f"model to train: {', '.join(n for n in model_names() if n != 'pixel-stats')}")
    t.add_argument("--data", help="dataset directory (from `oddity-dataset generate`)")
    t.add_argument("--out", required=True, metavar="RUN", help="run directory")
    t.add_argument("--resume", action="store_true", help="continue the interrupted run in RUN")
    t.add_argument("--overwrite", action="store_true", help="replace the run in RUN")
    t.add_argument(
        "--model-arg", action="append", metavar="KEY=VALUE", help="model constructor argument (JSON value), repeatable"
    )
    t.add_argument("--epochs", type=int, help=f"epochs to plan the schedule over (default {d.epochs})")
    t.add_argument("--batch-size", type=int, help=f"default {d.batch_size}")
    t.add_argument("--lr", type=float, help=f"peak learning rate of AdamW (default {d.lr})")
    t.add_argument(
        "--weight-decay", type=float, help=f"AdamW weight decay on weight matrices (default {d.weight_decay})"
    )
    t.add_argument("--warmup", type=float, help=f"fraction of the schedule spent warming up (default {d.warmup})")
    t.add_argument("--min-lr-ratio", type=float, help=f"final learning rate / peak (default {d.min_lr_ratio})")
    t.add_argument("--grad-clip", type=float, help=f"max gradient norm, 0 for none (default {d.grad_clip})")
    t.add_argument(
        "--val-every", type=int, metavar="N", help="also validate every N training puzzles (default: each epoch only)"
    )
    t.add_argument(
        "--val-limit", type=int, metavar="N", help="validate on the first N validation puzzles (default: all)"
    )
    t.add_argument("--limit-train", type=int, metavar="N", help="train on the first N training puzzles (default: all)")
    t.add_argument(
        "--exclude-riddles", metavar="SPEC", help="train without these riddles: ids, names or families, comma-separated"
    )
    t.add_argument(
        "--focus", action="append", metavar="RIDDLES:PUZZLES",
        help="before the epochs, train on these riddles alone (ids, names, families or all) for this many "
        "puzzles; repeat for phases in order, e.g. --focus chiral:64000",
    )  # fmt: skip
    t.add_argument(
        "--oversample", action="append", metavar="RIDDLES:WEIGHT",
        help="in the epochs, draw the puzzles of these riddles WEIGHT times as often (an integer); repeatable, "
        "e.g. --oversample chiral:5",
    )  # fmt: skip
    t.add_argument("--budget-minutes", type=float, help="stop cleanly after this much wall-clock time")
    t.add_argument(
        "--schedule-over",
        choices=["steps", "budget"],
        help="end the cosine with the planned steps (default) or with the budget if it comes first",
    )
    t.add_argument(
        "--augment", choices=AUGMENT_MODES,
        help=f"none; order: shuffle each puzzle's panels; full: also flip/turn all six alike; panels: flip/turn "
        f"each panel on its own (chiral riddles' panels only turned) (default {d.augment})",
    )  # fmt: skip
    t.add_argument(
        "--augment-late", choices=AUGMENT_MODES,
        help="switch to this augmentation after --augment-late-from puzzles (long runs: strong augmentation "
        "slows early learning but keeps the hard riddles' puzzles from being memorised)",
    )  # fmt: skip
    t.add_argument("--augment-late-from", type=int, metavar="PUZZLES", help="when --augment-late starts (default 0)")
    t.add_argument("--seed", type=int, help=f"default {d.seed}")
    t.add_argument("--threads", type=int, help="torch threads (default: torch's choice)")
    t.add_argument("--device", help="cpu (default) or cuda")
    t.add_argument("--eval-batch-size", type=int, help=f"batch size of validation (default {d.eval_batch_size})")
    t.add_argument("--no-progress", dest="progress", action="store_false", default=None, help="no progress bar")
    t.set_defaults(func=cmd_train)

    e = sub.add_parser("eval", help="accuracy overall, per family, per riddle, and the slot confusion")
    e.add_argument("run", nargs="?", metavar="RUN", help="run directory of a trained model")
    e.add_argument("--model", help="evaluate a model with nothing to learn instead of a run (pixel-stats)")
    e.add_argument("--data", help="dataset directory")
    e.add_argument("--split", default="test", choices=["train", "val", "test"], help="default test")
    e.add_argument("--npz", help="a puzzle archive instead of a dataset (e.g. ../shared/reference/*.npz)")
    e.add_argument("--limit", type=int, help="score only N puzzles (a dataset's first N; a fixed sample of an archive)")
    e.add_argument("--json", help="write the report here (default RUN/eval-<split or archive name>.json)")
    e.add_argument("--batch-size", type=int, default=256)
    e.add_argument("--seed", type=int, default=0, help="seed of the model's random draws at inference")
    e.add_argument(
        "--looks",
        type=int,
        default=1,
        help="scan paths per puzzle, their scores averaged (saccadic models; default 1, the benchmark's measure)",
    )
    e.add_argument("--threads", type=int)
    e.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    e.set_defaults(func=cmd_eval)

    s = sub.add_parser("show", help="draw scan paths, glimpses, spike rasters and readouts (saccadic runs)")
    s.add_argument("run", metavar="RUN")
    s.add_argument("--data", required=True, help="dataset directory")
    s.add_argument("--split", default="test", choices=["train", "val", "test"])
    s.add_argument("--n", type=int, default=4, help="puzzles to draw (default 4)")
    s.add_argument("--out", help="output directory (default RUN/show)")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--threads", type=int)
    s.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    s.set_defaults(func=cmd_show)

    r = sub.add_parser("report", help="compare runs: claims, accuracy, curves, costs, mechanism (md, html, json)")
    r.add_argument("runs", nargs="+", metavar="RUN", help="run directories (saccadic, oren, cnn-mlp)")
    r.add_argument("--data", required=True, help="dataset directory")
    r.add_argument("--out", required=True, metavar="REPORT", help="output directory")
    r.add_argument("--external", metavar="FILE.npz", help="also score these puzzles (e.g. ../shared/reference/*.npz)")
    r.add_argument("--split", default="test", choices=["train", "val", "test"])
    r.add_argument("--limit", type=int, default=2000, help="score the first N puzzles (default 2000; 0: all)")
    r.add_argument("--examples", type=int, default=4, help="example puzzles to draw (default 4)")
    r.add_argument("--seed", type=int, default=0, help="seed of inference draws and of the examples")
    r.add_argument("--threads", type=int)
    r.set_defaults(func=cmd_report)

    b = sub.add_parser(
        "bench-train",
        help="training puzzles/s on 1 and 2 threads and on 2 data-parallel processes (JSON)",
        description="Time training steps on synthetic puzzles for each PROCESSESxTHREADS configuration; every "
        "configuration trains on the same global batch.",
    )
    b.add_argument("--model", default="saccadic", help="model (default %(default)s)")
    b.add_argument("--model-arg", action="append", metavar="KEY=VALUE", help="model constructor argument")
    b.add_argument("--size", type=int, default=100, help="panel size (default %(default)s)")
    b.add_argument("--batch-size", type=int, default=32, help="global batch (default %(default)s)")
    b.add_argument("--steps", type=int, default=20, help="timed steps (default %(default)s)")
    b.add_argument("--warmup", type=int, default=3, help="untimed steps first (default %(default)s)")
    b.add_argument("--configs", default="1x1,1x2,2x1", help="PROCESSESxTHREADS, comma-separated (default %(default)s)")
    b.add_argument("--device", default="cpu", help="cpu (default) or cuda (one process only)")
    b.add_argument("--out", default="out/bench-train.json", help="JSON path (default %(default)s)")
    b.set_defaults(func=cmd_bench_train)

    add_simulate_parser(sub)
    add_benchmark_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (UsageError, DataError, ModelError, CheckpointError, ReportError, BenchmarkError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
