#!/usr/bin/env python3
"""Draws bench/results/latest.json as an SVG: throughput and peak RSS against N.

    python3 bench/chart.py bench/results/latest.json bench/results/latest.svg

Standard library only (no matplotlib): the SVG is written by hand. Left panel:
records/s of the product (solid) and of the ceilings (dashed) against N, log x axis.
Right panel: peak RSS of each role and phase against N, with the 150 MB target.
"""
import json
import math
import sys
from html import escape

WIDTH, HEIGHT = 1100, 500
PANEL_W, PANEL_H = 430, 330
LEFT1, LEFT2, TOP = 90, 640, 70
COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f", "#e377c2"]

# (figure id, label, style): "solid" the product from Start, "dotted" the product's steady
# rate (first commit to end), "dashed" a ceiling. Same colour for a figure and its steady rate.
THROUGHPUT = [
    ("initial-load.rate", "Initial load end to end", "solid", 0),
    ("initial-load.steady-rate", "Initial load, steady", "dotted", 0),
    ("replay.rate", "Replay from earliest", "solid", 1),
    ("replay.steady-rate", "Replay, steady", "dotted", 1),
    ("writer-alone.rate", "Writer alone", "solid", 2),
    ("writer-alone.steady-rate", "Writer alone, steady", "dotted", 2),
    ("ceiling.emulator-paging", "Ceiling: emulator paging", "dashed", 3),
    ("ceiling.broker", "Ceiling: broker produce+consume", "dashed", 4),
    ("ceiling.postgres-upsert", "Ceiling: PostgreSQL raw upsert", "dashed", 5),
]
DASHES = {"solid": "", "dotted": ' stroke-dasharray="2,3"', "dashed": ' stroke-dasharray="6,4"'}


def series(figures, figure_id):
    points = sorted((f["scale"], f["value"]) for f in figures
                    if f["id"] == figure_id and f.get("scale") and math.isfinite(f["value"]))
    return points


def nice_max(value):
    if value <= 0:
        return 1.0
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def fmt(value):
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if value >= 1000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


def panel(out, left, title, y_label, lines, scales, target=None):
    """lines: [(label, points, style, color)]; log x over scales, linear y from 0."""
    xs = sorted(set(scales)) or [1]
    x_low, x_high = math.log10(min(xs)), math.log10(max(xs))
    if x_high - x_low < 1e-9:
        x_low, x_high = x_low - 0.5, x_high + 0.5
    pad = (x_high - x_low) * 0.08
    x_low, x_high = x_low - pad, x_high + pad
    values = [v for _, pts, _, _ in lines for _, v in pts] + ([target] if target else [])
    y_high = nice_max(max(values) * 1.1 if values else 1)

    def px(n):
        return left + (math.log10(n) - x_low) / (x_high - x_low) * PANEL_W

    def py(v):
        return TOP + PANEL_H - v / y_high * PANEL_H

    out.append(f'<text x="{left + PANEL_W / 2}" y="{TOP - 28}" text-anchor="middle" font-size="16" font-weight="bold">{escape(title)}</text>')
    out.append(f'<rect x="{left}" y="{TOP}" width="{PANEL_W}" height="{PANEL_H}" fill="none" stroke="#333"/>')
    for i in range(6):
        v = y_high * i / 5
        y = py(v)
        out.append(f'<line x1="{left}" y1="{y}" x2="{left + PANEL_W}" y2="{y}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4}" text-anchor="end" font-size="11">{fmt(v)}</text>')
    for n in xs:
        x = px(n)
        out.append(f'<line x1="{x}" y1="{TOP}" x2="{x}" y2="{TOP + PANEL_H}" stroke="#eee"/>')
        out.append(f'<text x="{x}" y="{TOP + PANEL_H + 16}" text-anchor="middle" font-size="11">N={fmt(n)}</text>')
    out.append(f'<text x="{left + PANEL_W / 2}" y="{TOP + PANEL_H + 36}" text-anchor="middle" font-size="12">records (log scale)</text>')
    out.append(f'<text x="{left - 62}" y="{TOP + PANEL_H / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 {left - 62} {TOP + PANEL_H / 2})">{escape(y_label)}</text>')
    if target:
        y = py(target)
        out.append(f'<line x1="{left}" y1="{y}" x2="{left + PANEL_W}" y2="{y}" stroke="#000" stroke-dasharray="2,3"/>')
        out.append(f'<text x="{left + PANEL_W - 4}" y="{y - 4}" text-anchor="end" font-size="11">target {fmt(target)}</text>')
    legend_y = TOP + PANEL_H + 52
    for index, (label, pts, style, color) in enumerate(lines):
        dash = DASHES[style]
        if len(pts) > 1:
            path = " ".join(f"{px(n):.1f},{py(v):.1f}" for n, v in pts)
            out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"{dash}/>')
        for n, v in pts:
            out.append(f'<circle cx="{px(n):.1f}" cy="{py(v):.1f}" r="3.5" fill="{color}"><title>{escape(label)}: {v:,.0f}</title></circle>')
        lx = left + (index % 2) * (PANEL_W / 2)
        ly = legend_y + (index // 2) * 16
        out.append(f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 22}" y2="{ly - 4}" stroke="{color}" stroke-width="2"{dash}/>')
        out.append(f'<text x="{lx + 27}" y="{ly}" font-size="11">{escape(label)}</text>')


def main():
    source, target_path = sys.argv[1], sys.argv[2]
    with open(source) as handle:
        report = json.load(handle)
    figures = report["figures"]
    if any(f["id"].startswith("scale.") and f["id"].endswith(".slice") for f in figures):
        import scale_chart  # the scale profile's own chart (BENCH_PROFILE=scale)
        scale_chart.draw(report, target_path)
        return
    scales = report["settings"]["scales"]

    throughput = []
    for figure_id, label, style, color in THROUGHPUT:
        pts = series(figures, figure_id)
        if pts:
            throughput.append((label, pts, style, COLORS[color]))

    # Peaks in MB only: an `rss.*.growth` figure is a ratio between two N.
    memory_ids = sorted({f["id"] for f in figures if f["id"].startswith("rss.") and f.get("unit") == "MB"})
    memory = []
    for index, figure_id in enumerate(memory_ids):
        _, phase, role = figure_id.split(".", 2)
        memory.append((f"{role} ({phase})", series(figures, figure_id), "solid", COLORS[index % len(COLORS)]))
    # Every N a line has a point at (campaign-to-crm measures its own), on the x axis.
    scales = sorted(set(scales) | {n for _, pts, _, _ in throughput + memory for n, _ in pts})
    legend_rows = (max(len(throughput), len(memory)) + 1) // 2
    height = TOP + PANEL_H + 52 + legend_rows * 16 + 10

    machine = report["machine"]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{max(HEIGHT, height)}" font-family="sans-serif">',
           f'<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{WIDTH / 2}" y="20" text-anchor="middle" font-size="13">make bench, commit {escape(report["commit"])}, '
           f'{escape(report["date"])}, {machine["cores"]} cores, load {escape(machine["loadAverageAtStart"])}</text>']
    panel(out, LEFT1, "Throughput against N", "records/s", throughput, scales, target=20000)
    panel(out, LEFT2, "Peak RSS per role against N", "MB (VmHWM)", memory, scales, target=150)
    out.append("</svg>")
    with open(target_path, "w") as handle:
        handle.write("\n".join(out) + "\n")
    print(f"wrote {target_path}")


if __name__ == "__main__":
    main()
