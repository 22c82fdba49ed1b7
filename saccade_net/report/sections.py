"""The report's content — text, tables and figure references — generated from the numbers, so that
every sentence that states a result is computed from the runs."""

from __future__ import annotations

from pathlib import Path

from .claims import TOWARD_CHANCE, count, pct
from .document import Block, Bullets, Figure, Heading, Para, Table


def num(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else f"{x:,.{digits}f}"


def introduction(n: dict) -> list[Block]:
    s = n["settings"]
    limit = f"the first {s['limit']:,} puzzles of" if s["limit"] else "all of"
    runs = [f"{r['label']}: `{r['path']}` (model {r['model']})" for r in n["runs"]] or ["no runs"]
    return [
        Para(
            f"Measured on {s['puzzles']:,} puzzles ({limit} the {s['split']} split of {s['data']}; "
            f"change with --limit), seed {s['seed']}, {s['threads']} CPU threads. Human reference: "
            f"{n['reference']['source']}; chance is 1 in 6."
        ),
        Bullets(runs),
    ]


def claims_section(claims: list[dict]) -> list[Block]:
    rows = [[str(c["id"]), c["claim"], c["evidence"], c["verdict"]] for c in claims]
    return [
        Heading("The paper's claims, checked on these runs"),
        Para(
            "Every verdict is computed from the runs' measurements; a claim whose runs are missing is "
            "'not measured'. 'Partly holds' means above the children's but not the adults' level (claim 1), "
            "faster to one accuracy but not the other (3), or one network's ablation but not the other's (5)."
        ),
        Table(["#", "claim", "evidence", "verdict"], rows),
    ]


def models_of(n: dict) -> list[tuple[str, dict]]:
    """(label, eval summary) of every run, then the pixel-statistics floor."""
    return [(r["label"], r["eval"]) for r in n["runs"]] + [("pixel-stats", n["pixel_stats"]["eval"])]


def per_riddle_table(models: list[tuple[str, dict]]) -> Table:
    ids: dict[int, tuple[str, str]] = {}
    for _, ev in models:
        for r in ev["per_riddle"]:
            ids.setdefault(r["id"], (r["name"], r["family"]))
    lookup = [{r["id"]: r for r in ev["per_riddle"]} for _, ev in models]
    rows = [
        [str(i), name, family, *[pct(m[i]["accuracy"]) if i in m else "–" for m in lookup]]
        for i, (name, family) in sorted(ids.items())
    ]
    return Table(["id", "riddle", "family", *[label for label, _ in models]], rows)


def per_family_table(models: list[tuple[str, dict]]) -> Table:
    families = list(dict.fromkeys(f for _, ev in models for f in ev["per_family"]))
    rows = [[f, *[pct(ev["per_family"].get(f, {}).get("accuracy")) for _, ev in models]] for f in families]
    rows.append(["all", *[pct(ev["accuracy"]) for _, ev in models]])
    return Table(["family", *[label for label, _ in models]], rows)


def accuracy_section(n: dict, family_png: Path) -> list[Block]:
    ref = n["reference"]
    models = models_of(n)
    rows = [
        [
            label,
            pct(ev["accuracy"]),
            f"{ev['n']:,}",
            f"{100 * (ev['accuracy'] - ref['adults'][0]):+.1f} / {100 * (ev['accuracy'] - ref['adults'][1]):+.1f}",
            f"{100 * (ev['accuracy'] - ref['children']):+.1f}",
            f"{100 * (ev['accuracy'] - ref['chance']):+.1f}",
        ]
        for label, ev in models
    ]
    return [
        Heading("Accuracy"),
        Table(["model", "accuracy", "puzzles", "vs adults 83 / 86 % (points)", "vs children 67 %", "vs chance"], rows),
        Figure(family_png, "Accuracy per family; green band: adults, dashed: children, dotted: chance."),
        per_family_table(models),
        Heading("Per riddle", 3),
        per_riddle_table(models),
    ]


def held_out_section(n: dict) -> list[Block]:
    runs = [r for r in n["runs"] if r["held_out"]]
    if not runs:
        return []
    blocks: list[Block] = [Heading("Held-out riddles")]
    for r in runs:
        h = r["held_out"]
        blocks.append(
            Para(
                f"{r['label']} was trained without riddles {', '.join(map(str, h['riddles']))}: "
                f"{pct(h['accuracy'])} on them ({h['n']:,} puzzles) against {pct(h['trained_riddles_accuracy'])} "
                f"on the riddles it trained on."
            )
        )
        blocks.append(
            Table(
                ["id", "riddle", "puzzles", "accuracy"],
                [[str(x["id"]), x["name"], str(x["n"]), pct(x["accuracy"])] for x in h["per_riddle"]],
            )
        )
    return blocks


def external_section(n: dict) -> list[Block]:
    ext = n["external"]
    if not ext:
        return []
    models = list(ext["models"].items())
    return [
        Heading("Out of distribution"),
        Para(f"{ext['puzzles']:,} puzzles from {ext['path']} (another generator), scored as they are."),
        per_family_table(models),
        Heading("Per riddle, out of distribution", 3),
        per_riddle_table(models),
    ]


def curves_section(n: dict, curves_png: Path) -> list[Block]:
    rows = []
    for r in n["runs"]:
        t = r["training"]
        rows.append(
            [
                r["label"],
                count(t["puzzles_to_80"]),
                count(t["puzzles_to_90"]),
                num(t["seconds_to_80"], 0),
                num(t["seconds_to_90"], 0),
                pct(t["best_val_accuracy"]),
                f"{len(r['curve']['val_accuracy'])}",
            ]
        )
    return [
        Heading("Learning curves"),
        Figure(curves_png, "Validation accuracy against training puzzles seen and against wall-clock time."),
        Table(
            [
                "run",
                "puzzles to 80 %",
                "puzzles to 90 %",
                "seconds to 80 %",
                "seconds to 90 %",
                "best validation",
                "validation points",
            ],
            rows,
        ),
    ]


def cost_section(n: dict) -> list[Block]:
    params, speed, ops = [], [], []
    for r in n["runs"]:
        p, t, c = r["parameters"], r["training"], r["costs"]
        params.append([r["label"], num(p.get("encoder"), 0), num(p.get("core"), 0), num(p.get("total"), 0)])
        speed.append(
            [
                r["label"],
                num(t["wall_time_s"], 0),
                num(t["puzzles_seen"], 0),
                num(t["epochs"], 2),
                num(t["throughput_puzzles_per_s"]),
                num(r["eval"]["throughput_puzzles_per_s"]),
            ]
        )
        e = c["energy"]
        spikes = "–" if "spikes" not in c else num(c["spikes"], 0)
        ops.append(
            [
                r["label"],
                spikes,
                num(c.get("synaptic_events"), 0),
                num(c["dense_macs"], 0),
                num(e["synaptic_nj"], 2),
                num(e["dense_nj"], 2),
                num(e["total_nj"], 2),
            ]
        )
    k = n["energy_constants"]
    blocks: list[Block] = [
        Heading("Parameters, time and energy"),
        Table(["run", "encoder parameters", "core parameters", "total"], params),
        Table(
            [
                "run",
                "training wall time (s)",
                "training puzzles",
                "epochs",
                "training puzzles/s",
                "inference puzzles/s",
            ],
            speed,
        ),
        Heading("Operations and energy per decision (estimated)", 3),
        Table(
            [
                "run",
                "spikes",
                "synaptic events",
                "dense MACs",
                "synaptic energy (nJ)",
                "dense energy (nJ)",
                "total (nJ)",
            ],
            ops,
        ),
        Para(
            f"Estimated, not measured: a spike-driven synaptic event is priced at {k['synaptic_event_pj']} pJ "
            f"({k['synaptic_event_source']}); a dense multiply-accumulate at {k['mac_pj']} pJ, a 32-bit float "
            f"multiply (3.7 pJ) plus add (0.9 pJ) ({k['mac_source']}). Spikes and events are counted in the "
            "saccadic network's recorded forward pass (events = spikes × outgoing synapses: recurrent, next layer, "
            "readout); its glimpse encoder and the graded input synapses of its first SNU layer count as dense MACs, "
            "as does every convolution and linear layer of the other models. Normalisations, activations, memory "
            "traffic and the retina's resampling are left out; the training and inference speeds above are of "
            "PyTorch on this CPU, not of neuromorphic hardware."
        ),
    ]
    for r in n["runs"]:
        c = r["costs"]
        if c.get("spikes_per_layer"):
            layers = ", ".join(num(s, 0) for s in c["spikes_per_layer"] if s is not None)
            blocks.append(
                Para(
                    f"{r['label']}: {layers} spikes per SNU layer over {c['steps']} time steps, "
                    f"{num(c['graded_input_ops'], 0)} graded input operations and "
                    f"{num(c['encoder_macs'], 0)} encoder MACs per decision ({c['puzzles']} puzzles counted)."
                )
            )
    return blocks


def ablation_sentence(who: str, how: str, intact: float, ablated: float, lost: float | None) -> str:
    if lost is None:
        return f"{who} is not above chance ({pct(intact)}), so its {how} ablation says nothing about its mechanism."
    if lost >= TOWARD_CHANCE:
        verdict = "so its decisions rest mostly on comparing panels"
    elif lost > 0.15:
        verdict = "so comparison carries part of its decisions, not most"
    else:
        verdict = "so it does not need the comparison for what it gets right"
    return (
        f"{how.capitalize()} takes {who} from {pct(intact)} to {pct(ablated)} "
        f"({100 * lost:.0f} % of its margin above chance lost), {verdict}."
    )


def mechanism_section(n: dict) -> list[Block]:
    m = n["mechanism"]
    rows, text = [], []
    if m["saccadic"]:
        s = m["saccadic"]
        rows += [
            ["saccadic", "intact", pct(s["intact"]), ""],
            ["saccadic", "no initial saccades", pct(s["no_initial"]), pct(s["no_initial_lost_margin"])],
            ["saccadic", "each evaluation fixation in isolation", pct(s["isolated"]), pct(s["isolated_lost_margin"])],
        ]
        text.append(
            ablation_sentence(
                "the saccadic network",
                "removing the initial saccades",
                s["intact"],
                s["no_initial"],
                s["no_initial_lost_margin"],
            )
        )
        text.append(
            ablation_sentence(
                "the saccadic network",
                "scoring each fixation in isolation",
                s["intact"],
                s["isolated"],
                s["isolated_lost_margin"],
            )
        )
    if m["oren"]:
        o = m["oren"]
        rows += [
            ["OReN", "intact", pct(o["intact"]), ""],
            ["OReN", "each panel alone, (P−1)·g(o_k, o_k)", pct(o["alone"]), pct(o["alone_lost_margin"])],
        ]
        text.append(
            ablation_sentence(
                "OReN", "replacing its pairs by each panel alone", o["intact"], o["alone"], o["alone_lost_margin"]
            )
        )
    blocks: list[Block] = [
        Heading("Mechanism"),
        Para(
            "Ablations at evaluation time, trained weights unchanged. Isolated fixations: the spiking core starts "
            "from rest for each evaluation fixation and sees only the saccade to it and the fixation itself; the "
            "adapting input, which compares a glimpse with the earlier ones, is cut as for a first glimpse "
            "(peripheral vision of neighbouring panels during that fixation remains). OReN alone: g(o_k, o_j) "
            "replaced by g(o_k, o_k) for every j, keeping the sum's scale."
        ),
    ]
    if rows:
        blocks.append(Table(["network", "evaluation", "accuracy", "margin above chance lost"], rows))
    else:
        blocks.append(Para("No saccadic or OReN run was given: not measured."))
    a = m["agreement"]
    if a:
        blocks.append(
            Table(
                ["measure", "value"],
                [
                    ["riddles compared", str(a["riddles"])],
                    ["Pearson correlation of per-riddle accuracy", num(a["per_riddle_pearson"], 2)],
                    ["puzzles compared", f"{a['puzzles']:,}"],
                    ["both wrong", pct(a["both_wrong"])],
                    ["both wrong if errors were independent", pct(a["both_wrong_if_independent"])],
                    ["Cohen's kappa of right/wrong", num(a["error_kappa"], 2)],
                    ["same choice", pct(a["same_choice"])],
                    ["same wrong choice", pct(a["same_wrong_choice"])],
                ],
            )
        )
        text.append(agreement_sentence(a))
    if text:
        blocks.append(Bullets(text))
    return blocks


def agreement_sentence(a: dict) -> str:
    r, k = a["per_riddle_pearson"], a["error_kappa"]
    if r is None:
        profile = "their per-riddle profiles cannot be correlated (too few riddles or a flat profile)"
    else:
        alike = "alike" if r >= 0.5 else "weakly alike" if r >= 0.2 else "not alike"
        profile = f"their per-riddle accuracies correlate at r = {r:.2f} ({alike})"
    ratio = a["both_wrong"] / a["both_wrong_if_independent"] if a["both_wrong_if_independent"] else None
    errors = (
        "their errors cannot be compared"
        if ratio is None or k is None
        else f"they fail together on {pct(a['both_wrong'])} of the puzzles, {ratio:.2f}× what independent errors "
        f"would give (kappa {k:.2f}): {'shared difficulties' if k >= 0.2 else 'largely different difficulties'}"
    )
    return f"The saccadic network and OReN: {profile}; {errors}."


def replay_mode(rep: dict) -> str:
    """"discrete", or "continuous (current drive)" / "continuous (pulse drive)"."""
    drive = (rep.get("continuous") or {}).get("drive")
    return f"{rep.get('mode')} ({drive} drive)" if rep.get("mode") == "continuous" and drive else str(rep.get("mode"))


def replay_section(n: dict) -> list[Block]:
    rows = []
    for r in n["runs"]:
        for rep in r["replays"]:
            acc, dec, spk, tm = (
                rep.get(k, {}) for k in ("accuracy", "decision_agreement", "spike_agreement", "timing")
            )
            rows.append(
                [
                    r["label"],
                    rep["file"],
                    f"{replay_mode(rep)} / {rep.get('target')}",
                    str(rep.get("puzzles")),
                    pct(acc.get("torch")),
                    pct(acc.get("brian2")),
                    pct(dec.get("brian2_vs_torch")),
                    pct(spk.get("brian2_vs_torch")),
                    num(tm.get("puzzles_per_s")),
                ]
            )
    if not rows:
        return []
    return [
        Heading("Brian2 replay"),
        Para("From the runs' simulate-*.json files (written by `saccade-net simulate`; not rerun here)."),
        Table(
            [
                "run",
                "file",
                "mode / target",
                "puzzles",
                "PyTorch accuracy",
                "Brian2 accuracy",
                "same decision",
                "same spikes",
                "Brian2 puzzles/s",
            ],
            rows,
        ),
    ]


def examples_section(examples_png: Path | None, scan_pngs: list[Path]) -> list[Block]:
    if examples_png is None:
        return []
    blocks: list[Block] = [
        Heading("Example puzzles"),
        Figure(examples_png, "Test puzzles drawn with the report's seed; under each panel the models that chose it."),
    ]
    for i, p in enumerate(scan_pngs):
        blocks.append(
            Figure(
                p,
                f"Saccadic network on example {i + 1}: scan path (blue: initial, orange: evaluation "
                "saccades), glimpses, spike raster per SNU layer and readout.",
            )
        )
    return blocks
