"""The `oddity-dataset` command line: list, generate, merge, show, verify, audit, stats, bench."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tqdm import tqdm

from .audit import BOUND, STATISTICS, passes, shortcut_accuracy
from .build import DEFAULT_COUNTS, build_dataset, make_plan, parse_shard
from .catalog import FAMILIES, all_riddles, get_riddle, select_riddles
from .generator import GenerationError, generate_puzzle
from .storage import DatasetError, open_dataset, write_json_atomic


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def count(text: str) -> int:
    """A puzzle count: an integer >= 0."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def cmd_list(args) -> int:
    riddles = all_riddles()
    if args.json:
        print(
            json.dumps(
                [{"id": r.id, "name": r.name, "family": r.family, "concept": r.concept} for r in riddles], indent=2
            )
        )
        return 0
    for fam, title in FAMILIES.items():
        members = [r for r in riddles if r.family == fam]
        if members:
            print(f"{fam} — {title}")
            for r in members:
                print(f"  {r.id:2d}  {r.name:26s} {r.concept}")
    return 0


def cmd_generate(args) -> int:
    riddles = select_riddles(args.riddles)
    counts = {"train": args.train, "val": args.val, "test": args.test}
    plan = make_plan(counts, [r.id for r in riddles], args.seed, args.size, args.chunk_size)
    shard = parse_shard(args.shard) if args.shard else (0, 1)
    result = build_dataset(
        args.out,
        plan,
        workers=args.workers,
        shard=shard,
        resume=args.resume,
        overwrite=args.overwrite,
        progress=not args.quiet,
    )
    if result.skipped:
        print(f"kept {result.skipped} puzzles from finished chunks", file=sys.stderr)
    if result.manifest is None:
        print(
            f"{args.out}: shard {shard[0]}/{shard[1]} done ({result.generated} puzzles); the manifest is written "
            "when the last shard finishes (or run generate --resume once all have)"
        )
    else:
        print(
            f"{args.out}: {sum(counts.values())} puzzles ({', '.join(f'{k} {v}' for k, v in counts.items())}), "
            f"{len(riddles)} riddles, {args.size}×{args.size}"
        )
    return 0


def cmd_merge(args) -> int:
    from .merge import merge_shards

    manifest = merge_shards(args.out, args.shards)
    counts = {s: info["count"] for s, info in manifest["splits"].items()}
    print(
        f"{args.out}: merged {len(args.shards)} shards, {sum(counts.values())} puzzles "
        f"({', '.join(f'{k} {v}' for k, v in counts.items())}), {len(manifest['files'])} files"
    )
    return 0


def _puzzles_for_sheet(args) -> list:
    """(panels, odd, title) for `show`, from a dataset or straight from the generator."""
    out = []
    if args.data:
        ds = open_dataset(args.data)
        sp = ds.split(args.split)
        wanted = set(r.id for r in select_riddles(args.riddles)) if args.riddles else None
        per: dict[int, int] = {}
        for arrays in sp.iter_chunks():
            for j in range(len(arrays["label"])):
                rid = int(arrays["riddle"][j])
                if (wanted is not None and rid not in wanted) or per.get(rid, 0) >= (args.per_riddle or 10**9):
                    continue
                per[rid] = per.get(rid, 0) + 1
                out.append((arrays["images"][j], int(arrays["label"][j]), f"{rid} {get_riddle(rid).name}"))
                if not args.per_riddle and len(out) >= args.n:
                    return out
        return out
    for riddle in select_riddles(args.riddles):
        for i in range(args.per_riddle or 1):
            p = generate_puzzle(riddle, args.seed, args.split, i, args.size)
            out.append((p.panels, p.odd, f"{riddle.id} {riddle.name}"))
    return out


def cmd_show(args) -> int:
    from .sheet import contact_sheet

    puzzles = _puzzles_for_sheet(args)
    if not puzzles:
        raise DatasetError("no puzzles match the selection")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    contact_sheet(puzzles, args.columns).save(tmp, format="PNG")
    tmp.replace(out)
    print(f"{out}: {len(puzzles)} puzzles")
    return 0


def cmd_verify(args) -> int:
    from .verify import verify_dataset

    ds = open_dataset(args.data)
    n_chunks = sum(len(ds.split(s).chunks) for s in ds.counts)
    with tqdm(total=n_chunks, unit="chunk", disable=args.quiet, desc="verify") as bar:
        problems = verify_dataset(args.data, args.render, on_chunk=bar.update)
    for p in problems:
        print(p)
    if problems:
        print(f"{args.data}: {len(problems)} problems", file=sys.stderr)
        return 1
    print(f"{args.data}: OK ({sum(ds.counts.values())} puzzles, {len(ds.files())} files)")
    return 0


