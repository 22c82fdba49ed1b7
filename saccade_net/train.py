"""The training loop shared by every model that maps panels (B, 6, H, W) to scores (B, 6).

AdamW with cross-entropy against the odd slot; the learning rate warms up linearly and then follows
a cosine to `min_lr_ratio` over the planned steps (or over the time budget, whichever runs out
first, with `schedule_over="budget"`). Focus phases (curriculum.py), if any, come first: batches from a
few riddles only, for a set number of puzzles each; riddles can also be oversampled in the epochs.
Validation runs after every epoch and every `val_every`
training puzzles; each point is a line of RUN/metrics.jsonl and a point of RUN/curves.png.

Stopping: at the end of the planned epochs, when the wall-clock budget is spent, or on SIGINT or
SIGTERM. A signal only sets a flag; the loop finishes the step it is in, saves a checkpoint and
returns, so a checkpoint never holds a half-updated model. Resuming restores weights, optimizer,
random states (the global generators and those the model keeps, e.g. for scan paths) and the
position (epoch, batch); the batch order is a function of (seed, epoch) and validation runs on its
own random streams, so a resumed run ends with bit-for-bit the weights of an uninterrupted one (on
the same device and thread count).

Data-parallel (`world` from saccade_net.distributed, under torchrun): every rank draws the random
augmentation and scan paths of the whole global batch from identically seeded generators and keeps its
slice, so the streams stay in step with each other and with a single process; the loss of a slice is
weighted by its share of the batch, so the averaged gradient is that of the global-batch mean. Ranks
agree each step on the clock and on a stop; rank 0 alone validates and writes metrics, curves,
summary and checkpoints, and every rank restores the same state on resume.
"""

from __future__ import annotations

import json
import math
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn
from tqdm import tqdm

from . import checkpoint
from .augment import MODES, augment, draw, handed_riddles
from .curriculum import check_oversample, check_phases, phase_order, phases_from_config, puzzle_repeats
from .curves import THRESHOLDS, first_reaching, plot_curves, read_metrics
from .data import Puzzles, batches_per_epoch, epoch_order
from .distributed import SINGLE, World, all_max, all_sum, loss_weight, rank_slice, wrap_model
from .evaluate import predict
from .models import parameter_counts
from .rng import generator_states, rng_state, set_generator_states, set_rng_state

METRICS_FILE = "metrics.jsonl"
CURVES_FILE = "curves.png"
SUMMARY_FILE = "summary.json"
CURVES_INTERVAL_S = 60.0

# why a run stopped → exit status of the command line
EXIT_STATUS = {"completed": 0, "budget": 0, "interrupted": 130, "terminated": 143}
STOP_CODES = ["", "budget", "interrupted", "terminated"]  # how ranks agree on a stop (the largest wins)


