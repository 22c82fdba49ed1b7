"""Contact sheets: puzzles as 3 × 2 panel grids with the odd panel framed in red, tiled in columns."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw

GAP = 4
FRAME = (220, 30, 30)
TITLE_HEIGHT = 14


def puzzle_tile(panels: np.ndarray, odd: int, title: str) -> Image.Image:
    """One puzzle: panels in two rows of three as on the original test sheets, a title above."""
    _, h, w = panels.shape
    tile = Image.new("RGB", (3 * w + 4 * GAP, 2 * h + 3 * GAP + TITLE_HEIGHT), (255, 255, 255))
    draw = ImageDraw.Draw(tile)
    draw.text((GAP, 1), title, fill=(40, 40, 40))
    for k in range(6):
        x = GAP + (k % 3) * (w + GAP)
        y = TITLE_HEIGHT + GAP + (k // 3) * (h + GAP)
        tile.paste(Image.fromarray(panels[k]).convert("RGB"), (x, y))
        if k == odd:
            draw.rectangle((x - 2, y - 2, x + w + 1, y + h + 1), outline=FRAME, width=2)
    return tile


def contact_sheet(puzzles: Sequence[tuple[np.ndarray, int, str]], columns: int = 5) -> Image.Image:
    """Tile (panels, odd, title) puzzles into one RGB image."""
    if not puzzles:
        raise ValueError("no puzzles to show")
    tiles = [puzzle_tile(p, odd, title) for p, odd, title in puzzles]
    tw, th = tiles[0].size
    rows = -(-len(tiles) // columns)
    sheet = Image.new("RGB", (min(columns, len(tiles)) * tw, rows * th), (255, 255, 255))
    for i, tile in enumerate(tiles):
        sheet.paste(tile, ((i % columns) * tw, (i // columns) * th))
    return sheet
