"""The report as one self-contained HTML file.

The Vega-Lite specifications of every chart are embedded as JSON, and Vega, Vega-Lite and
vega-embed are inlined once (the bundle of ``vl-convert-python``, cached on disk after its
first build), so the file opens offline and fetches nothing. The template only lays out the
:class:`multivector.report.tree.Report`; no number is computed in it.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
from pathlib import Path

import altair as alt
import jinja2
import markupsafe
import vl_convert as vlc

from multivector.core import paths
from multivector.core.atomic import atomic_write
from multivector.report.tree import Link, Report

VEGA_LITE = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]  # e.g. "6.4"
EMBED_OPTIONS = {"renderer": "svg", "actions": {"export": True, "source": False,
                                                "compiled": False, "editor": False}}


def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script that defines ``vegaEmbed``.

    Built by ``vl_convert.javascript_bundle`` (about two seconds) and cached under
    ``$MULTIVECTOR_HOME/cache`` by the versions of vl-convert and Vega-Lite.
    """
    version = importlib.metadata.version("vl-convert-python")
    cache = paths.home() / "cache" / f"vega-bundle-{version}-vl{VEGA_LITE}.js"
    try:
        text = cache.read_text(encoding="utf-8")
        if text:
            return text
    except OSError:
        pass
    text = vlc.javascript_bundle(vl_version=VEGA_LITE)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f".{cache.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(cache)
    except OSError:  # a read-only home: build it again next time
        pass
    return text


def _cell(value: str | Link) -> markupsafe.Markup:
    if isinstance(value, Link):
        return markupsafe.Markup('<a href="{}" rel="noopener">{}</a>').format(value.url,
                                                                             value.text)
    return markupsafe.escape(value)


def _script_json(obj: object) -> markupsafe.Markup:
    """JSON safe to place inside a ``<script>`` element."""
    text = json.dumps(obj, separators=(",", ":"), allow_nan=False)
    return markupsafe.Markup(text.replace("</", "<\\/").replace("<!--", "<\\!--"))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("multivector.report", "templates"),
                             autoescape=jinja2.select_autoescape(["html", "j2"]),
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["cell"] = _cell
    return env


def render(report: Report) -> str:
    """The report as one HTML string."""
    specs = {f"fig-{f.key}": f.spec() for f in report.figures() if f.chart is not None}
    bundle = markupsafe.Markup(vega_bundle().replace("</script", "<\\/script"))
    template = _environment().get_template("report.html.j2")
    return template.render(r=report, specs=_script_json(specs), bundle=bundle,
                           embed_options=_script_json(EMBED_OPTIONS))


def write(report: Report, out: str | Path) -> Path:
    """Write the HTML report atomically (a temporary file beside it, then a rename)."""
    out = Path(out)
    text = render(report)
    atomic_write(out, lambda tmp: tmp.write_text(text, encoding="utf-8"), lambda _, exc: exc)
    return out
