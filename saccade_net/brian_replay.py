"""Replay a trained SNU core (a `CoreSpec`) as a Brian2 spiking network, many puzzles per run.

Network layout (built once per batch size B and sequence length T, reused for every batch):

- `inp`: B·n_input input units whose value x is read from a 2-D `TimedArray` (one row per SNU
  step); `Synapses` inp → layer 0 carry W as graded (summed) synapses, or, with
  `input="current"`, the current W x_t is precomputed in numpy and read from the TimedArray directly.
- one `NeuronGroup` per SNU layer and one for the readout, each holding B copies of the layer:
  neuron index = puzzle · n + unit; every `Synapses` object is block-diagonal (no synapse between
  two puzzles), so one `run` simulates the whole batch independently.
- spikes of step layers travel as events (`on_pre`), outputs of graded (sigmoid/identity) layers
  as summed variables.

Two modes:

**discrete** — the exact SNU update on Brian2's clock, dt = one SNU step (`step_ms`). Within a step
the objects run in a fixed order (all in the "groups" slot, ordered explicitly): input sum → layer 0
update → its spikes (threshold) → its recurrent and feed-forward events → layer 1 update → … →
readout. The update is the SNU's own:

    v = I_ff + l·s·(1 − y) + I_rec ;  s = relu(v) ;  y = [s + b > 0]

where I_ff holds this step's input (W x_t, or the events of the layer below in this same step) and
I_rec the recurrent events of the previous step (H y_{t-1}); both are cleared after use. In float64
this equals the numpy reference up to the summation order of W x and H y (≈1e-16), so spikes agree
except for membranes that land within rounding of the threshold.

**continuous** — a leaky integrate-and-fire reading of the same weights, integrated exactly (linear
ODE) on a finer clock dt = Δt/`substeps` (Δt = one SNU step = `step_ms`):

    dv/dt = −v/τ + drive(t)          τ = −Δt / ln l  (the membrane decays by exactly l per step)
    spike when v > θ = −b ;  then v → 0 (the SNU's reset to zero) and refractory for a while
    v ≥ 0 after every fine step (the SNU's ReLU g; g = identity: no floor)
    a spike adds its weight to the target's v (delta synapses): to the next layer within the same
    fine step, to its own layer after `rec_delay_steps`·Δt (default one step, as H·y_{t−1})

Two drives for the input W x_t of step t (both deliver the same charge per step):
- "current" (default, the biologically realistic reading): a constant current over the step,
  drive = c·(W x_t)/Δt with c = −ln l / (1 − l), so that in the absence of spikes the membrane at
  the end of each step equals the SNU's s_t exactly (tested). Spikes then happen *during* the step
  and a neuron may fire several times per step, so a refractory period (default half a step) keeps
  rates near the SNU's at most one spike per step. This reading is not identical to the SNU: the
  charge left over after a mid-step spike is kept (the SNU drops it), and recurrent input arrives
  at the phase it was emitted.
- "pulse": W x_t arrives as a jump at the start of the step. With the default refractory period
  (just under one step) this reproduces the SNU spike for spike: the continuous membrane only
  decays between step starts, so all crossings happen there.
Note the two time constants: the SNU's own τ_SNU = Δt/(1 − l) (its forward-Euler leak l = 1 − Δt/τ)
and the exact one used here, τ = −Δt/ln l, slightly shorter (l = 0.8: 5 Δt vs 4.48 Δt).
The readout stays a rate unit evaluated once per step on the spike count of the last layer within
the step (its window): s_t = W_r·count_t + l_r·s_{t−1}·(1 − y_{t−1}), logit s + b.

Code generation targets: "numpy", "cython" (compiles each code object on first use, cached),
"cpp_standalone" (one C++ program built on the first batch; later batches rerun it with new
TimedArray values through `device.run(run_args=…)`). Only one standalone replay can live per process.
Each standalone run re-creates every synapse (B copies of each weight matrix) and writes every array
to disk at its end, so for many short batches the runtime targets are faster; its project goes to
/dev/shm when there is one. "cuda_standalone" is the GPU device of the brian2cuda package, used the
same way where brian2cuda and the CUDA toolkit are installed (not a dependency; untested in this
project's CI, which has no GPU). With `input="current"` the dense input product W·x is done by numpy
before the run (exactly as in the reference) and the input synapses are not built.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass

import numpy as np

from .core_spec import CoreSpec, LayerSpec, ReplayError, validate

TARGETS = ("numpy", "cython", "cpp_standalone", "cuda_standalone")
STANDALONE = {"cpp_standalone": "CPPStandaloneDevice", "cuda_standalone": "CUDAStandaloneDevice"}
MODES = ("discrete", "continuous")
INPUTS = ("synapses", "current")
DRIVES = ("current", "pulse")
ACTIVATION_CODE = {"step": "y = int(s + b > 0)", "sigmoid": "y = 1 / (1 + exp(-(s + b)))", "identity": "y = s + b"}


@dataclass
class ReplayConfig:
    """How to replay: mode, code generation target, timing and input wiring.

    step_ms: the duration of one SNU step in biological time (Brian2 needs one; it sets τ in ms).
    substeps, drive, refractory_steps (None: half a step for the current drive, just under one step
    for the pulse drive), rec_delay_steps, ff_delay_steps: continuous mode only (module docstring).
    threads: OpenMP threads of the standalone program. build_dir: where the standalone project goes
    (a temporary directory by default).
    """

    mode: str = "discrete"
    target: str = "numpy"
    step_ms: float = 1.0
    input: str = "synapses"
    substeps: int = 10
    drive: str = "current"
    refractory_steps: float | None = None
    rec_delay_steps: float = 1.0
    ff_delay_steps: float = 0.0
    threads: int = 1
    build_dir: str | None = None
    record_membranes: bool = False

    def refractory(self) -> float:
        """The refractory period in steps (continuous mode): the set one, else the drive's default."""
        if self.refractory_steps is not None:
            return float(self.refractory_steps)
        return 1.0 - 0.5 / self.substeps if self.drive == "pulse" else 0.5

    def check(self) -> None:
        if self.mode not in MODES:
            raise ReplayError(f"unknown mode {self.mode!r}; choose from {', '.join(MODES)}")
        if self.target not in TARGETS:
            raise ReplayError(f"unknown code generation target {self.target!r}; choose from {', '.join(TARGETS)}")
        if self.drive not in DRIVES:
            raise ReplayError(f"unknown drive {self.drive!r}; choose from {', '.join(DRIVES)}")
        if self.input not in INPUTS:
            raise ReplayError(f"unknown input wiring {self.input!r}; choose from {', '.join(INPUTS)}")
        if (
            self.step_ms <= 0
            or self.substeps < 1
            or (self.refractory_steps or 0) < 0
            or min(self.rec_delay_steps, self.ff_delay_steps) < 0
        ):
            raise ReplayError("step_ms must be > 0, substeps >= 1, refractory_steps and delay_steps >= 0")