def cmd_audit(args) -> int:
    riddles = select_riddles(args.riddles)
    rows = {}
    if args.data:
        ds = open_dataset(args.data)
        groups: dict[int, list] = {r.id: [] for r in riddles}
        for arrays in ds.split(args.split).iter_chunks(("images", "label", "riddle")):
            for j in range(len(arrays["label"])):
                rid = int(arrays["riddle"][j])
                if rid in groups and len(groups[rid]) < args.n:
                    groups[rid].append((arrays["images"][j], int(arrays["label"][j])))
        source = {r.id: groups[r.id] for r in riddles if groups[r.id]}
    else:
        source = None
    print(f"{'id':>2} {'riddle':26s} " + " ".join(f"{s:>14s}" for s in STATISTICS) + "  verdict")
    failed = 0
    for riddle in tqdm(riddles, disable=args.quiet or len(riddles) < 3, desc="audit", leave=False):
        if source is None:
            puzzles = (
                (p.panels, p.odd)
                for p in (generate_puzzle(riddle, args.seed, args.split, i, args.size) for i in range(args.n))
            )
        elif riddle.id in source:
            puzzles = source[riddle.id]
        else:
            continue
        acc = shortcut_accuracy(puzzles)
        ok = passes(riddle.name, acc, args.bound)
        failed += not ok
        rows[riddle.name] = {"id": riddle.id, **acc, "pass": ok}
        verdict = "exempt" if riddle.name == "color" else ("ok" if ok else "FAIL")
        tqdm.write(
            f"{riddle.id:2d} {riddle.name:26s} " + " ".join(f"{acc[s]:14.3f}" for s in STATISTICS) + f"  {verdict}"
        )
    print(f"{len(rows) - failed}/{len(rows)} riddles within {args.bound:.0%} (chance 16.7 %)")
    if args.json:
        write_json_atomic(
            Path(args.json), {"bound": args.bound, "puzzles_per_riddle": args.n, "seed": args.seed, "riddles": rows}
        )
    return 1 if failed else 0


def cmd_stats(args) -> int:
    from .stats import dataset_stats

    stats = dataset_stats(open_dataset(args.data))
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    print(f"{stats['root']}: panels {stats['panel_size']}×{stats['panel_size']}, {stats['bytes_on_disk'] / 1e6:.1f} MB")
    for name, s in stats["splits"].items():
        slots, grey = s["odd_slot_counts"], s["mean_grey_first_chunk"]
        print(f"  {name:5s} {s['count']:7d} puzzles  odd slots {slots}  mean grey {grey}")
        print("        " + ", ".join(f"{f} {c}" for f, c in s["families"].items()))
    return 0


