"""One self-contained HTML report: figures embedded as base64 PNG, tables, provenance.

The page needs no other file (no stylesheet, no script, no image beside it),
so it can be mailed or archived alone.  Each figure is an ``<img>`` whose
``src`` is a ``data:image/png;base64,...`` URI and whose ``id`` is
``fig-<panel>``; missing panels are listed with the reason.  Every panel
states its numbers' kind (THEORY §8) in its notes; the provenance (version,
seeds, inputs) is embedded as JSON so the page alone says how to regenerate it.
"""
from __future__ import annotations

import base64
import html as _html
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .figures import Panel

from ..fileio import dumps

_CSS = """
*{box-sizing:border-box}
body{overflow-wrap:break-word;font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1180px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
img{display:block;max-width:100%;height:auto;border:1px solid #eee}
.scroll{max-width:100%;overflow-x:auto;margin:.5em 0}
table{border-collapse:collapse;font-size:.85em}caption{text-align:left;font-weight:600;padding:.2em 0}
td,th{border:1px solid #ccc;padding:.25em .5em;text-align:right;white-space:nowrap}th{background:#f4f4f4}
td.l,th.l{text-align:left}td.w{white-space:normal;min-width:16em}
.na{color:#a33;font-weight:600}.note{font-size:.9em;color:#444}
code{overflow-wrap:anywhere}pre{background:#f7f7f7;padding:.8em;overflow:auto;font-size:.8em;max-height:28em}
details{margin:.5em 0}summary{cursor:pointer;color:#246}
.toc a{margin-right:1em;display:inline-block}
"""

def _esc(x: object) -> str:
    return _html.escape(str(x), quote=True)


def _cell(v: Any) -> str:
    if isinstance(v, float):
        if not math.isfinite(v):
            return "-"
        return f"{v:.4g}"
    if v is None:
        return "-"
    return _esc(v)


def table_html(rows: Sequence[Mapping[str, Any]], *, caption: str = "") -> str:
    """An HTML table from a list of dicts (columns from the first row, in order).

    >>> print(table_html([{"rung": "floor", "energy_J": 4.59e-05}]))
    <div class='scroll'><table>
    <tr><th class='l'>rung</th><th class='l'>energy_J</th></tr>
    <tr><td class='l'>floor</td><td>4.59e-05</td></tr>
    </table></div>
    """
    if not rows:
        return "<p class='note'>(empty table)</p>"
    cols = list(rows[0])
    out = ["<div class='scroll'><table>"]
    if caption:
        out.append(f"<caption>{_esc(caption)}</caption>")
    out.append("<tr>" + "".join(f"<th class='l'>{_esc(c)}</th>" for c in cols) + "</tr>")
    for r in rows:
        tds = []
        for c in cols:
            v = r.get(c)
            cls = (" class='l w'" if len(v) > 40 else " class='l'") if isinstance(v, str) else ""
            tds.append(f"<td{cls}>{_cell(v)}</td>")
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</table></div>")
    return "\n".join(out)


def png_data_uri(path: str | Path) -> str:
    """``data:image/png;base64,...`` of a PNG file."""
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def build(panels: Sequence[Panel], figures: Mapping[str, str | Path], provenance: dict,
          out_dir: str | Path | None = None) -> str:
    """The report page.

    Parameters
    ----------
    panels : list of :class:`limbound.report.figures.Panel`, in report order
    figures : ``{panel key: PNG path}`` of the rendered panels
    provenance : version, inputs, seeds, timings (embedded verbatim as JSON)
    out_dir : the report folder, to show file paths relative to it
    """
    version = provenance.get("version", "?")
    parts = ["<!DOCTYPE html>", "<html lang='en'><head><meta charset='utf-8'>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             f"<title>limbound {version}: energy floors, estimates and measurements of learning</title>", f"<style>{_CSS}</style></head><body>",
             f"<h1>limbound {_esc(version)}: energy dissipation of learning: floors, estimates, measurements</h1>",
             "<p class='note'>Reproduction of the projections of arXiv:2402.14878 (learning-in-memory, compute-in-memory, "
             "Landauer reference, digital accelerators) and of the project's stochastic-thermodynamics checks. "
             f"Generated {_esc(provenance.get('generated_utc', ''))}, seed {_esc(provenance.get('seed'))}, "
             f"{'quick' if provenance.get('quick') else 'full'} mode, in {provenance.get('seconds', 0):.1f} s. "
             "Every plotted number is in <code>data/figure_data.csv</code>, every table in <code>data/table_&lt;panel&gt;.csv</code>. "
             f"Regenerate with <code>{_esc(provenance.get('command', 'limbound reproduce --out DIR'))}</code>.</p>"]
    gset = provenance.get("gset")
    if gset:
        where = (f"<code>{_esc(gset['path'])}</code>" if gset.get("path")
                 else "none found, a seeded random graph stands in")
        parts.append(f"<p class='note' id='gset-source'>G-set graphs of panel (e): {where}, chosen by "
                     f"<code>{_esc(gset['source'])}</code> (order: --gset-dir, $LIMBOUND_GSET_DIR, the repository's "
                     "../shared/benchmarks/gset, a seeded random graph).</p>")
    parts.append("<p class='toc'>" + " ".join(f"<a href='#panel-{p.key}'>({p.key}) {_esc(p.title)}</a>" for p in panels) + "</p>")
    for p in panels:
        parts.append(f"<h2 id='panel-{p.key}'>({p.key}) {_esc(p.title)}</h2>")
        if not p.ok:
            parts.append(f"<p class='na'>{_esc(p.status)}</p>")
            continue
        if p.key in figures:
            parts.append(f"<img id='fig-{p.key}' alt='figure ({p.key}): {_esc(p.title)}' src='{png_data_uri(figures[p.key])}'>")
        if p.table is not None:
            parts.append(table_html(p.table))
        if p.notes:
            parts.append("<ul class='note'>" + "".join(f"<li>{_esc(n)}</li>" for n in p.notes) + "</ul>")
        if p.provenance:
            parts.append(f"<details><summary>inputs of ({p.key})</summary><pre>{_esc(dumps(p.provenance, ascii=False))}</pre></details>")
        parts.append(f"<p class='note'>built in {p.seconds:.2f} s</p>")
    parts.append("<h2 id='provenance'>Provenance</h2>")
    parts.append("<details><summary>version, seeds, inputs and timings (JSON, also in provenance.json)</summary>"
                 f"<pre>{_esc(dumps(provenance, ascii=False))}</pre></details>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


__all__ = ["build", "table_html", "png_data_uri"]