@dataclass
class ReplayResult:
    """What a batch replay produced (B puzzles, T steps).

    outputs: per SNU layer (B, T, n): spikes (0/1; in continuous mode the number of spikes within the
    step) of step layers, y of graded layers; logit, readout: (B, T, n_out) readout s + b and its
    output (None without a readout); membranes: per layer (B, T, n) when recorded; wall_s: seconds
    spent in Brian2 for this batch (building and compiling excluded: `build_s`, `compile_s`); spike_times: per step
    layer, the first puzzle's spikes as (unit, time in steps) for rasters (None for graded layers).
    """

    outputs: list[np.ndarray]
    logit: np.ndarray | None
    readout: np.ndarray | None
    membranes: list[np.ndarray] | None = None
    wall_s: float = 0.0
    build_s: float = 0.0
    spike_times: list[tuple[np.ndarray, np.ndarray]] | None = None


def _block_indices(batch: int, n_pre: int, n_post: int) -> tuple[np.ndarray, np.ndarray]:
    """Pre and post indices of B block-diagonal copies of a dense n_pre × n_post connection
    (synapse order: puzzle, then pre unit, then post unit, matching W.ravel())."""
    a = np.arange(n_pre, dtype=np.int64)[:, None]
    u = np.arange(n_post, dtype=np.int64)[None, :]
    p = np.arange(batch, dtype=np.int64)[:, None, None]
    pre = (p * n_pre + a[None]).repeat(n_post, axis=2).ravel()
    post = (p * n_post + u[None]).repeat(n_pre, axis=1).ravel()
    return pre.astype(np.int32), post.astype(np.int32)