@dataclass
class TrainConfig:
    """The arguments of a training run (stored in RUN/config.json under "train")."""

    epochs: int = 10
    batch_size: int = 64
    lr: float = 1e-3
    weight_decay: float = 0.01
    warmup: float = 0.05  # fraction of the schedule spent warming up
    min_lr_ratio: float = 0.01  # the cosine ends at lr * min_lr_ratio
    grad_clip: float = 1.0  # max gradient norm; 0 disables clipping
    val_every: int = 0  # also validate every this many training puzzles (0: after each epoch only)
    budget_minutes: float = 0.0  # wall-clock budget of the loop, validation included (0: none)
    schedule_over: str = "steps"  # "steps": the planned steps; "budget": whichever of steps or budget ends first
    augment: str = "order"  # none | order (shuffle panels) | full (flip/turn all six alike) | panels (each its own)
    augment_late: str = ""  # the augmentation from augment_late_from training puzzles on ("": augment throughout)
    augment_late_from: int = 0
    focus: list = field(default_factory=list)  # focus phases before the epochs: [{"riddles": [ids], "puzzles": n}]
    oversample: list = field(default_factory=list)  # riddles drawn more often: [{"riddles": [ids], "weight": w}]
    seed: int = 0
    device: str = "cpu"
    eval_batch_size: int = 256
    progress: bool = True

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.batch_size < 1 or self.eval_batch_size < 1:
            raise ValueError("epochs, batch size and eval batch size must be >= 1")
        if self.lr <= 0 or not 0 <= self.warmup < 1 or not 0 <= self.min_lr_ratio <= 1:
            raise ValueError("need lr > 0, 0 <= warmup < 1 and 0 <= min_lr_ratio <= 1")
        if self.val_every < 0 or self.budget_minutes < 0 or self.grad_clip < 0:
            raise ValueError("val_every, budget_minutes and grad_clip must be >= 0")
        if self.augment not in MODES:
            raise ValueError(f"augment must be one of {', '.join(MODES)}, got {self.augment!r}")
        if self.augment_late not in ("", *MODES) or self.augment_late_from < 0:
            raise ValueError(
                f"augment_late must be one of {', '.join(MODES)} (from >= 0 puzzles), "
                f"got {self.augment_late!r} from {self.augment_late_from}"
            )
        if self.schedule_over not in ("steps", "budget"):
            raise ValueError(f"schedule_over must be 'steps' or 'budget', got {self.schedule_over!r}")
        if self.schedule_over == "budget" and not self.budget_minutes:
            raise ValueError("schedule_over='budget' needs a budget")
        phases_from_config(self.focus)  # raises ValueError on a malformed phase
        check_oversample(self.oversample)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Progress:
    """Where a run stands; saved in every checkpoint and restored on resume."""

    focus_phase: int = 0  # current focus phase (0-based; len(focus) once they are done)
    focus_batch: int = 0  # next batch within the focus phase
    epoch: int = 0  # current epoch (0-based)
    batch: int = 0  # next batch within the epoch
    step: int = 0  # optimizer steps taken
    puzzles_seen: int = 0
    wall_time_s: float = 0.0  # time inside the loop, validation included
    train_time_s: float = 0.0  # time in training steps only
    val_time_s: float = 0.0
    loss_sum: float = 0.0  # training loss since the last validation point
    loss_count: int = 0
    next_val_at: int = 0  # puzzles_seen at which the next interval validation is due
    last_val_step: int = -1
    best_val_accuracy: float = 0.0
    last_val_accuracy: float | None = None
    stop_reason: str = ""


@dataclass
class TrainResult:
    stop_reason: str  # completed | budget | interrupted | terminated
    summary: dict = field(default_factory=dict)

    @property
    def exit_status(self) -> int:
        return EXIT_STATUS[self.stop_reason]


def lr_factor(progress: float, warmup: float, min_ratio: float) -> float:
    """Linear warm-up over the first `warmup` of the schedule, then a cosine from 1 to `min_ratio`."""
    progress = min(max(progress, 0.0), 1.0)
    if warmup > 0 and progress < warmup:
        return progress / warmup
    p = (progress - warmup) / (1 - warmup) if warmup < 1 else 1.0
    return min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * p))


def make_optimizer(model: nn.Module, cfg: TrainConfig) -> torch.optim.AdamW:
    """AdamW; weight decay on weight matrices and kernels only, not on biases, norms or thresholds."""
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("the model has no trainable parameters; evaluate it with `saccade-net eval --model`")
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    return torch.optim.AdamW([g for g in groups if g["params"]], lr=cfg.lr)


class StopFlag:
    """Turns SIGINT and SIGTERM into a request to stop after the current step.

    A second SIGINT while a stop is pending raises KeyboardInterrupt at once (for a loop that hangs).
    Handlers are installed only in the main thread and put back on exit."""

    def __init__(self) -> None:
        self.reason = ""
        self._previous: dict[int, object] = {}

    def _handle(self, signum, frame) -> None:
        if signum == signal.SIGINT and self.reason:
            raise KeyboardInterrupt
        self.reason = "interrupted" if signum == signal.SIGINT else "terminated"

    def __enter__(self) -> StopFlag:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)


