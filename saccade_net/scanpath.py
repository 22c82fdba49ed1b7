"""Scan paths: where the eye looks, when, and for how long, over a fixed grid of discrete time steps.

A scan path is a sequence of S fixations. Fixation s targets a panel, lands at the panel's centre plus
a landing error whose spread grows with the saccade's amplitude, and lasts `fixation_steps` steps.
Before each fixation the eye is in flight for a number of steps that grows with the amplitude (the
main sequence); during flight visual input is suppressed (saccadic suppression: no glimpse), and the
eye position moves linearly from the previous landing point to the next. The eye starts at the canvas
centre, as on a fixation cross.

A *policy* chooses the targets: S_I initial fixations, then S_E = 6 evaluation fixations that visit
every panel exactly once; the network's score for panel k is read during the evaluation fixation on k.

A batch of scan paths is a `ScanPaths` of tensors over T time steps (T = the longest path of the
batch, or a fixed `n_steps`): per step the eye position and the index of the fixation seen (-1 in
flight and after the path ends). The network and the Brian2 replay read the same tensors.
Sampling is vectorised over the batch (the only loop runs over the S fixations) and draws from one
numpy Generator, so a seed fixes the whole batch.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import torch

from .canvas import N_PANELS, Canvas

# ---------------------------------------------------------------------------------------------- policies


def _as_rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def _permutations(rng: np.random.Generator, batch: int) -> np.ndarray:
    """(batch, 6) independent random permutations of the panels."""
    return np.argsort(rng.random((batch, N_PANELS)), axis=1)


class Policy:
    """Chooses the target panels: `n_initial` initial fixations, then one evaluation fixation per panel.

    Subclasses override `initial` and, if they wish, `evaluation` (which must return a permutation of
    the six panels per row, since each panel is scored exactly once).
    """

    name = "base"

    def __init__(self, n_initial: int = 6) -> None:
        if n_initial < 0:
            raise ValueError(f"n_initial must be >= 0, got {n_initial}")
        self.n_initial = n_initial

    @property
    def n_fixations(self) -> int:
        return self.n_initial + N_PANELS

    def initial(self, rng: np.random.Generator, batch: int) -> np.ndarray:
        raise NotImplementedError

    def evaluation(self, rng: np.random.Generator, batch: int) -> np.ndarray:
        return _permutations(rng, batch)

    def targets(self, rng: np.random.Generator, batch: int) -> np.ndarray:
        """(batch, n_initial + 6) int64: the target panel of every fixation."""
        first = self.initial(rng, batch).reshape(batch, self.n_initial)
        return np.concatenate([first, self.evaluation(rng, batch)], axis=1).astype(np.int64)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n_initial={self.n_initial})"


class PaperPolicy(Policy):
    """The paper's policy: the initial fixations visit all six panels in a random order (further ones,
    if n_initial > 6, continue with fresh random rounds), then each panel once in a random order."""

    name = "paper"

    def __init__(self, n_initial: int = 6) -> None:
        if n_initial < N_PANELS:
            raise ValueError(f"the paper policy visits all six panels first: n_initial must be >= 6, got {n_initial}")
        super().__init__(n_initial)

    def initial(self, rng: np.random.Generator, batch: int) -> np.ndarray:
        rounds = -(-self.n_initial // N_PANELS)
        return np.concatenate([_permutations(rng, batch) for _ in range(rounds)], axis=1)[:, : self.n_initial]


class ReadingOrder(Policy):
    """Panels in reading order (0, 1, …, 5, 0, …) in both phases; only the landing errors are random."""

    name = "reading"

    def initial(self, rng: np.random.Generator, batch: int) -> np.ndarray:
        return np.tile(np.arange(self.n_initial) % N_PANELS, (batch, 1))

    def evaluation(self, rng: np.random.Generator, batch: int) -> np.ndarray:
        return np.tile(np.arange(N_PANELS), (batch, 1))


class RandomRevisits(Policy):
    """Initial fixations drawn at random with revisits allowed (never the same panel twice in a row),
    so some panels may be missed; then each panel once in a random order."""

    name = "revisits"

    def initial(self, rng: np.random.Generator, batch: int) -> np.ndarray:
        out = np.empty((batch, self.n_initial), dtype=np.int64)
        if self.n_initial:
            out[:, 0] = rng.integers(0, N_PANELS, batch)
            for s in range(1, self.n_initial):
                out[:, s] = (out[:, s - 1] + rng.integers(1, N_PANELS, batch)) % N_PANELS
        return out


POLICIES: dict[str, type[Policy]] = {p.name: p for p in (PaperPolicy, ReadingOrder, RandomRevisits)}


def make_policy(name: str, n_initial: int = 6) -> Policy:
    """A policy by name ("paper", "reading", "revisits")."""
    if name not in POLICIES:
        raise ValueError(f"unknown scan-path policy {name!r}; choose from {', '.join(POLICIES)}")
    return POLICIES[name](n_initial)


# ------------------------------------------------------------------------------------------------ timing


@dataclass(frozen=True)
class SaccadeTiming:
    """Durations (in time steps) and landing errors.

    flight steps = clip(ceil(flight_gain · amplitude / spacing), min_flight, max_flight), where spacing
    is the distance between adjacent panel centres: with the defaults a saccade to a horizontally,
    vertically or diagonally adjacent panel takes 1 step, one across two columns 2 steps.
    landing error ~ Normal(0, σ²) per axis with σ = (error_base + error_gain · amplitude / panel_size) ·
    panel_size, clipped to ±error_clip · panel_size so that the eye always lands on its target panel.

    With `corrective`, a primary saccade that lands off the target's centre is followed by a corrective
    saccade towards it (as human saccades are, Becker 1989), whose own landing error follows the same
    rule for its small amplitude (the primary error). The brief fixation at the primary landing point and
    the corrective saccade take one more suppressed step; the glimpse is taken at the corrected point.
    """

    fixation_steps: int = 2
    flight_gain: float = 0.7
    min_flight: int = 1
    max_flight: int = 3
    error_base: float = 0.02
    error_gain: float = 0.04
    error_clip: float = 0.25
    corrective: bool = False

    def __post_init__(self) -> None:
        if self.fixation_steps < 1:
            raise ValueError("fixation_steps must be >= 1")
        if not 0 <= self.min_flight <= self.max_flight:
            raise ValueError("need 0 <= min_flight <= max_flight")
        if not 0 <= self.error_clip < 0.5:
            raise ValueError("error_clip must lie in [0, 0.5)")

    @property
    def correction_steps(self) -> int:
        """Suppressed steps a corrective saccade adds after each primary saccade (0 or 1)."""
        return int(self.corrective)

    def flight_steps(self, amplitude: np.ndarray, spacing: float) -> np.ndarray:
        """Main sequence: steps in flight for primary saccades of `amplitude` pixels."""
        steps = np.ceil(self.flight_gain * np.asarray(amplitude) / spacing - 1e-9).astype(np.int64)
        return np.clip(steps, self.min_flight, self.max_flight)

    def landing_sigma(self, amplitude: np.ndarray, panel_size: float) -> np.ndarray:
        """σ of the landing error per axis (pixels) for saccades of `amplitude` pixels."""
        return self.error_base * panel_size + self.error_gain * np.asarray(amplitude)

    def max_steps(self, n_fixations: int) -> int:
        """An upper bound on the length of any path with `n_fixations` fixations."""
        return n_fixations * (self.fixation_steps + self.max_flight + self.correction_steps)


# ------------------------------------------------------------------------------------------------- paths


@dataclass
class ScanPaths:
    """A batch of B scan paths with S fixations over T steps (tensors; pixels in canvas coordinates).

    target (B, S) long: panel of each fixation; landing (B, S, 2) float: where the glimpse is taken (after
    the corrective saccade, if any); amplitude (B, S): length of the primary saccade in pixels; flight
    (B, S) long: steps in flight before each fixation (a correction step included); onset (B, S)
    long: first step of each fixation; duration (B, S) long: its steps; eye (B, T, 2) float: eye
    position per step; glimpse (B, T) long: fixation seen at each step, -1 in flight (suppressed) and
    after the end; length (B,) long: steps used. The first `n_initial` fixations are the initial phase.
    """

    target: torch.Tensor
    landing: torch.Tensor
    amplitude: torch.Tensor
    flight: torch.Tensor
    onset: torch.Tensor
    duration: torch.Tensor
    eye: torch.Tensor
    glimpse: torch.Tensor
    length: torch.Tensor
    n_initial: int

    @property
    def batch(self) -> int:
        return self.target.shape[0]

    @property
    def n_steps(self) -> int:
        return self.eye.shape[1]

    @property
    def n_fixations(self) -> int:
        return self.target.shape[1]

    @property
    def eval_panel(self) -> torch.Tensor:
        """(B, 6) the panel fixated by each evaluation saccade, in order."""
        return self.target[:, self.n_initial :]

    def eval_mask(self) -> torch.Tensor:
        """(B, 6, T) bool: mask[b, k, t] is True when step t belongs to the evaluation fixation on panel k."""
        order = torch.arange(self.n_initial, self.n_fixations, device=self.target.device)
        fixation = torch.empty_like(self.eval_panel)  # the evaluation fixation index of each panel
        fixation.scatter_(1, self.eval_panel, order.expand(self.batch, N_PANELS).contiguous())
        return self.glimpse[:, None, :] == fixation[:, :, None]

    def to(self, device: torch.device | str) -> ScanPaths:
        kw = {f.name: getattr(self, f.name) for f in fields(self)}
        return ScanPaths(**{k: v.to(device) if torch.is_tensor(v) else v for k, v in kw.items()})

    def select(self, index: torch.Tensor | slice | int) -> ScanPaths:
        """The paths of some samples (keeps the batch dimension)."""
        if isinstance(index, int):
            index = slice(index, index + 1)
        kw = {f.name: getattr(self, f.name) for f in fields(self)}
        return ScanPaths(**{k: v[index] if torch.is_tensor(v) else v for k, v in kw.items()})


def sample_scanpaths(
    batch: int,
    policy: Policy,
    timing: SaccadeTiming,
    canvas: Canvas,
    rng: np.random.Generator | int | None = None,
    n_steps: int | None = None,
) -> ScanPaths:
    """Draw B scan paths. `rng` (a Generator or a seed) fixes every random choice; `n_steps` pads every
    path to a fixed T (ValueError if a path is longer); by default T is the longest path of the batch."""
    rng = _as_rng(rng)
    targets = policy.targets(rng, batch)  # (B, S)
    s_total = targets.shape[1]
    p = canvas.panel_size
    centres = canvas.centres()[targets]  # (B, S, 2)
    landing = np.empty_like(centres)
    primary = np.empty_like(centres)  # where each primary saccade lands (= landing without correction)
    amplitude = np.empty(targets.shape)
    noise = rng.standard_normal(centres.shape)
    correction_noise = rng.standard_normal(centres.shape) if timing.corrective else None
    clip = timing.error_clip * p
    prev = np.broadcast_to(canvas.centre, (batch, 2))
    for s in range(s_total):  # sequential: each landing error depends on the previous landing point
        sigma = timing.landing_sigma(np.linalg.norm(centres[:, s] - prev, axis=1), p)
        err = np.clip(noise[:, s] * sigma[:, None], -clip, clip)
        primary[:, s] = centres[:, s] + err
        amplitude[:, s] = np.linalg.norm(primary[:, s] - prev, axis=1)
        if correction_noise is None:
            landing[:, s] = primary[:, s]
        else:
            sigma = timing.landing_sigma(np.linalg.norm(err, axis=1), p)
            landing[:, s] = centres[:, s] + np.clip(correction_noise[:, s] * sigma[:, None], -clip, clip)
        prev = landing[:, s]
    moving_steps = timing.flight_steps(amplitude, canvas.spacing)
    flight = moving_steps + timing.correction_steps
    duration = np.full(targets.shape, timing.fixation_steps, dtype=np.int64)
    ends = np.cumsum(flight + duration, axis=1)
    onset = ends - duration
    length = ends[:, -1]
    t_max = int(length.max()) if batch else 0
    if n_steps is None:
        n_steps = t_max
    elif n_steps < t_max:
        raise ValueError(f"n_steps={n_steps} is shorter than the longest scan path ({t_max} steps)")

    t = np.arange(n_steps)[None, :]  # (1, T)
    glimpse = np.full((batch, n_steps), -1, dtype=np.int64)
    eye = np.empty((batch, n_steps, 2))
    eye[:] = canvas.centre
    start = np.broadcast_to(canvas.centre, (batch, 2))
    for s in range(s_total):
        fl_start = (onset[:, s] - flight[:, s])[:, None]
        in_flight = (t >= fl_start) & (t < onset[:, s, None])
        # linear path to the primary landing point, not reached in flight; there during a correction step
        frac = np.minimum((t - fl_start + 1) / (moving_steps[:, s, None] + 1), 1.0)
        moving = start[:, None, :] + frac[..., None] * (primary[:, None, s] - start[:, None, :])
        eye = np.where(in_flight[..., None], moving, eye)
        fixating = (t >= onset[:, s, None]) & (t < ends[:, s, None])
        glimpse[fixating] = s
        eye = np.where(fixating[..., None], landing[:, None, s], eye)
        start = landing[:, s]
    after = t >= length[:, None]
    eye = np.where(after[..., None], landing[:, None, -1], eye)

    def f32(a):
        return torch.as_tensor(np.ascontiguousarray(a), dtype=torch.float32)

    def i64(a):
        return torch.as_tensor(np.ascontiguousarray(a), dtype=torch.int64)

    return ScanPaths(
        target=i64(targets), landing=f32(landing), amplitude=f32(amplitude), flight=i64(flight),
        onset=i64(onset), duration=i64(duration), eye=f32(eye), glimpse=i64(glimpse), length=i64(length),
        n_initial=policy.n_initial,
    )