def _tile(vec: np.ndarray, batch: int) -> np.ndarray:
    return np.tile(np.asarray(vec, dtype=np.float64), batch)


def continuous_constants(decay: np.ndarray, step_s: float) -> tuple[np.ndarray, np.ndarray]:
    """τ (seconds) and the input gain c per unit for the continuous mode: τ = −Δt / ln l and
    c = −ln l / (1 − l) (limits: l → 1 gives τ → ∞, c → 1; l → 0 is clamped to 1e-6)."""
    lam = np.clip(np.asarray(decay, dtype=np.float64), 1e-6, 1.0)
    with np.errstate(divide="ignore"):
        ln = np.log(lam)
        tau = np.where(lam < 1.0 - 1e-12, -step_s / np.where(ln == 0, -1.0, ln), 1e9)
        c = np.where(lam < 1.0 - 1e-9, -ln / np.where(lam < 1.0 - 1e-9, 1.0 - lam, 1.0), 1.0)
    return tau, c


class BrianReplay:
    """A Brian2 network for one CoreSpec, B puzzles and T steps; `run(inputs)` replays a batch.

    Build once, run many batches: runtime targets restore the stored initial state before each
    batch; the standalone target compiles once and reruns the binary with new input values.
    """

    def __init__(self, spec: CoreSpec, batch: int, n_steps: int, config: ReplayConfig | None = None) -> None:
        import brian2 as b2

        self.b2 = b2
        self.spec = validate(spec)
        self.config = config or ReplayConfig()
        self.config.check()
        if batch < 1 or n_steps < 1:
            raise ReplayError(f"batch and n_steps must be >= 1, got {batch} and {n_steps}")
        if self.config.mode == "continuous" and not all(layer.spiking for layer in spec.layers):
            raise ReplayError("continuous mode needs spiking (step) SNU layers; replay soft layers in discrete mode")
        self.batch, self.n_steps = batch, n_steps
        self.step = self.config.step_ms * b2.ms
        self.standalone = self.config.target in STANDALONE
        self._built = False
        self._closed = False
        self.compile_s = 0.0  # runtime targets: during the build; standalone: before the first batch
        t0 = time.perf_counter()
        self._set_target()
        try:
            self._build()
        except BaseException:
            self.close()  # never leave the process on the standalone device
            raise
        self.build_s = time.perf_counter() - t0 - self.compile_s

    # ---------------------------------------------------------------------------------------- setup

    def _set_target(self) -> None:
        b2 = self.b2
        if self.standalone:
            from brian2.devices.device import get_device

            if type(get_device()).__name__ in STANDALONE.values():
                raise ReplayError("a standalone replay is already open in this process; close it first")
            if self.config.target == "cuda_standalone":
                try:
                    import brian2cuda  # noqa: F401  (registers the cuda_standalone device)
                except ImportError:
                    raise ReplayError(
                        "target cuda_standalone needs the brian2cuda package and a CUDA toolkit "
                        "(pip install brian2cuda); use cpp_standalone or cython on this machine"
                    ) from None
            self._tmpdir = None
            if self.config.build_dir is None:  # shared memory when there is some: the program writes every array
                shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
                self._tmpdir = tempfile.mkdtemp(prefix="brian_replay_", dir=shm)
            self.build_dir = self.config.build_dir or self._tmpdir
            b2.set_device(self.config.target, directory=self.build_dir, build_on_run=False)
            if self.config.target == "cpp_standalone":
                b2.prefs.devices.cpp_standalone.openmp_threads = max(
                    0, int(self.config.threads) if self.config.threads > 1 else 0
                )
        else:
            self._previous_target = b2.prefs.codegen.target
            b2.prefs.codegen.target = self.config.target
        b2.prefs.core.default_float_dtype = np.float64

    def _inputs_width(self) -> int:
        return self.spec.layers[0].n if self.config.input == "current" else self.spec.n_input

    def _build(self) -> None:
        b2 = self.b2
        B, T = self.batch, self.n_steps
        self._stim_values = np.zeros((T, B * self._inputs_width()))
        self.stim = b2.TimedArray(self._stim_values, dt=self.step, name="replay_stim")
        self.objects: list = []
        self.layer_groups: list = []
        self.monitors: dict = {}
        if self.config.mode == "discrete":
            self._build_discrete()
        else:
            self._build_continuous()
        self.net = b2.Network(self.objects)
        if self.standalone:
            self.net.run(T * self.step + self._extra_time(), namespace={"replay_stim": self.stim})
        else:
            self.net.store("init")
            # a run of no time generates and compiles every code object now (cython: seconds each on
            # first use, then cached), so that the first batch's speed does not include it
            t0 = time.perf_counter()
            self.net.run(0 * b2.second, namespace={"replay_stim": self.stim})
            self.compile_s = time.perf_counter() - t0

    def _extra_time(self):
        # continuous mode: the readout of the last step is evaluated at the start of step T
        return 0 * self.b2.second if self.config.mode == "discrete" else self.step / self.config.substeps

    # --------------------------------------------------------------------------------- discrete mode

    def _build_discrete(self) -> None:
        b2 = self.b2
        B = self.batch
        stack = self.spec.all_layers
        sequence: list = []  # objects of the "groups" slot in execution order
        source = None  # previous NeuronGroup
        if self.config.input == "synapses":
            inp = b2.NeuronGroup(B * self.spec.n_input, "x = replay_stim(t, i) : 1", dt=self.step, name="inp")
            self.objects.append(inp)
            source = inp
        for k, layer in enumerate(stack):
            name = "readout" if k == len(self.spec.layers) else f"snu{k}"
            eqs = """
            s : 1
            y : 1
            I_ff : 1
            I_rec : 1
            l : 1 (constant)
            b : 1 (constant)
            ib : 1 (constant)
            """
            if k == 0 and self.config.input == "current":
                eqs += "I_ext = replay_stim(t, i) : 1\n"
            G = b2.NeuronGroup(
                B * layer.n,
                eqs,
                threshold="y > 0.5" if layer.spiking else None,
                reset="" if layer.spiking else None,
                dt=self.step,
                name=name,
            )
            G.l = _tile(layer.decay, B)
            G.b = _tile(layer.bias, B)
            G.ib = _tile(layer.i_bias if layer.i_bias is not None else np.zeros(layer.n), B)
            self.objects.append(G)
            # feed-forward into this layer: summed (graded source) or events (spiking source, whose
            # pathway runs here, after the source's threshold and before this layer's update)
            ff_events = False
            if k == 0 and self.config.input == "current":
                ff_term = "I_ext"
            else:
                graded_source = k == 0 or not stack[k - 1].spiking
                syn = self._synapses(
                    source,
                    G,
                    layer.W,
                    summed_var="I_ff" if graded_source else None,
                    pre_var="x" if k == 0 else "y",
                    on_pre=None if graded_source else "I_ff_post += w",
                    name=f"{name}_ff",
                )
                sequence.append(syn.summed_updaters["I_ff_post"] if graded_source else syn.pre)
                ff_events = not graded_source
                ff_term = "I_ff"
            rec = None
            if layer.H is not None:
                rec = self._synapses(
                    G,
                    G,
                    layer.H,
                    summed_var=None if layer.spiking else "I_rec",
                    pre_var="y",
                    on_pre="I_rec_post += w" if layer.spiking else None,
                    name=f"{name}_rec",
                )
                if not layer.spiking:  # y_{t-1}, summed before this step's update
                    sequence.append(rec.summed_updaters["I_rec_post"])
            carry = "(l * s) * (1 - y)" if layer.reset else "(l * s)"
            code = [f"v = ({ff_term} + ib + {carry})" + (" + I_rec" if rec is not None else "")]
            code.append("s = clip(v, 0, inf)" if layer.g == "relu" else "s = v")
            code.append(ACTIVATION_CODE[layer.activation])
            if ff_events:
                code.append("I_ff = 0")
            if rec is not None and layer.spiking:
                code.append("I_rec = 0")
            sequence.append(G.run_regularly("\n".join(code), when="groups", name=f"{name}_update"))
            if layer.spiking:
                sequence.append(G.thresholder["spike"])
                if rec is not None:  # events land in I_rec, used at the next step
                    sequence.append(rec.pre)
            self.layer_groups.append(G)
            self._monitor(G, layer, name)
            source = G
        for order, obj in enumerate(sequence):
            obj.when, obj.order = "groups", order
        self.sequence = sequence

    def _synapses(
        self, source, target, W: np.ndarray, summed_var: str | None, pre_var: str, on_pre: str | None, name: str
    ):
        b2 = self.b2
        model = "w : 1 (constant)"
        if summed_var is not None:
            model += f"\n{summed_var}_post = w * {pre_var}_pre : 1 (summed)"
        syn = b2.Synapses(
            source,
            target,
            model=model,
            on_pre=on_pre,
            name=name,
            dt=source.clock.dt if hasattr(source, "clock") else None,
        )
        pre, post = _block_indices(self.batch, W.shape[0], W.shape[1])
        syn.connect(i=pre, j=post)
        syn.w = np.tile(np.asarray(W, dtype=np.float64).ravel(), self.batch)
        self.objects.append(syn)
        return syn

    def _monitor(self, G, layer: LayerSpec, name: str) -> None:
        b2 = self.b2
        mons = {}
        if layer.spiking:
            mons["spikes"] = b2.SpikeMonitor(G, record=True, when="end", name=f"{name}_spikemon")
        variables = []
        if name == "readout":
            variables = ["s", "y"]
        elif not layer.spiking:
            variables = ["y"]
        if self.config.record_membranes and name != "readout":
            variables.append("s" if self.config.mode == "discrete" else "v")
        if variables:
            kw = {"when": "end"}
            if self.config.mode == "continuous" and name == "readout":
                kw = {"when": "start", "order": 10}
            mons["state"] = b2.StateMonitor(G, variables, record=True, name=f"{name}_statemon", **kw)
        self.objects.extend(mons.values())
        self.monitors[name] = mons

    # ------------------------------------------------------------------------------- continuous mode

    def _build_continuous(self) -> None:
        """LIF layers on the fine clock; explicit order within each fine step (all in "groups"):
        the input drive (at step starts), every layer's state update (the leak), then per layer:
        incoming spikes (recurrent, then feed-forward from the layer below in this same fine step),
        the pulse (pulse drive), the floor (g = relu), threshold, reset."""
        b2 = self.b2
        # the readout counts spikes of the fine clock on the step clock, on purpose
        b2.BrianLogger.suppress_name("synapses_dt_mismatch")
        B, cfg = self.batch, self.config
        fine = self.step / cfg.substeps
        step_s = float(self.step / b2.second)
        pulse = cfg.drive == "pulse"
        ref_steps = cfg.refractory()
        refractory = ref_steps * self.step
        # a recurrent spike is pushed one fine step after it is emitted (its pathway runs before the
        # threshold), so the synaptic delay is one fine step shorter than the wanted one
        rec_delay = max(cfg.rec_delay_steps * self.step - fine, 0 * b2.second)
        ff_delay = cfg.ff_delay_steps * self.step
        first: list = []  # drive and state updaters
        sequence: list = []  # per-layer objects, in order
        source = None
        for k, layer in enumerate(self.spec.layers):
            name = f"snu{k}"
            tau, c = continuous_constants(layer.decay, step_s)
            drive = ""
            if not pulse and (k == 0 or (layer.i_bias is not None and np.any(layer.i_bias))):
                drive = " + c * (I_in + ib) / step" if k == 0 else " + c * ib / step"
            unless = " (unless refractory)" if ref_steps > 0 else ""
            eqs = f"""
            dv/dt = -v / tau{drive} : 1{unless}
            tau : second (constant)
            c : 1 (constant)
            theta : 1 (constant)
            ib : 1 (constant)
            """
            if k == 0:
                eqs += "I_in = replay_stim(t, i) : 1\n" if cfg.input == "current" else "I_in : 1 (linked)\n"
            G = b2.NeuronGroup(
                B * layer.n,
                eqs,
                threshold="v > theta",
                reset="v = 0",
                refractory=refractory if ref_steps > 0 else False,
                method="exact",
                dt=fine,
                name=name,
                namespace={"step": self.step},
            )
            G.tau = _tile(tau, B) * b2.second
            G.c = _tile(c, B)
            G.theta = -_tile(layer.bias, B)
            G.ib = _tile(layer.i_bias if layer.i_bias is not None else np.zeros(layer.n), B)
            self.objects.append(G)
            first.append(G.state_updater)
            if k == 0 and cfg.input == "synapses":
                inp = b2.NeuronGroup(B * layer.n_in, "x = replay_stim(t, i) : 1", dt=self.step, name="inp")
                D = b2.NeuronGroup(B * layer.n, "I : 1", dt=self.step, name="drive")
                self.objects += [inp, D]
                syn = self._synapses(inp, D, layer.W, summed_var="I", pre_var="x", on_pre=None, name=f"{name}_ff")
                first.insert(0, syn.summed_updaters["I_post"])
                G.I_in = b2.linked_var(D, "I")
            if layer.H is not None:
                sequence.append(self._spike_synapses(G, G, layer.H, "v_post += w", rec_delay, f"{name}_rec").pre)
            if k > 0:
                sequence.append(self._spike_synapses(source, G, layer.W, "v_post += w", ff_delay, f"{name}_ff").pre)
            if pulse:
                code = "v += I_in + ib" if k == 0 else "v += ib"
                if k == 0 or np.any(G.ib[:]):
                    sequence.append(G.run_regularly(code, dt=self.step, when="groups", name=f"{name}_pulse"))
            if layer.g == "relu":
                sequence.append(G.run_regularly("v = clip(v, 0, inf)", when="groups", name=f"{name}_floor"))
            sequence += [G.thresholder["spike"], G.resetter["spike"]]
            self.layer_groups.append(G)
            self._monitor(G, layer, name)
            source = G
        layer = self.spec.readout
        if layer is not None:  # a rate unit updated once per step from the spike count of its window
            eqs = """
            s : 1
            y : 1
            acc : 1
            l : 1 (constant)
            b : 1 (constant)
            ib : 1 (constant)
            """
            G = b2.NeuronGroup(B * layer.n, eqs, dt=self.step, name="readout")
            G.l, G.b = _tile(layer.decay, B), _tile(layer.bias, B)
            G.ib = _tile(layer.i_bias if layer.i_bias is not None else np.zeros(layer.n), B)
            carry = "(l * s) * (1 - y)" if layer.reset else "(l * s)"
            code = [
                f"v = acc + ib + {carry}",
                "s = clip(v, 0, inf)" if layer.g == "relu" else "s = v",
                ACTIVATION_CODE[layer.activation],
                "acc = 0",
            ]
            self.objects.append(G)
            self.objects.append(G.run_regularly("\n".join(code), when="start", order=0, name="readout_update"))
            sequence.append(self._spike_synapses(source, G, layer.W, "acc_post += w", 0 * b2.second, "readout_ff").pre)
            self.layer_groups.append(G)
            self._monitor(G, layer, "readout")
        for order, obj in enumerate(first + sequence):
            obj.when, obj.order = "groups", order
        self.sequence = first + sequence

    def _spike_synapses(self, source, target, W, on_pre: str, delay, name: str):
        b2 = self.b2
        syn = b2.Synapses(source, target, "w : 1 (constant)", on_pre=on_pre, delay=delay, name=name, dt=source.clock.dt)
        pre, post = _block_indices(self.batch, W.shape[0], W.shape[1])
        syn.connect(i=pre, j=post)
        syn.w = np.tile(np.asarray(W, dtype=np.float64).ravel(), self.batch)
        self.objects.append(syn)
        return syn

    # ------------------------------------------------------------------------------------------ run

    def _stimulus(self, inputs: np.ndarray) -> np.ndarray:
        """(B', T', n_input) → TimedArray values (T, B·width), zero-padded to the built B and T."""
        x = np.asarray(inputs, dtype=np.float64)
        if x.ndim != 3 or x.shape[2] != self.spec.n_input:
            raise ReplayError(f"inputs must be (B, T, {self.spec.n_input}), got {x.shape}")
        if x.shape[0] > self.batch or x.shape[1] > self.n_steps:
            raise ReplayError(f"inputs {x.shape[:2]} exceed the built batch and steps ({self.batch}, {self.n_steps})")
        if self.config.input == "current":
            layer = self.spec.layers[0]
            x = x @ layer.W
        full = np.zeros((self.batch, self.n_steps, x.shape[2]))
        full[: x.shape[0], : x.shape[1]] = x
        return np.ascontiguousarray(full.transpose(1, 0, 2).reshape(self.n_steps, -1))

    def run(self, inputs: np.ndarray) -> ReplayResult:
        """Replay a batch: inputs (B', T', n_input) with B' ≤ B and T' ≤ T (zero-padded). Returns the
        outputs for the B' puzzles and T' steps."""
        if self._closed:
            raise ReplayError("this replay has been closed")
        b2 = self.b2
        t0 = time.perf_counter()
        values = self._stimulus(inputs)  # (with input="current" this holds the W·x product: timed too)
        n_b, n_t = np.shape(inputs)[:2]
        if self.standalone:
            from brian2 import device

            if not self._built:
                device.build(directory=self.build_dir, compile=True, run=False, clean=False)
                self._built = True
                self.compile_s = time.perf_counter() - t0
                t0 = time.perf_counter()
            device.run(run_args={self.stim: values})
            t_run = self.n_steps
        else:  # runtime targets simulate only the steps this batch needs
            self.net.restore("init")
            stim = b2.TimedArray(values, dt=self.step, name="replay_stim")
            t_run = n_t
            self.net.run(t_run * self.step + self._extra_time(), namespace={"replay_stim": stim})
        wall = time.perf_counter() - t0
        result = self._collect(n_b, n_t, t_run)
        result.wall_s = wall
        result.build_s = self.build_s
        return result

    def _collect(self, n_b: int, n_t: int, T: int) -> ReplayResult:
        B = self.batch
        outputs, membranes, spike_times = [], [], []
        logit = readout = None
        continuous = self.config.mode == "continuous"
        for k, layer in enumerate(self.spec.all_layers):
            name = "readout" if k == len(self.spec.layers) else f"snu{k}"
            mons = self.monitors[name]
            if name == "readout":
                st = mons["state"]
                s = np.asarray(st.s).T  # (time, B*n)
                y = np.asarray(st.y).T
                if continuous:  # sample k+1 (start of step k+1) holds step k
                    s, y = s[1 : T + 1], y[1 : T + 1]
                s = s[:T].reshape(T, B, layer.n).transpose(1, 0, 2)[:n_b, :n_t]
                y = y[:T].reshape(T, B, layer.n).transpose(1, 0, 2)[:n_b, :n_t]
                logit, readout = s + layer.bias, y
                continue
            if layer.spiking:
                sm = mons["spikes"]
                idx = np.asarray(sm.i, dtype=np.int64)
                step = np.floor(np.asarray(sm.t / self.step) + 1e-6).astype(np.int64)
                counts = np.zeros((T, B * layer.n), dtype=np.float64)
                keep = step < T
                np.add.at(counts, (step[keep], idx[keep]), 1.0)
                out = counts.reshape(T, B, layer.n).transpose(1, 0, 2)
                first = idx < layer.n  # puzzle 0: (unit, time in steps), for rasters
                spike_times.append((idx[first], np.asarray(sm.t / self.step)[first]))
            else:
                out = np.asarray(mons["state"].y).T[:T].reshape(T, B, layer.n).transpose(1, 0, 2)
                spike_times.append(None)
            outputs.append(out[:n_b, :n_t])
            if self.config.record_membranes:
                st = mons["state"]
                var = "v" if continuous else "s"
                m = np.asarray(getattr(st, var)).T
                if continuous:  # last sample of each step
                    m = m[self.config.substeps - 1 :: self.config.substeps]
                membranes.append(m[:T].reshape(-1, B, layer.n).transpose(1, 0, 2)[:n_b, :n_t])
        return ReplayResult(
            outputs, logit, readout, membranes if self.config.record_membranes else None, spike_times=spike_times
        )

    def synapse_counts(self) -> dict[str, int]:
        """Synapses per puzzle by kind (as built)."""
        return self.spec.n_synapses()

    def close(self) -> None:
        """Release the network; for cpp_standalone also reset the device to runtime mode."""
        if self._closed:
            return
        self._closed = True
        if self.standalone:
            from brian2 import device

            device.reinit()
            device.activate()
            self.b2.set_device("runtime")
            if self._tmpdir is not None:
                shutil.rmtree(self._tmpdir, ignore_errors=True)
        elif getattr(self, "_previous_target", None) is not None:
            self.b2.prefs.codegen.target = self._previous_target
        self.net = None

    def __enter__(self) -> BrianReplay:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def replay(
    spec: CoreSpec, inputs: np.ndarray, config: ReplayConfig | None = None, batch: int | None = None
) -> ReplayResult:
    """Build a replay for `inputs` (B, T, n) and run it in batches of `batch` (all at once by default);
    results are concatenated over puzzles."""
    x = np.asarray(inputs)
    if x.ndim != 3 or x.shape[2] != spec.n_input:
        raise ReplayError(f"inputs must be (B, T, {spec.n_input}), got {x.shape}")
    n_b, n_t = x.shape[:2]
    size = min(batch or n_b, n_b)
    with BrianReplay(spec, size, n_t, config) as rep:
        parts = [rep.run(x[i : i + size]) for i in range(0, n_b, size)]
    cat = lambda key: None if getattr(parts[0], key) is None else np.concatenate([getattr(p, key) for p in parts])  # noqa: E731
    outs = [np.concatenate([p.outputs[k] for p in parts]) for k in range(len(parts[0].outputs))]
    mems = None
    if parts[0].membranes is not None:
        mems = [np.concatenate([p.membranes[k] for p in parts]) for k in range(len(parts[0].membranes))]
    return ReplayResult(outs, cat("logit"), cat("readout"), mems, sum(p.wall_s for p in parts), parts[0].build_s)
