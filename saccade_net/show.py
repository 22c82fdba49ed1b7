"""Figures of `saccade-net show`: for each puzzle, the scan path on the canvas (numbered fixations),
the glimpses, a spike raster per SNU layer and the readout over time (matplotlib, Agg backend)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from .canvas import N_PANELS
from .network import Recording, SaccadicNet

INITIAL_COLOUR, EVAL_COLOUR, ODD_COLOUR, WRONG_COLOUR = "tab:blue", "tab:orange", "tab:green", "tab:red"


def _draw_canvas(ax, model: SaccadicNet, canvas_img: np.ndarray, rec: Recording, i: int, odd: int) -> None:  # noqa: ANN001
    import matplotlib.patches as patches

    canvas = model.canvas
    ax.imshow(canvas_img, cmap="gray_r", vmin=0, vmax=1, extent=(0, canvas.width, canvas.height, 0))
    chosen = int(rec.scores[i].argmax())
    for k, colour in ((odd, ODD_COLOUR), (chosen, WRONG_COLOUR if chosen != odd else ODD_COLOUR)):
        x0, y0 = canvas.origin(k)
        ax.add_patch(patches.Rectangle((x0, y0), canvas.panel_size, canvas.panel_size, fill=False,
                                       edgecolor=colour, linewidth=2.5 if k == odd else 1.5,
                                       linestyle="-" if k == odd else "--"))  # fmt: skip
    paths = rec.paths
    n_init = paths.n_initial
    pts = np.vstack([canvas.centre[None], paths.landing[i].cpu().numpy()])
    ax.plot(pts[:, 0], pts[:, 1], "-", color="0.5", linewidth=0.8, alpha=0.8)
    ax.plot(*pts[0], "+", color="black", markersize=10)  # the start: a fixation cross at the centre
    for s, (x, y) in enumerate(pts[1:]):
        colour = INITIAL_COLOUR if s < n_init else EVAL_COLOUR
        ax.plot(x, y, "o", color=colour, markersize=11, alpha=0.85)
        ax.text(x, y, str(s + 1), color="white", fontsize=7, ha="center", va="center", fontweight="bold")
    ax.set_title(f"scan path: odd panel {odd}, chosen {chosen}  (blue: initial, orange: evaluation)", fontsize=9)
    ax.set_xlim(0, canvas.width)
    ax.set_ylim(canvas.height, 0)
    ax.axis("off")


def _draw_glimpses(fig, cell, rec: Recording, i: int) -> None:  # noqa: ANN001
    g = rec.glimpses[i].cpu().numpy()  # (S, R, n, n)
    n_fix, n_rings = g.shape[:2]
    sub = cell.subgridspec(n_rings, n_fix, wspace=0.05, hspace=0.05)
    for r in range(n_rings):
        for s in range(n_fix):
            ax = fig.add_subplot(sub[r, s])
            ax.imshow(g[s, r], cmap="gray_r", vmin=0, vmax=max(1.0, float(g[s, r].max())))
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(str(s + 1), fontsize=7, color=INITIAL_COLOUR if s < rec.paths.n_initial else EVAL_COLOUR)
            if s == 0:
                ax.set_ylabel("fovea" if r == 0 else f"ring {r}", fontsize=7)


def _shade_fixations(ax, rec: Recording, i: int) -> None:  # noqa: ANN001
    paths = rec.paths
    for s in range(paths.n_fixations):
        on, dur = int(paths.onset[i, s]), int(paths.duration[i, s])
        colour = INITIAL_COLOUR if s < paths.n_initial else EVAL_COLOUR
        ax.axvspan(on - 0.5, on + dur - 0.5, color=colour, alpha=0.12, linewidth=0)


def _draw_figure(model: SaccadicNet, canvas_img: np.ndarray, rec: Recording, i: int, odd: int, path: Path) -> None:
    import matplotlib.pyplot as plt

    n_layers = len(rec.spikes)
    fig = plt.figure(figsize=(12, 7 + 1.6 * n_layers))
    gs = fig.add_gridspec(2 + n_layers, 2, height_ratios=[3.0] + [1.6] * n_layers + [1.6], width_ratios=[1, 1.4])
    _draw_canvas(fig.add_subplot(gs[0, 0]), model, canvas_img, rec, i, odd)
    _draw_glimpses(fig, gs[0, 1], rec, i)
    t_steps = rec.logit.shape[1]
    first = None
    for layer, spikes in enumerate(rec.spikes):
        ax = fig.add_subplot(gs[1 + layer, :], sharex=first)
        first = first or ax
        sp = spikes[i].cpu().numpy()  # (T, n)
        t, n = np.nonzero(sp > 0.5) if not model.layers[layer].soft else (None, None)
        if t is None:  # soft units: show the rates as an image
            ax.imshow(sp.T, aspect="auto", cmap="Greys", vmin=0, vmax=1, extent=(-0.5, t_steps - 0.5, sp.shape[1], 0))
        else:
            ax.scatter(t, n, s=2, marker="|", color="black", linewidths=0.8)
            ax.set_ylim(sp.shape[1], -1)
        _shade_fixations(ax, rec, i)
        ax.set_ylabel(f"SNU layer {layer + 1}\nneuron", fontsize=8)
        ax.set_title(f"layer {layer + 1}: {int(sp.sum())} spikes, {sp.mean():.3f} per neuron and step", fontsize=8)
    ax = fig.add_subplot(gs[1 + n_layers, :], sharex=first)
    ax.plot(np.arange(t_steps), rec.readout[i].cpu().numpy(), color="black", linewidth=1.2)
    _shade_fixations(ax, rec, i)
    mask = rec.eval_mask[i].cpu().numpy()
    scores = rec.scores[i].cpu().numpy()
    for k in range(N_PANELS):
        steps = np.nonzero(mask[k])[0]
        if steps.size:
            colour = ODD_COLOUR if k == odd else "0.2"
            ax.text(steps.mean(), 1.02, f"{k}", ha="center", va="bottom", fontsize=8, color=colour, fontweight="bold")
    ax.set_ylim(0, 1.12)
    ax.set_xlim(-0.5, t_steps - 0.5)
    ax.set_xlabel("time step (shaded: fixations; white: saccades in flight, vision suppressed)")
    ax.set_ylabel("readout\nsigmoid", fontsize=8)
    ranked = ", ".join(f"{k}:{scores[k]:+.2f}" for k in np.argsort(-scores))
    ax.set_title(f"readout; evaluation fixations labelled by panel; scores (logits) {ranked}", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def render_show(
    model: SaccadicNet, panels_uint8: np.ndarray, odd: np.ndarray, out_dir: Path, seed: int = 0
) -> list[Path]:
    """One PNG per puzzle of `panels_uint8` (N, 6, H, W) (stored images: dark ink on light paper) with the
    odd slots `odd` (N,); scan paths drawn with `seed`. Returns the written paths."""
    import matplotlib

    matplotlib.use("Agg")
    panels_uint8 = np.asarray(panels_uint8)
    odd = np.asarray(odd).reshape(-1)
    if panels_uint8.ndim != 4 or panels_uint8.shape[1] != N_PANELS or len(odd) != len(panels_uint8):
        raise ValueError(f"expected panels (N, 6, H, W) and N odd indices, got {panels_uint8.shape} and {odd.shape}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    device = next(model.parameters()).device
    x = 1.0 - torch.as_tensor(panels_uint8, dtype=torch.float32, device=device) / 255.0
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            rec = model.record(x, seed=seed)
            canvas = model.canvas.compose(x)[:, 0].cpu().numpy()
    finally:
        model.train(was_training)
    written = []
    for i in range(len(x)):
        path = out_dir / f"puzzle_{i:03d}.png"
        _draw_figure(model, canvas[i], rec, i, int(odd[i]), path)
        written.append(path)
    return written
