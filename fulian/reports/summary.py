"""The year-end summary (年度工作总结), written from the records.

One template (the org's newest active .docx version, else the built-in one of
``reports.builtin``) gives the wording; the indicators give the figures. The same
template renders four ways: ``docx`` (docxtpl, editable in Word and LibreOffice), ``html``
(each figure with a hover naming its indicator and a footnote), ``md`` (footnotes) and
``pdf`` (the html through WeasyPrint with the CJK font the certificates use). Every output
ends with the list of sources: which indicator each figure came from.

Campaign counts use the report's rounding (:func:`approx_text`): the count rounded down to
a round figure, with 余 ("a little over") only when the count exceeds it.
"""

from __future__ import annotations

import copy
import datetime
import html
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jinja2
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from markupsafe import Markup

from fulian.core.indicators import REGISTRY, Groups
from fulian.core.periods import Period, default_year, today
from fulian.core.text import to_traditional
from fulian.orgs.models import Org
from fulian.reports import builtin

FORMATS = ("docx", "pdf", "html", "md")
SCRIPTS = ("hans", "hant")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}
Progress = Callable[[int, str], None]  # (percent, a key of STEPS)
STEPS = {
    "template": _("读取模板"),
    "indicators": _("读取指标"),
    "layout": _("排版"),
    "done": pgettext_lazy("job step", "完成"),
}


def round_figure(n: int) -> int:
    """The round figure below ``n``: tens below 1,000, hundreds below 10,000, and so on
    (156 → 150, 83 → 80, 47 → 40, 224 → 220, 305 → 300, 1234 → 1200); ``n`` itself
    below 10."""
    if n < 10:
        return n
    step = 10
    while n >= step * 100:
        step *= 10
    return n // step * step


def approx_text(n: int) -> str:
    """``150余`` for 156, ``150`` for exactly 150, ``7`` for 7."""
    base = round_figure(n)
    return f"{base}余" if n > base else str(base)


@dataclass
class Source:
    number: int
    code: str
    name: str
    definition: str
    unit: str
    value: Any
    shown: str  # the figure as the text says it (150余)
    missing: bool = False

    @property
    def text(self) -> str:
        if self.missing:
            return f"【缺少指标：{self.code}】"
        return f"{self.name}（{self.code}）：{self.value}{self.unit}。{self.definition}"


@dataclass
class Facts:
    """What the template's placeholders read: one evaluation of the registry for the org
    and year, and the list of sources in the order the text uses them."""

    org: Org
    year: int
    mode: str  # plain, docx, md, html
    values: dict[str, Any]
    sources: list[Source] = field(default_factory=list)
    _by_code: dict[str, Source] = field(default_factory=dict)

    def _source(self, code: str, shown: str) -> Source:
        if code not in self._by_code:
            indicator = REGISTRY.get(code)
            source = Source(
                len(self.sources) + 1,
                code,
                str(indicator.name) if indicator else "",
                str(indicator.definition) if indicator else "",
                str(indicator.unit) if indicator else "",
                self.values.get(code),
                shown,
                missing=indicator is None,
            )
            self._by_code[code] = source
            self.sources.append(source)
        return self._by_code[code]

    def _show(self, code: str, shown: Callable[[Any], str], unit: str) -> Any:
        indicator = REGISTRY.get(code)
        if indicator is not None and code not in self.values:  # a code the scan missed
            self.values.update(values_for(self.org, self.year, [code]))
        value = self.values.get(code)
        missing = indicator is None or value is None
        text = f"【缺少指标：{code}】" if missing else shown(value) + unit
        source = self._source(code, text)
        if self.mode == "html":
            return Markup(
                '<span class="summary-figure{missing}" data-indicator="{code}" title="{title}">'
                '{text}</span><sup><a href="#source-{n}" id="ref-{n}-{k}">[{n}]</a></sup>'
            ).format(
                missing=" missing" if source.missing else "",
                code=code,
                title=source.text,
                text=text,
                n=source.number,
                k=len(self.sources),
            )
        if self.mode == "md":
            return f"{text}[^{source.number}]"
        if self.mode == "docx":
            return f"{text}{REF_OPEN}{source.number}{REF_CLOSE}"
        return text

    def v(self, code: str, unit: str = "") -> Any:
        """An exact figure: ``16`` (and the template's unit: ``16次``)."""
        return self._show(
            code, lambda value: f"{value:g}" if isinstance(value, float) else str(value), unit
        )

    def approx(self, code: str, unit: str = "") -> Any:
        """A count in the report's rounding: ``150余`` (``150余次``)."""
        return self._show(code, lambda value: approx_text(int(value)), unit)

    def dates(self, series: str) -> str:
        """The days of a training series' classes in the year, by class:
        ``8月29日—31日，10月24日—26日``."""
        from fulian.events.models import TrainingClass

        classes = (
            TrainingClass.objects.in_subtree(self.org)
            .filter(series__code=series, activity__start__year=self.year)
            .select_related("activity")
            .order_by("activity__start")
        )
        parts = []
        for training in classes:
            start = timezone.localtime(training.activity.start).date()
            end = (
                timezone.localtime(training.activity.end).date() if training.activity.end else start
            )
            parts.append(_day_span(start, end))
        return ",".join(parts) or "【无培训班记录】"

    def context(self) -> dict[str, Any]:
        return {
            "org": self.org.name,
            "year": self.year,
            "v": self.v,
            "approx": self.approx,
            "dates": self.dates,
        }