class Trainer:
    """One training run in RUN: call `run()`; `on_step(trainer)` is called after every optimizer
    step (tests use it to interrupt a run at a chosen step)."""

    def __init__(
        self,
        model: nn.Module,
        train_set: Puzzles,
        val_set: Puzzles,
        run_dir: Path,
        cfg: TrainConfig,
        resume: bool = False,
        on_step: Callable[[Trainer], None] | None = None,
        world: World = SINGLE,
    ) -> None:
        if len(train_set) == 0 or len(val_set) == 0:
            raise ValueError("training needs non-empty training and validation sets")
        last = len(train_set) % cfg.batch_size or cfg.batch_size
        if min(cfg.batch_size, last) < world.size:
            raise ValueError(
                f"every batch needs at least one puzzle per process: batch {cfg.batch_size} (the last one of an "
                f"epoch {last}) over {world.size} processes"
            )
        self.cfg = cfg
        self.world = world
        self.device = torch.device(cfg.device)
        self.ddp = wrap_model(model.to(self.device), world, self.device)  # what training steps call
        self.model = self.ddp.module if world.distributed else self.ddp  # the model itself: validation, saving
        self.train_set, self.val_set = train_set, val_set
        self.run_dir = Path(run_dir)
        self.on_step = on_step
        self.steps_per_epoch = batches_per_epoch(len(train_set), cfg.batch_size)
        self.focus = phases_from_config(cfg.focus)
        check_phases(train_set.riddle, self.focus)
        self.repeats = puzzle_repeats(train_set.riddle, cfg.oversample)
        # per-panel transforms must not mirror a chiral figure: which training puzzles are handed
        self.handed = torch.isin(train_set.riddle, torch.tensor(handed_riddles(), dtype=train_set.riddle.dtype))
        self.focus_steps = sum(phase.steps(cfg.batch_size) for phase in self.focus)
        self.total_steps = self.focus_steps + cfg.epochs * self.steps_per_epoch
        self.optimizer = make_optimizer(self.model, cfg)
        self.progress = Progress(next_val_at=cfg.val_every)
        self.stop = StopFlag()
        self._session_start = 0.0
        self._curves_drawn = -math.inf
        self._wall_before = 0.0
        self._clock = 0.0  # elapsed() as the ranks agreed at the start of the step
        if resume:
            self._restore()
        elif world.is_main:
            (self.run_dir / METRICS_FILE).write_text("")

    # -- state ---------------------------------------------------------------------------------
    def _schedule_state(self) -> dict:
        return {
            "kind": "linear warm-up, cosine",
            "total_steps": self.total_steps,
            "steps_per_epoch": self.steps_per_epoch,
            "focus_steps": self.focus_steps,
            "warmup": self.cfg.warmup,
            "min_lr_ratio": self.cfg.min_lr_ratio,
            "schedule_over": self.cfg.schedule_over,
        }

    def save_checkpoint(self) -> None:
        """Weights to RUN/model.pt; weights, optimizer, schedule, RNG and progress to RUN/train_state.pt
        (rank 0 only: every rank holds the same state)."""
        if not self.world.is_main:
            return
        checkpoint.save_train_state(
            self.run_dir,
            {
                "model": self.model.state_dict(),
                "optimizer": self.optimizer.state_dict(),
                "schedule": self._schedule_state(),
                "rng": rng_state(),
                "generators": generator_states(self.model),
                "progress": asdict(self.progress),
            },
        )
        checkpoint.save_weights(self.run_dir, self.model)

    def _restore(self) -> None:
        state = checkpoint.load_train_state(self.run_dir)
        checkpoint.load_into(self.model, state["model"], self.run_dir / checkpoint.STATE_FILE, "the model of this run")
        saved = state.get("schedule", {})
        if saved.get("steps_per_epoch") != self.steps_per_epoch:
            raise checkpoint.CheckpointError(
                f"{self.run_dir}: the training set has changed ({self.steps_per_epoch} batches per epoch now, "
                f"{saved.get('steps_per_epoch')} when the run started); cannot resume"
            )
        if saved.get("focus_steps", 0) != self.focus_steps:
            raise checkpoint.CheckpointError(
                f"{self.run_dir}: the focus phases have changed ({self.focus_steps} steps now, "
                f"{saved.get('focus_steps', 0)} when the run started); cannot resume"
            )
        try:
            self.optimizer.load_state_dict(state["optimizer"])
        except (ValueError, KeyError) as exc:
            raise checkpoint.CheckpointError(
                f"{self.run_dir / checkpoint.STATE_FILE}: optimizer state does not fit ({exc})"
            ) from None
        self.progress = Progress(**{**state["progress"], "stop_reason": ""})
        set_rng_state(state["rng"])
        try:
            set_generator_states(self.model, state.get("generators", {}))
        except ValueError as exc:
            raise checkpoint.CheckpointError(f"{self.run_dir / checkpoint.STATE_FILE}: {exc}") from None
        # validation points written after the checkpoint (then a hard kill) will be redone: drop them
        if not self.world.is_main:
            return
        p = self.progress
        rows = [r for r in read_metrics(self.run_dir / METRICS_FILE) if r["step"] < p.step]
        at_step = [r for r in read_metrics(self.run_dir / METRICS_FILE) if r["step"] == p.step]
        if at_step and p.last_val_step == p.step:
            rows.append(at_step[0])
        (self.run_dir / METRICS_FILE).write_text("".join(json.dumps(r) + "\n" for r in rows))

    # -- pieces ----------------------------------------------------------------------------------
    def elapsed(self) -> float:
        return self._wall_before + (time.perf_counter() - self._session_start)

    def current_lr(self) -> float:
        progress = (self.progress.step + 1) / self.total_steps
        if self.cfg.schedule_over == "budget":
            elapsed = self._clock if self.world.distributed else self.elapsed()
            progress = max(progress, elapsed / (60 * self.cfg.budget_minutes))
        return self.cfg.lr * lr_factor(progress, self.cfg.warmup, self.cfg.min_lr_ratio)

    def augment_mode(self) -> str:
        """The augmentation of the next step: cfg.augment, then cfg.augment_late once
        cfg.augment_late_from training puzzles have been seen (strong augmentation slows early
        learning but keeps long runs from memorising the hard riddles' puzzles: docs/tuning.md)."""
        cfg = self.cfg
        late = cfg.augment_late and self.progress.puzzles_seen >= cfg.augment_late_from
        return cfg.augment_late if late else cfg.augment

    def train_step(self, idx: torch.Tensor) -> float:
        lr = self.current_lr()
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        if self.world.distributed:
            return self._distributed_step(idx)
        x, y = self.train_set.batch(idx, self.device)
        mode = self.augment_mode()
        if mode != "none":
            x, y = augment(x, y, mode=mode, handed=self.handed[idx])
        self.model.train()
        loss = F.cross_entropy(self.model(x), y)
        self._update(loss)
        return float(loss.detach())

    def _distributed_step(self, idx: torch.Tensor) -> float:
        """This rank's slice of the global batch `idx`; random draws are made for the whole batch
        (identically on every rank) and sliced. Returns the loss of the global batch."""
        n = len(idx)
        part = rank_slice(n, self.world)
        x, y = self.train_set.batch(idx[part], self.device)
        mode = self.augment_mode()
        if mode != "none":
            order, coins = draw(n, x.shape[1], mode)
            x, y = augment(x, y, (order[part], coins[part]), mode, self.handed[idx[part]])
        self.ddp.train()
        kwargs = {}
        if hasattr(self.model, "sample_paths"):  # the saccadic network: scan paths of the global batch
            kwargs["paths"] = self.model.sample_paths(n).select(part)
        loss = F.cross_entropy(self.ddp(x, **kwargs), y)
        self._update(loss * loss_weight(len(y), n, self.world))
        return all_sum(float(loss.detach()) * len(y), self.world, self.device) / n

    def _update(self, loss: torch.Tensor) -> None:
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if self.cfg.grad_clip > 0:
            nn.utils.clip_grad_norm_(self.model.parameters(), self.cfg.grad_clip)
        self.optimizer.step()

    def validate(self, kind: str) -> dict:
        """Score the validation set, append a metrics row, and return it. Under data parallelism rank 0
        validates and writes while the others wait; all learn the accuracy."""
        p = self.progress
        start = time.perf_counter()
        row: dict = {}
        if self.world.is_main:
            row = self._score(kind)
        p.val_time_s += time.perf_counter() - start
        accuracy = all_max([row.get("val_accuracy", -1.0)], self.world, self.device)[0]
        p.loss_sum, p.loss_count = 0.0, 0
        p.last_val_step = p.step
        p.last_val_accuracy = accuracy
        p.best_val_accuracy = max(p.best_val_accuracy, accuracy)
        return row or {"kind": kind, "step": p.step, "val_accuracy": accuracy}

    def _score(self, kind: str) -> dict:
        p = self.progress
        pred = predict(self.model, self.val_set, self.cfg.eval_batch_size, self.device, seed=self.cfg.seed)
        accuracy = float((pred.chosen == self.val_set.label.numpy()).mean())
        row = {
            "kind": kind,
            "epoch": round(p.puzzles_seen / len(self.train_set), 4),
            "step": p.step,
            "puzzles_seen": p.puzzles_seen,
            "wall_time_s": round(self.elapsed(), 3),
            "train_time_s": round(p.train_time_s, 3),
            "train_loss": p.loss_sum / p.loss_count if p.loss_count else None,
            "val_loss": pred.loss,
            "val_accuracy": accuracy,
            "val_n": len(self.val_set),
            "lr": self.optimizer.param_groups[0]["lr"],
        }
        with open(self.run_dir / METRICS_FILE, "a") as f:
            f.write(json.dumps(row) + "\n")
        return row

    def stop_reason(self) -> str:
        if self.stop.reason:
            return self.stop.reason
        if self.cfg.budget_minutes and self.elapsed() >= 60 * self.cfg.budget_minutes:
            return "budget"
        return ""

    def agreed_stop_reason(self) -> str:
        """`stop_reason`, agreed by all ranks (any rank's signal stops all; the budget is read on the
        slowest clock, which also drives the budget schedule of this step)."""
        if not self.world.distributed:
            return self.stop_reason()
        code, self._clock = all_max([STOP_CODES.index(self.stop.reason), self.elapsed()], self.world, self.device)
        if code:
            return STOP_CODES[int(code)]
        if self.cfg.budget_minutes and self._clock >= 60 * self.cfg.budget_minutes:
            return "budget"
        return ""

    # -- the loop ----------------------------------------------------------------------------------
    def run(self) -> TrainResult:
        p, cfg, n = self.progress, self.cfg, len(self.train_set)
        self._wall_before = p.wall_time_s
        self._session_start = time.perf_counter()
        puzzles_at_start, train_time_at_start = p.puzzles_seen, p.train_time_s
        show = cfg.progress and self.world.is_main
        bar = tqdm(total=self.total_steps, initial=p.step, unit="step", disable=not show, dynamic_ncols=True)
        with self.stop, bar:
            while p.focus_phase < len(self.focus) and not p.stop_reason:
                phase = self.focus[p.focus_phase]
                order = phase_order(self.train_set.riddle, phase, cfg.seed, p.focus_phase)
                self._train_batches(order, phase.steps(cfg.batch_size), "focus_batch", bar)
                if p.stop_reason:
                    break
                p.focus_phase += 1
                p.focus_batch = 0
                self._end_of_pass()
            while p.epoch < cfg.epochs and not p.stop_reason:
                order = epoch_order(n, cfg.seed, p.epoch, self.repeats)
                self._train_batches(order, self.steps_per_epoch, "batch", bar)
                if p.stop_reason:
                    break
                if p.last_val_step != p.step:
                    self.validate("epoch")
                p.epoch += 1
                p.batch = 0
                self._end_of_pass()
            p.stop_reason = p.stop_reason or "completed"
            p.wall_time_s = self.elapsed()
            self.save_checkpoint()
        self.write_curves(force=True)
        summary = self.summary(p.puzzles_seen - puzzles_at_start, p.train_time_s - train_time_at_start)
        if self.world.is_main:
            checkpoint.write_json(self.run_dir / SUMMARY_FILE, summary)
        return TrainResult(p.stop_reason, summary)

    def _train_batches(self, order: torch.Tensor, steps: int, position: str, bar: tqdm) -> None:
        """Train on the batches of `order` (a focus phase or an epoch) from Progress.`position` (the
        field that counts its batches) to `steps`, validating on the way; return early on a stop."""
        p, cfg = self.progress, self.cfg
        while getattr(p, position) < steps:
            p.stop_reason = self.agreed_stop_reason()
            if p.stop_reason:
                return
            batch = getattr(p, position)
            idx = order[batch * cfg.batch_size : (batch + 1) * cfg.batch_size]
            start = time.perf_counter()
            loss = self.train_step(idx)
            p.train_time_s += time.perf_counter() - start
            p.step += 1
            setattr(p, position, batch + 1)
            p.puzzles_seen += len(idx)
            p.loss_sum += loss * len(idx)
            p.loss_count += len(idx)
            bar.update(1)
            if cfg.val_every and p.puzzles_seen >= p.next_val_at:
                self.validate("interval")
                while p.next_val_at <= p.puzzles_seen:
                    p.next_val_at += cfg.val_every
            if p.step % 10 == 0 or p.last_val_step == p.step:
                postfix = {"loss": f"{loss:.3f}", "lr": f"{self.optimizer.param_groups[0]['lr']:.2e}"}
                if p.last_val_accuracy is not None:
                    postfix["val"] = f"{p.last_val_accuracy:.3f}"
                bar.set_postfix(postfix, refresh=False)
            if self.on_step:
                self.on_step(self)

    def _end_of_pass(self) -> None:
        """After a focus phase or an epoch: a checkpoint and the curves."""
        self.progress.wall_time_s = self.elapsed()
        self.save_checkpoint()
        self.write_curves()

    def write_curves(self, force: bool = False) -> None:
        """Redraw RUN/curves.png; during training at most every CURVES_INTERVAL_S (drawing takes ~0.5 s,
        which would dominate runs with short epochs), at the end always. Rank 0 only."""
        if not self.world.is_main:
            return
        if not force and time.perf_counter() - self._curves_drawn < CURVES_INTERVAL_S:
            return
        rows = read_metrics(self.run_dir / METRICS_FILE)
        if rows:
            plot_curves(rows, self.run_dir / CURVES_FILE, title=str(self.run_dir.name))
        self._curves_drawn = time.perf_counter()

    def summary(self, session_puzzles: int, session_train_time: float) -> dict:
        p = self.progress
        rows = read_metrics(self.run_dir / METRICS_FILE)
        out = {
            "stop_reason": p.stop_reason,
            "parameters": parameter_counts(self.model),
            "epochs_completed": round(p.puzzles_seen / len(self.train_set), 4),
            "steps": p.step,
            "planned_steps": self.total_steps,
            "puzzles_seen": p.puzzles_seen,
            "train_size": len(self.train_set),
            "val_size": len(self.val_set),
            "wall_time_s": round(p.wall_time_s, 3),
            "train_time_s": round(p.train_time_s, 3),
            "val_time_s": round(p.val_time_s, 3),
            "train_throughput_puzzles_per_s": p.puzzles_seen / p.train_time_s if p.train_time_s else None,
            "session_train_throughput_puzzles_per_s": session_puzzles / session_train_time
            if session_train_time
            else None,
            "final_val_accuracy": p.last_val_accuracy,
            "best_val_accuracy": p.best_val_accuracy,
            "device": str(self.device),
            "threads": torch.get_num_threads(),
            "processes": self.world.size,
            "torch_version": torch.__version__,
            "python": sys.version.split()[0],
        }
        for t in THRESHOLDS:
            out[f"puzzles_to_{round(100 * t)}"] = first_reaching(rows, t, "puzzles_seen")
            out[f"seconds_to_{round(100 * t)}"] = first_reaching(rows, t, "wall_time_s")
        return out


def train(
    model: nn.Module,
    train_set: Puzzles,
    val_set: Puzzles,
    run_dir: Path,
    cfg: TrainConfig,
    resume: bool = False,
    on_step: Callable[[Trainer], None] | None = None,
    world: World = SINGLE,
) -> TrainResult:
    """Train `model` in `run_dir` (which must exist; RUN/config.json is the caller's) and return why
    it stopped with the run summary (also written to RUN/summary.json by rank 0)."""
    return Trainer(model, train_set, val_set, run_dir, cfg, resume=resume, on_step=on_step, world=world).run()
