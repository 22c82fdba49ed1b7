"""The paper's five claims, each checked on the measured numbers: evidence (a sentence with the
numbers) and a verdict — "holds", "partly holds", "does not hold" or "not measured". Nothing here is
written by hand per run; change a run and the verdicts follow."""

from __future__ import annotations

HOLDS, PARTLY, FAILS, UNMEASURED = "holds", "partly holds", "does not hold", "not measured"
TOWARD_CHANCE = 0.5  # an ablation "drops accuracy toward chance" when it removes at least half the margin
MIN_MARGIN = 0.05  # an intact model this close to chance leaves nothing to ablate


def pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f} %"


def count(x: float | None) -> str:
    return "never" if x is None else f"{x:,.0f}"


def claim(number: int, text: str, verdict: str, evidence: str) -> dict:
    return {"id": number, "claim": text, "verdict": verdict, "evidence": evidence}


def entry(numbers: dict, role: str) -> dict | None:
    label = numbers["roles"].get(role)
    return next((r for r in numbers["runs"] if r["label"] == label), None) if label else None


def missing(*pairs: tuple[str, dict | None]) -> str:
    return "no " + " and no ".join(name for name, run in pairs if run is None) + " run given"


def surpass_humans(numbers: dict, sac: dict | None, oren: dict | None) -> dict:
    text = "Both networks surpass human accuracy"
    if sac is None or oren is None:
        return claim(1, text, UNMEASURED, missing(("saccadic", sac), ("OReN", oren)))
    ref = numbers["reference"]
    adults_hi, children = ref["adults"][1], ref["children"]
    low = min(sac["eval"]["accuracy"], oren["eval"]["accuracy"])
    if low > adults_hi:
        verdict, against = HOLDS, f"above the adults' {pct(ref['adults'][0])}–{pct(adults_hi)}"
    elif low > children:
        verdict, against = (
            PARTLY,
            f"above the children's {pct(children)} only, not the adults' "
            + (f"{pct(ref['adults'][0])}–{pct(adults_hi)}"),
        )
    else:
        verdict, against = FAILS, f"below the children's {pct(children)} and the adults' {pct(ref['adults'][0])}"
    evidence = (
        f"test accuracy: saccadic {pct(sac['eval']['accuracy'])}, OReN {pct(oren['eval']['accuracy'])} "
        f"(chance {pct(ref['chance'])}); the weaker is {against}"
    )
    return claim(1, text, verdict, evidence)


def more_accurate(sac: dict | None, oren: dict | None) -> dict:
    text = "The saccadic spiking network is more accurate than OReN"
    if sac is None or oren is None:
        return claim(2, text, UNMEASURED, missing(("saccadic", sac), ("OReN", oren)))
    a, b = sac["eval"], oren["eval"]
    se = ((a["accuracy"] * (1 - a["accuracy"]) / a["n"]) + (b["accuracy"] * (1 - b["accuracy"]) / b["n"])) ** 0.5
    diff = a["accuracy"] - b["accuracy"]
    verdict = HOLDS if diff > 0 else FAILS
    evidence = (
        f"test accuracy {pct(a['accuracy'])} vs {pct(b['accuracy'])} on {a['n']:,} puzzles: "
        f"difference {100 * diff:+.1f} points (±{196 * se:.1f} at 95 %)"
    )
    return claim(2, text, verdict, evidence)


def learns_faster(sac: dict | None, oren: dict | None) -> dict:
    text = "It learns faster (training puzzles to 80 % and 90 % validation accuracy)"
    if sac is None or oren is None:
        return claim(3, text, UNMEASURED, missing(("saccadic", sac), ("OReN", oren)))
    outcomes, parts = [], []
    for t in (80, 90):
        s, o = sac["training"][f"puzzles_to_{t}"], oren["training"][f"puzzles_to_{t}"]
        parts.append(f"{t} %: saccadic {count(s)}, OReN {count(o)}")
        if s is None and o is None:
            continue
        outcomes.append(o is None or (s is not None and s < o))
    if not outcomes:
        verdict = UNMEASURED
        parts.append("neither run reached 80 %")
    elif all(outcomes):
        verdict = HOLDS
    elif not any(outcomes):
        verdict = FAILS
    else:
        verdict = PARTLY
    return claim(3, text, verdict, "; ".join(parts))


def fewer_parameters(sac: dict | None, oren: dict | None) -> dict:
    text = "It has fewer parameters"
    if sac is None or oren is None:
        return claim(4, text, UNMEASURED, missing(("saccadic", sac), ("OReN", oren)))
    s, o = sac["parameters"].get("total"), oren["parameters"].get("total")
    if s is None or o is None:
        return claim(4, text, UNMEASURED, "a run's config.json has no parameter count")
    verdict = HOLDS if s < o else FAILS
    return claim(4, text, verdict, f"saccadic {s:,}, OReN {o:,} trainable parameters (ratio {s / o:.2f})")


def ablation_verdict(name: str, intact: float, ablated: float, lost: float | None) -> tuple[str, str]:
    words = f"{name} {pct(intact)} → {pct(ablated)}"
    if lost is None or intact - 1 / 6 < MIN_MARGIN:
        return UNMEASURED, f"{words} (intact model not above chance)"
    return (HOLDS if lost >= TOWARD_CHANCE else FAILS), f"{words} ({100 * lost:.0f} % of the margin above chance lost)"


def compare_mechanism(numbers: dict) -> dict:
    text = "Both judge each panel by comparing it with the others (ablating the comparison drops accuracy to chance)"
    mech = numbers["mechanism"]
    rows = []
    if mech.get("saccadic"):
        m = mech["saccadic"]
        rows.append(
            ablation_verdict("saccadic, fixations in isolation:", m["intact"], m["isolated"], m["isolated_lost_margin"])
        )
    if mech.get("oren"):
        m = mech["oren"]
        rows.append(ablation_verdict("OReN, each panel alone:", m["intact"], m["alone"], m["alone_lost_margin"]))
    if len(rows) < 2:
        names = [n for n in ("saccadic", "oren") if not mech.get(n)]
        rows.append((UNMEASURED, "no " + " and no ".join(names) + " run given"))
    verdicts = [v for v, _ in rows]
    evidence = "; ".join(e for _, e in rows)
    if UNMEASURED in verdicts:
        verdict = UNMEASURED
    elif all(v == HOLDS for v in verdicts):
        verdict = HOLDS
    elif any(v == HOLDS for v in verdicts):
        verdict = PARTLY
    else:
        verdict = FAILS
    return claim(5, text, verdict, evidence)


def evaluate_claims(numbers: dict) -> list[dict]:
    """The five claims in the paper's order."""
    sac, oren = entry(numbers, "saccadic"), entry(numbers, "oren")
    return [
        surpass_humans(numbers, sac, oren),
        more_accurate(sac, oren),
        learns_faster(sac, oren),
        fewer_parameters(sac, oren),
        compare_mechanism(numbers),
    ]
