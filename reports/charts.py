"""Server-rendered SVG charts in GOV.UK colours: lines for trends, bars, and a heat map.

Each chart is an image with a title and a text summary for screen readers (`role="img"`); the
table beneath it holds the same figures, so nothing is only in the picture.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

# GOV.UK Frontend colour palette.
BLUE = "#1d70b8"
ORANGE = "#f47738"
GREEN = "#00703c"
PURPLE = "#4c2c92"
GREY = "#505a5f"
LIGHT_GREY = "#b1b4b6"
SERIES = [BLUE, ORANGE, GREEN, PURPLE]

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 28


def _open(title: str, summary: str, height=HEIGHT) -> list[str]:
    return [
        f'<svg class="app-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet" '
        f'aria-label="{escape(title)}: {escape(summary)}">',
        f"<title>{escape(title)}</title><desc>{escape(summary)}</desc>",
    ]


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for m in (1, 2, 2.5, 5, 10):
        if value <= m * magnitude:
            return m * magnitude
    return 10 * magnitude


def _axis(parts, top_value, plot_h, fmt):
    for i in range(5):
        value = top_value * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{LIGHT_GREY}" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{GREY}">{escape(fmt(value))}</text>'
        )


def _fmt_number(value):
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:,.1f}"


def line_chart(*, title, summary, labels, series, fmt=_fmt_number):
    """`series`: [(name, [value or None per label])]. Labels along the bottom, thinned out."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    values = [v for _, vs in series for v in vs if v is not None]
    top_value = _nice_max(max(values, default=0))
    parts = _open(title, summary)
    _axis(parts, top_value, plot_h, fmt)
    n = len(labels)
    step = plot_w / max(n - 1, 1)
    for index, (name, vs) in enumerate(series):
        colour = SERIES[index % len(SERIES)]
        points = [
            f"{LEFT + i * step:.1f},{TOP + plot_h - plot_h * v / top_value:.1f}"
            for i, v in enumerate(vs)
            if v is not None
        ]
        dash = ' stroke-dasharray="6 4"' if index else ""
        if len(points) == 1:
            x, y = points[0].split(",")
            parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}"/>')
        elif points:
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="3"{dash} '
                f'points="{" ".join(points)}"/>'
            )
        parts.append(
            f'<rect x="{LEFT + 8 + 150 * index}" y="{TOP}" width="12" height="4" fill="{colour}"/>'
            f'<text x="{LEFT + 24 + 150 * index}" y="{TOP + 6}" font-size="11" '
            f'fill="{GREY}">{escape(name)}</text>'
        )
    every = max(1, n // 8)
    for i, label in enumerate(labels):
        if i % every == 0 or i == n - 1:
            parts.append(
                f'<text x="{LEFT + i * step:.1f}" y="{HEIGHT - 8}" text-anchor="middle" '
                f'font-size="11" fill="{GREY}">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text part is escaped above)


def bar_chart(*, title, summary, labels, values, fmt=_fmt_number, limit=12):
    """Horizontal bars, biggest first as given; at most `limit` bars (the table has all)."""
    labels, values = labels[:limit], values[:limit]
    bar_h, gap, label_w = 18, 6, 190
    height = TOP + len(labels) * (bar_h + gap) + 8
    top_value = max(values, default=0) or 1
    plot_w = WIDTH - label_w - 70
    parts = _open(title, summary, height=height)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = TOP + i * (bar_h + gap)
        w = plot_w * (value or 0) / top_value
        short = label if len(label) <= 30 else label[:29] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" font-size="12" '
            f'fill="#0b0c0c">{escape(short)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{BLUE}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 13}" font-size="12" '
            f'fill="#0b0c0c">{escape(fmt(value or 0))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308


def heat_map(*, title, summary, row_labels, column_labels, matrix):
    """Cells shaded from white to GOV.UK blue by their share of the largest value."""
    cell_w = (WIDTH - 50) / max(len(column_labels), 1)
    cell_h = 22
    height = TOP + 18 + len(row_labels) * cell_h + 4
    top_value = max((v for row in matrix for v in row), default=0) or 1
    parts = _open(title, summary, height=height)
    for j, label in enumerate(column_labels):
        parts.append(
            f'<text x="{50 + j * cell_w + cell_w / 2:.1f}" y="{TOP + 10}" text-anchor="middle" '
            f'font-size="10" fill="{GREY}">{escape(label)}</text>'
        )
    for i, label in enumerate(row_labels):
        y = TOP + 18 + i * cell_h
        parts.append(
            f'<text x="44" y="{y + 15}" text-anchor="end" font-size="12" '
            f'fill="#0b0c0c">{escape(label)}</text>'
        )
        for j, value in enumerate(matrix[i]):
            share = value / top_value
            parts.append(
                f'<rect x="{50 + j * cell_w:.1f}" y="{y}" width="{cell_w - 2:.1f}" '
                f'height="{cell_h - 2}" fill="{BLUE}" fill-opacity="{0.06 + 0.94 * share:.2f}">'
                f"<title>{escape(label)} {escape(column_labels[j])}: {value:,}</title></rect>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308
