#!/usr/bin/env python3
"""Prints the figures of a bench JSON as a Markdown table (for docs/performance.md).

    python3 bench/table.py bench/results/latest.json [--cpu]

Without --cpu the CPU accounting figures are left out (they are summarised per phase).
"""
import json
import sys


def fmt(value, unit):
    if value != value:  # NaN
        return "n/a"
    if unit in ("records/s", "changes/s"):
        return f"{value:,.0f}"
    if unit == "ratio":
        return f"{value:.2f}"
    if unit == "MB":
        return f"{value:.0f}"
    return f"{value:.2f}"


def main():
    path = sys.argv[1]
    with_cpu = "--cpu" in sys.argv
    with open(path) as handle:
        report = json.load(handle)
    print("| Figure | N | Value | Unit | Target | Met |")
    print("| --- | ---: | ---: | --- | --- | --- |")
    for figure in report["figures"]:
        if figure["workflow"] == "cpu" and not with_cpu:
            continue
        target = figure.get("target")
        target_text = f"{target['comparison']} {fmt(target['value'], figure['unit'])}" if target else ""
        met = figure.get("met")
        met_text = "" if met is None else ("yes" if met else "**no**")
        scale = f"{figure['scale']:,}" if figure.get("scale") else ""
        print(f"| {figure['label']} | {scale} | {fmt(figure['value'], figure['unit'])} | {figure['unit']} | {target_text} | {met_text} |")
    for failure in report.get("failures", []):
        print(f"| FAILED {failure['benchmark']} | {failure.get('scale') or ''} | | | | {failure['error']} |")


if __name__ == "__main__":
    main()