def cmd_bench(args) -> int:
    from .bench import run_benchmark

    workers = tuple(int(w) for w in args.workers.split(","))
    riddle_ids = [r.id for r in select_riddles(args.riddles)]
    result = run_benchmark(args.n, workers, riddle_ids, args.size)
    for w, rate in result["puzzles_per_second"].items():
        print(f"{w} worker{'s' if w != '1' else ''}: {rate:7.0f} puzzles/s")
    stages = result["stages_us_per_puzzle"]
    print("per puzzle, one core: " + ", ".join(f"{k.removesuffix('_us')} {v:.0f} µs" for k, v in stages.items()))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        write_json_atomic(Path(args.out), result)
        print(f"wrote {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="oddity-dataset",
        description="Generate, inspect and audit visual-oddity puzzles (six panels, one odd; the 45 riddles of "
        "core geometry). Riddles are selected by id, name or family, comma-separated: e.g. '3,parallel_lines,metric'.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    p = sub.add_parser("list", help="riddles with ids, names, families and concepts")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser(
        "generate",
        help="generate a dataset directory",
        description="Generate a dataset: numpy shards, scene JSON lines and a manifest. "
        "Output bytes depend only on the arguments, never on --workers or --shard.",
    )
    p.add_argument("out", help="output directory")
    p.add_argument(
        "--train", type=count, default=DEFAULT_COUNTS["train"], help="training puzzles (default %(default)s)"
    )
    p.add_argument("--val", type=count, default=DEFAULT_COUNTS["val"], help="validation puzzles (default %(default)s)")
    p.add_argument("--test", type=count, default=DEFAULT_COUNTS["test"], help="test puzzles (default %(default)s)")
    p.add_argument("--riddles", default=None, help="ids, names or families (default: all 45, balanced)")
    p.add_argument("--size", type=int, default=100, help="panel size in pixels (default %(default)s)")
    p.add_argument("--seed", type=count, default=0, help="dataset seed (default %(default)s)")
    p.add_argument("--workers", type=positive, default=1, help="processes (default %(default)s)")
    p.add_argument("--shard", default=None, help="i/n: generate only this machine's share of the chunks")
    p.add_argument("--chunk-size", type=positive, default=1000, help="puzzles per chunk file (default %(default)s)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run, keeping finished chunks")
    p.add_argument("--overwrite", action="store_true", help="replace an existing dataset")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser(
        "merge",
        help="join shards generated in separate directories into one dataset",
        description="Join the directories of `generate DIR_i --shard i/n` runs into the new dataset OUT, "
        "byte-identical to a single-machine run. Everything is checked first (same plan, every chunk exactly "
        "once, every chunk whole); OUT appears only when complete.",
    )
    p.add_argument("out", help="the merged dataset directory (must not exist, or be empty)")
    p.add_argument("shards", nargs="+", metavar="SHARD_DIR", help="shard directories")
    p.set_defaults(func=cmd_merge)

    p = sub.add_parser(
        "show",
        help="PNG contact sheet of puzzles, the odd panel framed in red",
        description="Draw puzzles from a dataset (--data) or straight from the generator.",
    )
    p.add_argument("--data", help="dataset directory (default: generate on the fly)")
    p.add_argument("--split", default="test", help="split (default %(default)s)")
    p.add_argument("--riddles", default=None, help="ids, names or families (default all)")
    p.add_argument("--per-riddle", type=count, default=0, help="puzzles per riddle (generator default 1)")
    p.add_argument(
        "--n", type=positive, default=20, help="puzzles from a dataset without --per-riddle (default %(default)s)"
    )
    p.add_argument("--seed", type=count, default=0, help="generator seed (default %(default)s)")
    p.add_argument("--size", type=int, default=100, help="generator panel size (default %(default)s)")
    p.add_argument("--columns", type=positive, default=5, help="puzzles per row (default %(default)s)")
    p.add_argument("--out", default="contact_sheet.png", help="PNG path (default %(default)s)")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("verify", help="checksums, shapes and every puzzle's predicates from its stored scene")
    p.add_argument("data", help="dataset directory")
    p.add_argument(
        "--render", type=count, default=0, metavar="K", help="also re-render K puzzles per chunk and compare"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser(
        "audit",
        help="can a single pixel statistic pick the odd panel? (per riddle)",
        description=f"For each riddle and statistic, the fraction of puzzles where the panel farthest "
        f"from the median of the six is the odd one. Exit 1 if a riddle exceeds the bound ({BOUND:.0%}); "
        "'color' is exempt (ink is its concept).",
    )
    p.add_argument("--riddles", default=None, help="ids, names or families (default all)")
    p.add_argument("--n", type=positive, default=1000, help="puzzles per riddle (default %(default)s)")
    p.add_argument("--seed", type=count, default=0, help="generator seed (default %(default)s)")
    p.add_argument("--split", default="train", help="split (default %(default)s)")
    p.add_argument("--size", type=int, default=100, help="panel size (default %(default)s)")
    p.add_argument("--data", help="audit a stored dataset instead of fresh puzzles")
    p.add_argument("--bound", type=float, default=BOUND, help="pass bound (default %(default)s)")
    p.add_argument("--json", help="also write the table as JSON here")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("stats", help="counts per split, family, riddle and odd slot")
    p.add_argument("data", help="dataset directory")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("bench", help="generation speed (render + verify + write) on 1 and 2 workers")
    p.add_argument("--n", type=positive, default=4000, help="puzzles per measurement (default %(default)s)")
    p.add_argument("--workers", default="1,2", help="worker counts to time (default %(default)s)")
    p.add_argument("--riddles", default=None, help="ids, names or families (default all)")
    p.add_argument("--size", type=int, default=100, help="panel size (default %(default)s)")
    p.add_argument("--out", default="out/bench-dataset.json", help="JSON path (default %(default)s)")
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (DatasetError, GenerationError, ValueError) as exc:
        print(f"oddity-dataset: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a full disk, a permission problem: finished chunks stay; --resume continues
        where = f": {exc.filename}" if exc.filename else ""
        hint = "; finished chunks are kept (rerun with --resume)" if args.command == "generate" else ""
        print(f"oddity-dataset: error: {exc.strerror or exc}{where}{hint}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("oddity-dataset: interrupted; finished chunks are kept (rerun with --resume)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
