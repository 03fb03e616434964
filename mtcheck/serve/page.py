"""The editors' page: a form to paste or upload an article, and the report below it.

The report part is the HTML report's own template (``report.html.j2``: highlights, filters, side-by-side
view) with its stylesheet and script; the page extends it with the form. The content-security
policy is the report's, with one change: ``form-action 'self'``, so that the form may post back to
the service. No script of the page's own, no external asset: the upload is a plain multipart form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import SimpleNamespace
from typing import Any

import jinja2
from markupsafe import Markup

from mtcheck import __version__
from mtcheck.document import Report
from mtcheck.render import html as report_html

INPUT_FORMATS = ("auto", "text", "markdown", "html")
UPLOAD_SUFFIXES = ".txt,.md,.markdown,.html,.htm,.xhtml"


@dataclass
class Form:
    """What the editor sent, shown again above the report (every value is escaped by the template)."""

    mt: str = ""
    input_format: str = "auto"
    reference: str = ""
    source: str = ""
    src_lang: str = ""
    fluency: bool = True


def report_csp() -> str:
    """The HTML report's own policy (its script pinned by hash), as its meta tag states it."""
    return report_html._csp(report_html._asset("report.js"))


def csp() -> str:
    """The page's policy: the report's, letting forms post to this service only."""
    return report_csp().replace("form-action 'none'", "form-action 'self'")


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.PackageLoader("mtcheck.serve", "templates"),
                jinja2.PackageLoader("mtcheck.render", "templates"),
            ]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt1"] = lambda v: "–" if v is None else f"{v:.1f}"
    return env


def render_page(
    form: Form,
    report: Report | None = None,
    error: str | None = None,
    *,
    needs_key: bool = False,
    fluency_available: bool = True,
    signature: str = "",
) -> str:
    """The page, with the report of ``report`` (one article) below the form when there is one."""
    views = [report_html.document_view(d, f"d{i}") for i, d in enumerate(report.documents)] if report else []
    title = views[0].report.document.id if views else "check an article"
    context: Mapping[str, Any] = {
        "style": Markup(report_html._asset("style.css")),
        "script": Markup(report_html._asset("report.js")),
        "csp": csp(),
        "version": __version__,
        "chart_width": report_html.CHART_WIDTH,
        "chart_height": report_html.CHART_HEIGHT,
        "severities": report_html.SEVERITIES,
        "title": title,
        # base.html.j2 prints the report's signature; before a check, the service's own.
        "report": report if report is not None else SimpleNamespace(signature=signature, verdict=""),
        "views": views,
        "categories": sorted({c for v in views for c in v.categories}),
        "errors": report.errors if report else [],
        "index_href": None,
        "form": form,
        "input_formats": INPUT_FORMATS,
        "upload_suffixes": UPLOAD_SUFFIXES,
        "page_error": error,
        "needs_key": needs_key,
        "fluency_available": fluency_available,
    }
    return _environment().get_template("page.html.j2").render(**context)
