"""Tiny server-side SVG charts: drawn in the page with no JavaScript library and nothing from a CDN."""

from __future__ import annotations

from html import escape


def bar_chart(points: list[tuple[str, float]], *, width: int = 640, height: int = 180, unit: str = "") -> str:
    if not points:
        return ""
    top = max(v for _, v in points) or 1
    n = len(points)
    gap = 4
    bar_w = max((width - 40) / n - gap, 2)
    parts = [f'<svg role="img" viewBox="0 0 {width} {height + 30}" width="100%" class="chart" '
             f'aria-label="柱状图">']
    for i, (label, value) in enumerate(points):
        h = (height - 20) * value / top
        x = 30 + i * (bar_w + gap)
        y = height - h
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="#b4232a">'
                     f'<title>{escape(label)}: {value:g}{escape(unit)}</title></rect>')
        if n <= 16 or i % max(n // 10, 1) == 0:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height + 14}" font-size="10" text-anchor="middle">'
                         f'{escape(label)}</text>')
    parts.append(f'<text x="2" y="12" font-size="10">{top:g}{escape(unit)}</text></svg>')
    return "".join(parts)
