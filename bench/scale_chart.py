"""The chart of the scale profile (BENCH_PROFILE=scale, issue 17), called by chart.py when
the report holds `scale.*.slice` figures. Left: records/s of every slice of each phase
against the records committed so far (linear x: does the rate decay as the table grows?),
with the 0.7 × first-slice bar of the initial load. Right: each role's resident memory at
every slice end, with the 150 MB target."""
from html import escape

WIDTH, HEIGHT = 1100, 500
PANEL_W, PANEL_H = 430, 330
LEFT1, LEFT2, TOP = 90, 640, 70
COLORS = {"initial-load": "#1f77b4", "replay": "#d62728", "second-load": "#2ca02c"}
DASH = {"reader": "", "writer": ' stroke-dasharray="6,4"'}


def fmt(value):
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if value >= 1000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


def nice_max(value):
    import math
    if value <= 0:
        return 1.0
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def panel(out, left, title, y_label, lines, x_high, y_marks):
    """lines: [(label, [(n, v)], color, dash)]; y_marks: [(value, label)] horizontal bars."""
    values = [v for _, pts, _, _ in lines for _, v in pts] + [v for v, _ in y_marks]
    y_high = nice_max(max(values) * 1.1 if values else 1)
    x_high = nice_max(x_high)

    def px(n):
        return left + n / x_high * PANEL_W

    def py(v):
        return TOP + PANEL_H - v / y_high * PANEL_H

    out.append(f'<text x="{left + PANEL_W / 2}" y="{TOP - 28}" text-anchor="middle" font-size="16" font-weight="bold">{escape(title)}</text>')
    out.append(f'<rect x="{left}" y="{TOP}" width="{PANEL_W}" height="{PANEL_H}" fill="none" stroke="#333"/>')
    for i in range(6):
        v, n = y_high * i / 5, x_high * i / 5
        out.append(f'<line x1="{left}" y1="{py(v)}" x2="{left + PANEL_W}" y2="{py(v)}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{py(v) + 4}" text-anchor="end" font-size="11">{fmt(v)}</text>')
        out.append(f'<text x="{px(n)}" y="{TOP + PANEL_H + 16}" text-anchor="middle" font-size="11">{fmt(n)}</text>')
    out.append(f'<text x="{left + PANEL_W / 2}" y="{TOP + PANEL_H + 36}" text-anchor="middle" font-size="12">records committed in the phase</text>')
    out.append(f'<text x="{left - 62}" y="{TOP + PANEL_H / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 {left - 62} {TOP + PANEL_H / 2})">{escape(y_label)}</text>')
    for value, label in y_marks:
        out.append(f'<line x1="{left}" y1="{py(value)}" x2="{left + PANEL_W}" y2="{py(value)}" stroke="#000" stroke-dasharray="2,3"/>')
        out.append(f'<text x="{left + PANEL_W - 4}" y="{py(value) - 4}" text-anchor="end" font-size="11">{escape(label)}</text>')
    for index, (label, pts, color, dash) in enumerate(lines):
        if len(pts) > 1:
            path = " ".join(f"{px(n):.1f},{py(v):.1f}" for n, v in pts)
            out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"{dash}/>')
        for n, v in pts:
            out.append(f'<circle cx="{px(n):.1f}" cy="{py(v):.1f}" r="3" fill="{color}"><title>{escape(label)} at {n:,}: {v:,.0f}</title></circle>')
        lx = left + (index % 2) * (PANEL_W / 2)
        ly = TOP + PANEL_H + 52 + (index // 2) * 16
        out.append(f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 22}" y2="{ly - 4}" stroke="{color}" stroke-width="2"{dash}/>')
        out.append(f'<text x="{lx + 27}" y="{ly}" font-size="11">{escape(label)}</text>')


def series(figures, figure_id):
    return sorted((f["scale"], f["value"]) for f in figures if f["id"] == figure_id and f.get("scale"))


def draw(report, target_path):
    figures = report["figures"]
    records = report["settings"]["records"]
    rates, memory, marks = [], [], []
    for phase, color in COLORS.items():
        pts = series(figures, f"scale.{phase}.slice")
        if pts:
            rates.append((phase, pts, color, ""))
            if phase == "initial-load":
                marks.append((pts[0][1] * 0.7, "0.7 × first slice of the initial load"))
        for role, dash in DASH.items():
            pts = series(figures, f"scale.rss.{phase}.{role}")
            if pts:
                memory.append((f"{role} ({phase})", pts, color, dash))
    machine = report["machine"]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT + 30}" font-family="sans-serif">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{WIDTH / 2}" y="20" text-anchor="middle" font-size="13">crm-to-campaign at N={records:,}, commit '
           f'{escape(report["commit"])}, {escape(report["date"])}, {machine["cores"]} cores, load {escape(machine["loadAverageAtStart"])}</text>']
    panel(out, LEFT1, "Records/s by slice", "records/s", rates, records, marks)
    panel(out, LEFT2, "Role RSS at each slice end", "MB (VmRSS)", memory, records, [(150, "target 150 MB")])
    out.append("</svg>")
    with open(target_path, "w") as handle:
        handle.write("\n".join(out) + "\n")
    print(f"wrote {target_path}")
