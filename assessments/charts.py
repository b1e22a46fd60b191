"""A small server-side SVG radar chart of a secretary's three types (学习型, 实干型, 和谐型): each
axis is the type's subtotal as a share of the type's points. No script, readable without CSS."""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def radar_svg(axes: Sequence[tuple[str, float]], *, size: int = 160) -> SafeString:
    """`axes`: (label, share in [0, 1]) in drawing order, the first pointing up."""
    centre = size / 2
    radius = size / 2 - 28
    n = len(axes)
    if n < 3:
        return mark_safe("")

    def point(i: int, share: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return centre + radius * share * math.cos(angle), centre + radius * share * math.sin(angle)

    def polygon(shares, css: str) -> str:
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, s) for i, s in enumerate(shares)))
        return f'<polygon class="{css}" points="{pts}"/>'

    shares = [max(0.0, min(1.0, float(share))) for _label, share in axes]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="radar" viewBox="0 0 {size} {size}" '
        f'width="{size}" height="{size}" role="img" aria-label="'
        + escape("；".join(f"{label} {share:.0%}" for (label, _s), share in zip(axes, shares, strict=True)))
        + '">',
        polygon([1.0] * n, "radar-frame").replace("/>", ' fill="none" stroke="#bbb"/>'),
        polygon([0.5] * n, "radar-grid").replace("/>", ' fill="none" stroke="#ddd"/>'),
        polygon(shares, "radar-value").replace("/>", ' fill="rgba(192,0,0,.35)" stroke="#c00"/>'),
    ]
    for i, (label, _share) in enumerate(axes):
        x, y = point(i, 1.22)
        parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="11" text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