def _day_span(start: datetime.date, end: datetime.date) -> str:
    if start == end:
        return f"{start.month}月{start.day}日"
    if start.month == end.month:
        return f"{start.month}月{start.day}日—{end.day}日"
    return f"{start.month}月{start.day}日—{end.month}月{end.day}日"


_CODE = re.compile(r"""\b(?:v|approx)\(\s*["']([\w.]+)["']""")


def codes_in(template: bytes) -> list[str]:
    """The indicator codes a template's placeholders name, in order of first use."""
    found: dict[str, None] = {}
    for _style, text in paragraphs_of(template):
        found.update(dict.fromkeys(_CODE.findall(text)))
    return list(found)


def values_for(
    org: Org, year: int, codes: list[str] | None = None, *, progress: Progress | None = None
) -> dict[str, Any]:
    """The registry's values for ``org``'s subtree in ``year`` (only ``codes`` if given),
    evaluated over one ``Groups`` so shared reads run once; ``progress`` hears 10–80%."""
    period = Period.year(year)
    groups = Groups(org)
    wanted = [c for c in (codes if codes is not None else sorted(REGISTRY)) if c in REGISTRY]
    values: dict[str, Any] = {}
    for n, code in enumerate(wanted, start=1):
        values[code] = REGISTRY[code].values(groups, period)[org.path]
        if progress is not None:
            progress(10 + 70 * n // len(wanted), "indicators")
    return values


# --- templates ---------------------------------------------------------------------------


def builtin_template() -> bytes:
    """The built-in .docx template: the seed's paragraphs with placeholders."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]  # A4 with the margins of a Chinese official document
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    style = document.styles["Normal"]
    style.font.size = Pt(14)
    style.font.name = "SimSun"
    # CJK text takes its font from the east-Asian slot: Word shows 宋体, LibreOffice its
    # nearest CJK font (Noto Serif CJK on Debian).
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    title = document.add_paragraph(builtin.TITLE, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in builtin.PARAGRAPHS:
        paragraph = document.add_paragraph(text)
        paragraph.paragraph_format.first_line_indent = Pt(28)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def template_for(org: Org) -> tuple[bytes, str]:
    """The newest active template of ``org`` or its nearest ancestor, else the built-in
    one; with a label saying which."""
    from fulian.reports.models import SummaryTemplate

    paths = [org.path[:n] for n in range(4, len(org.path) + 1, 4)]
    found = (
        SummaryTemplate.objects.filter(org__path__in=paths, is_active=True)
        .select_related("org")
        .order_by("-org__depth", "-version")
        .first()
    )
    if found is None:
        return builtin_template(), str(gettext("内置模板"))
    with found.file.open("rb") as handle:
        return handle.read(), f"{found.org.name} v{found.version}"


def paragraphs_of(template: bytes) -> list[tuple[str, str]]:
    """(style name, text with placeholders) of each non-empty paragraph."""
    from docx import Document

    document = Document(io.BytesIO(template))
    return [
        (p.style.name if p.style else "", p.text) for p in document.paragraphs if p.text.strip()
    ]


class TemplateError(ValueError):
    pass


# Plain text for .docx and Markdown (never served as HTML; the html output uses _HTML_ENV).
_ENV = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined)  # noqa: S701
_HTML_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
# docxtpl writes into the document's XML: values are escaped (an org named "A&B").
_DOCX_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


def _render_text(env: jinja2.Environment, text: str, context: dict[str, Any]) -> str:
    try:
        return env.from_string(text).render(context)
    except jinja2.TemplateError as exc:
        raise TemplateError(f"模板占位符有误：{exc}") from exc


# --- outputs -----------------------------------------------------------------------------


@dataclass
class Summary:
    org: Org
    year: int
    format: str
    script: str
    content: bytes
    sources: list[Source]
    template_label: str

    @property
    def filename(self) -> str:
        name = f"{self.org.name}{self.year}年度工作总结"
        if self.script == "hant":
            name = to_traditional(name)
        return f"{name}.{self.format}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


def _hant(text: str) -> str:
    # The seed writes 150余次 in Traditional too: keep 余 after a rounded count.
    return re.sub(r"(\d)餘", r"\1余", to_traditional(text))


def _convert(text: str, script: str) -> str:
    return _hant(text) if script == "hant" else text


def body(
    org: Org,
    year: int,
    mode: str,
    script: str = "hans",
    *,
    template: bytes | None = None,
    label: str = "",
    progress: Progress | None = None,
) -> tuple[list[tuple[str, str]], list[Source], str]:
    """The rendered paragraphs (style, text or html) and the sources."""
    if template is None:
        template, label = template_for(org)
    values = values_for(org, year, codes_in(template), progress=progress)
    facts = Facts(org, year, mode, values)
    env = _HTML_ENV if mode == "html" else _ENV
    rendered = [
        (style, _convert(_render_text(env, text, facts.context()), script))
        for style, text in paragraphs_of(template)
    ]
    return rendered, facts.sources, label


SOURCES_TITLE = "数据来源"


def _markdown(
    org: Org, year: int, script: str, progress: Progress | None = None
) -> tuple[str, list[Source], str]:
    paragraphs, sources, label = body(org, year, "md", script, progress=progress)
    lines = []
    for style, text in paragraphs:
        lines.append(f"# {text}" if style == "Title" else text)
        lines.append("")
    lines.append(f"## {_convert(SOURCES_TITLE, script)}")
    lines.append("")
    for s in sources:
        lines.append(f"[^{s.number}]: {_convert(s.text, script)}")
    return "\n".join(lines) + "\n", sources, label


def html_fragment(
    org: Org, year: int, script: str = "hans", progress: Progress | None = None
) -> tuple[str, list[Source], str]:
    """The summary as an html fragment (preview page, html and pdf outputs)."""
    paragraphs, sources, label = body(org, year, "html", script, progress=progress)
    parts = []
    for style, text in paragraphs:
        tag = "h1" if style == "Title" else "p"
        parts.append(f"<{tag}>{text}</{tag}>")
    parts.append(f'<h2 class="sources">{html.escape(_convert(SOURCES_TITLE, script))}</h2><ol>')
    for s in sources:
        css = ' class="missing"' if s.missing else ""
        parts.append(
            f'<li id="source-{s.number}"{css} data-indicator="{html.escape(s.code)}">'
            f"{html.escape(_convert(s.text, script))}</li>"
        )
    parts.append("</ol>")
    return "\n".join(parts), sources, label


PAGE_CSS = """
@page { size: A4; margin: 25mm 22mm; }
body { font-size: 14pt; line-height: 1.8; }
h1 { font-size: 20pt; text-align: center; }
h2 { font-size: 14pt; margin-top: 2em; }
p { text-indent: 2em; margin: 0 0 .6em; text-align: justify; }
sup { font-size: 8pt; }
sup a { color: #666; text-decoration: none; }
ol { font-size: 10pt; line-height: 1.5; }
.missing { color: #b00020; }
"""


def _html_document(fragment: str, title: str, font: str = "") -> str:
    family = f'body {{ font-family: "{font}", serif; }}' if font else ""
    return (
        '<!doctype html><html lang="zh"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{PAGE_CSS}{family}</style></head>"
        f"<body>{fragment}</body></html>"
    )


# In docx, a figure's reference is a superscript [n] after it: the placeholder writes it
# between two private-use characters, and the rendered runs are split around them.
REF_OPEN, REF_CLOSE = "\ue000", "\ue001"
_REF = re.compile(f"({REF_OPEN}\\d+{REF_CLOSE})")


def _superscript_references(paragraph: Any) -> None:
    for run in list(paragraph.runs):
        if REF_OPEN not in run.text:
            continue
        pieces = [p for p in _REF.split(run.text) if p]
        run.text = ""
        anchor = run
        for piece in pieces:
            new = copy.deepcopy(run._r)
            anchor._r.addnext(new)
            from docx.text.run import Run

            anchor = Run(new, paragraph)
            if piece.startswith(REF_OPEN):
                anchor.text = f"[{piece[1:-1]}]"
                anchor.font.superscript = True
            else:
                anchor.text = piece
        run._r.getparent().remove(run._r)


def _docx(
    org: Org,
    year: int,
    script: str,
    progress: Progress | None = None,
    *,
    template: bytes | None = None,
) -> tuple[bytes, list[Source], str]:
    from docxtpl import DocxTemplate

    label = ""
    if template is None:
        template, label = template_for(org)
    facts = Facts(org, year, "docx", values_for(org, year, codes_in(template), progress=progress))
    document = DocxTemplate(io.BytesIO(template))
    try:
        document.render(facts.context(), jinja_env=_DOCX_ENV)
    except jinja2.TemplateError as exc:
        raise TemplateError(f"模板占位符有误：{exc}") from exc
    docx = document.docx
    for paragraph in docx.paragraphs:
        _superscript_references(paragraph)
    try:
        docx.add_heading(SOURCES_TITLE, level=2)
    except KeyError:  # a template without heading styles
        docx.add_paragraph().add_run(SOURCES_TITLE).bold = True
    for s in facts.sources:
        docx.add_paragraph(f"[{s.number}] {s.shown}：{s.text}")
    if script == "hant":
        for paragraph in docx.paragraphs:
            for run in paragraph.runs:
                run.text = _hant(run.text)
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue(), facts.sources, label


def pdf_from_html(fragment: str, title: str) -> bytes:
    from weasyprint import HTML

    from fulian.events.documents import cjk_font_family

    return bytes(HTML(string=_html_document(fragment, title, cjk_font_family())).write_pdf())


def build(
    org: Org,
    year: int,
    fmt: str = "docx",
    script: str = "hans",
    *,
    progress: Progress | None = None,
) -> Summary:
    """The summary of ``org`` for ``year`` in ``fmt`` (docx, pdf, html, md)."""
    if fmt not in FORMATS or script not in SCRIPTS:
        raise ValueError(f"format {fmt!r} or script {script!r}")
    report = progress or (lambda percent, step: None)
    report(5, "template")
    title = f"{org.name}{year}年度工作总结"
    if fmt == "md":
        text, sources, label = _markdown(org, year, script, report)
        content = text.encode()
    elif fmt == "docx":
        content, sources, label = _docx(org, year, script, report)
    else:
        fragment, sources, label = html_fragment(org, year, script, report)
        report(85, "layout")
        if fmt == "html":
            content = _html_document(fragment, _convert(title, script)).encode()
        else:
            content = pdf_from_html(fragment, _convert(title, script))
    report(100, "done")
    return Summary(org, year, fmt, script, content, sources, label)


def made_on() -> datetime.date:
    return today()


def now() -> datetime.datetime:
    return timezone.now()


def check_template(org: Org, template: bytes) -> list[Source]:
    """Render ``template`` once as the .docx it will make (raises ``TemplateError`` on a
    broken placeholder); the sources say which indicators it names."""
    _content, sources, _label = _docx(org, default_year(), "hans", template=template)
    return sources
