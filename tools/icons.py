"""The app's two icons, drawn from shapes: `python -m tools.icons` writes manifest/*.png.

The symbol is a speech bubble holding a mikan (Ehime's citrus): a place to talk, from Ehime.
Teams wants a 192×192 colour icon (the symbol inside the central 120×120, full-bleed background)
and a 32×32 outline icon, white on a transparent background. Shapes are drawn large and reduced
by box averaging, so edges are smooth and the outline icon stays pure white (only alpha varies).

The PNGs are committed: packaging copies them and needs no Pillow, and a test checks they still
match what this script draws.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

ACCENT_COLOR = "#D9620B"  # mikan orange, dark enough for a white symbol on it
COLOR_SIZE = 192
OUTLINE_SIZE = 32
MANIFEST_DIR = Path(__file__).resolve().parents[1] / "manifest"

_WHITE = (255, 255, 255)
_MIKAN = (242, 140, 18)
_LEAF = (46, 139, 62)
_SCALE = 16  # drawing resolution per output pixel

Box = tuple[float, float, float, float]


def _rgb(hex_color: str) -> tuple[int, int, int]:
    value = hex_color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _leaf(
    cx: float, cy: float, length: float, width: float, angle: float
) -> list[tuple[float, float]]:
    """A pointed leaf (two arcs) centred at (cx, cy), its long axis turned by `angle` radians."""
    points = []
    for step in range(41):
        t = math.pi * step / 40
        points.append((length / 2 * math.cos(t), width / 2 * math.sin(t) ** 1.5))
    for step in range(41):
        t = math.pi + math.pi * step / 40
        points.append((length / 2 * math.cos(t), -width / 2 * abs(math.sin(t)) ** 1.5))
    cos, sin = math.cos(angle), math.sin(angle)
    return [(cx + x * cos - y * sin, cy + x * sin + y * cos) for x, y in points]


class _Symbol:
    """The bubble and the mikan in a unit square, scaled to a canvas of `size` pixels."""

    def __init__(self, size: int, margin: float) -> None:
        self.size = size
        self.margin = margin

    def px(self, u: float) -> float:
        return (self.margin + u * (1 - 2 * self.margin)) * self.size

    def box(self, x0: float, y0: float, x1: float, y1: float) -> Box:
        return self.px(x0), self.px(y0), self.px(x1), self.px(y1)

    def bubble(self) -> Box:
        return self.box(0.0, 0.04, 1.0, 0.78)

    def bubble_radius(self) -> float:
        return 0.2 * (1 - 2 * self.margin) * self.size

    def tail(self) -> list[tuple[float, float]]:
        return [
            (self.px(0.2), self.px(0.7)),
            (self.px(0.46), self.px(0.7)),
            (self.px(0.16), self.px(0.98)),
        ]

    def mikan(self) -> Box:
        return self.box(0.32, 0.28, 0.68, 0.64)

    def leaf(self, grow: float = 0.0) -> list[tuple[float, float]]:
        """The leaf; `grow` (in units of the symbol) widens it for a gap around it."""
        unit = self.px(1.0) - self.px(0.0)
        length, width = (0.26 + 2 * grow) * unit, (0.12 + 2 * grow) * unit
        return _leaf(self.px(0.6), self.px(0.2), length, width, -0.12)


def draw_color() -> Image.Image:
    """192×192, opaque: a white bubble with an orange mikan on the accent colour."""
    from PIL import Image, ImageDraw

    size = COLOR_SIZE * _SCALE
    symbol = _Symbol(size, margin=0.1875)  # 36 px each side: the symbol fills the central 120
    image = Image.new("RGB", (size, size), _rgb(ACCENT_COLOR))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(symbol.bubble(), radius=symbol.bubble_radius(), fill=_WHITE)
    draw.polygon(symbol.tail(), fill=_WHITE)
    draw.ellipse(symbol.mikan(), fill=_MIKAN)
    draw.polygon(symbol.leaf(), fill=_LEAF)
    return image.reduce(_SCALE)


def draw_outline() -> Image.Image:
    """32×32, RGBA: the bubble's outline and a solid mikan, white on transparent."""
    from PIL import Image, ImageDraw

    size = OUTLINE_SIZE * _SCALE
    symbol = _Symbol(size, margin=0.03)
    stroke = round(2.2 * _SCALE)
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    draw.rounded_rectangle(symbol.bubble(), radius=symbol.bubble_radius(), fill=255)
    draw.polygon(symbol.tail(), fill=255)
    x0, y0, x1, y1 = symbol.bubble()
    inner = (x0 + stroke, y0 + stroke, x1 - stroke, y1 - stroke)
    draw.rounded_rectangle(inner, radius=max(symbol.bubble_radius() - stroke, 0), fill=0)
    draw.ellipse(symbol.mikan(), fill=255)
    draw.polygon(symbol.leaf(grow=0.04), fill=0)  # a thin gap keeps the leaf apart from the fruit
    draw.polygon(symbol.leaf(), fill=255)
    image = Image.new("RGBA", (OUTLINE_SIZE, OUTLINE_SIZE), (*_WHITE, 0))
    image.putalpha(mask.reduce(_SCALE))
    return image


def write_icons(directory: Path = MANIFEST_DIR) -> tuple[Path, Path]:
    """Draws both icons into `directory` as color.png and outline.png."""
    color, outline = directory / "color.png", directory / "outline.png"
    draw_color().save(color, optimize=True)
    draw_outline().save(outline, optimize=True)
    return color, outline


def main() -> None:
    for path in write_icons():
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
