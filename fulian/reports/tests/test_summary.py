"""The year-end summary on the 2023 demo: ``annual_report`` in every format and both
scripts states the seed's 17 figures in the seed's wording, each tied to its indicator;
the .docx opens in python-docx and in LibreOffice; the page previews and downloads it; a
background job builds it with its progress."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from fulian.accounts.models import User
from fulian.reports import summary
from fulian.reports.models import JobStatus, SummaryJob
from fulian.reports.tasks import build_summary
from fulian.reports.tests.conftest import (
    SEED_FIGURES,
    SEED_FIGURES_HANT,
    libreoffice_to_pdf,
    pdf_text,
)

pytestmark = pytest.mark.usefixtures("demo")

SOURCES = [
    "building.guidance_visits",
    "building.new_sector_orgs_founded",
    "venues.mediation_workrooms_established",
    "venues.micro_homes_established",
    "people.delegates",
    "events.series.lingtouyan.classes",
    "events.series.lingtouyan.trainees",
    "events.trainings",
    "events.training_attendances",
    "duty.duty_reports",
    "duty.claiming_executives",
    "duty.projects_claimed",
    "events.campaign.law_homes",
    "events.campaign.women_voice",
    "events.campaign.growing_together",
    "events.campaign.love_home",
    "events.campaign.beautiful_homes",
]


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (156, "150余"),
        (83, "80余"),
        (47, "40余"),
        (224, "220余"),
        (305, "300余"),
        (150, "150"),
        (7, "7"),
        (10, "10"),
        (99, "90余"),
        (1000, "1000"),
        (1234, "1200余"),
        (12345, "12000余"),
    ],
)
def test_the_reports_rounding(n, text):
    assert summary.approx_text(n) == text


def _report(tmp_path: Path, fmt: str, script: str = "hans") -> Path:
    out = tmp_path / f"summary.{fmt}"
    stdout = io.StringIO()
    call_command(
        "annual_report",
        "--org=620502",
        "--year=2023",
        f"--format={fmt}",
        f"--script={script}",
        f"--output={out}",
        stdout=stdout,
    )
    assert stdout.getvalue().startswith(f"{out} (") and "17 sources" in stdout.getvalue()
    return out


def _without_markers(text: str) -> str:
    return re.sub(r"\[\^\d+\]", "", text)


@pytest.mark.parametrize(
    ("script", "figures"), [("hans", SEED_FIGURES), ("hant", SEED_FIGURES_HANT)]
)
def test_markdown_states_the_seeds_figures_with_footnotes(db, tmp_path, script, figures):
    text = _report(tmp_path, "md", script).read_text()
    plain = _without_markers(text)
    assert [f for f in figures if f not in plain] == []
    # Each figure is followed by its footnote, and the footnotes name the indicators.
    assert re.findall(r"\[\^(\d+)\]:", text) == [str(n) for n in range(1, 18)]
    footnotes = re.findall(r"^\[\^\d+\]: .*?（([a-z_.]+)）", text, flags=re.M)
    assert footnotes == SOURCES
    assert "工作16次[^1]" in text
    assert ("普法宣传150余次[^13]" if script == "hans" else "普法宣傳150余次[^13]") in text
    first = text.splitlines()[0]
    assert first == (
        "# 秦州区妇联2023年度工作总结" if script == "hans" else "# 秦州區婦聯2023年度工作總結"
    )


def test_html_ties_every_figure_to_its_indicator(db, tmp_path):
    page = _report(tmp_path, "html").read_text()
    spans = re.findall(
        r'<span class="summary-figure" data-indicator="([\w.]+)" title="([^"]+)">([^<]+)</span>',
        page,
    )
    assert [code for code, _title, _text in spans] == SOURCES
    assert spans[0][1:] == (
        "指导督察次数（building.guidance_visits）：16次。统计期内由本组织及下级组织开展的指导督察次数",
        "16次",
    )
    assert spans[12][2] == "150余次" and "156次" in spans[12][1]
    assert page.count('<li id="source-') == 17
    plain = re.sub(r"<sup>.*?</sup>", "", re.sub(r"</?span[^>]*>", "", page))
    assert [f for f in SEED_FIGURES if f not in plain] == []


def test_docx_opens_with_superscript_references_and_sources(db, tmp_path):
    path = _report(tmp_path, "docx")
    document = Document(str(path))
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    assert paragraphs[0].text == "秦州区妇联2023年度工作总结"
    assert paragraphs[0].style.name == "Title"
    body = "".join(re.sub(r"\[\d+\]", "", p.text) for p in paragraphs[1:6])
    assert [f for f in SEED_FIGURES if f not in body] == []
    references = [r.text for p in paragraphs[1:6] for r in p.runs if r.font.superscript]
    assert references == [f"[{n}]" for n in range(1, 18)]
    assert paragraphs[6].text == "数据来源"
    sources = [p.text for p in paragraphs[7:]]
    assert len(sources) == 17
    assert sources[0] == (
        "[1] 16次：指导督察次数（building.guidance_visits）：16次。"
        "统计期内由本组织及下级组织开展的指导督察次数"
    )
    assert sources[16].startswith("[17] 300余次：“巾帼共建美丽家园”活动次数")
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


@pytest.mark.parametrize(
    ("script", "figures"), [("hans", SEED_FIGURES), ("hant", SEED_FIGURES_HANT)]
)
def test_docx_converts_in_libreoffice(db, tmp_path, script, figures):
    pdf = libreoffice_to_pdf(_report(tmp_path, "docx", script))
    text = re.sub(r"\[\d+\]", "", pdf_text(pdf))  # the superscript references
    assert [f for f in figures if "".join(f.split()) not in text] == []


def test_pdf_states_the_figures(db, tmp_path, cjk_pdf):
    path = _report(tmp_path, "pdf")
    assert path.read_bytes()[:5] == b"%PDF-"
    text = pdf_text(path)
    assert "工作16次[1]" in text and "167名[5]妇女代表" in text
    text = re.sub(r"\[\d+\]", "", text)
    assert [f for f in SEED_FIGURES if "".join(f.split()) not in text] == []
    assert "数据来源" in text and "（building.guidance_visits）" in text


def test_the_command_refuses_an_unknown_org(db):
    with pytest.raises(CommandError, match="no org with code 999999"):
        call_command("annual_report", "--org=999999", "--year=2023")


def test_a_town_gets_its_own_figures(db):
    town = summary.Org.objects.get(code="620502103")
    result = summary.build(town, 2023, "md")
    assert result.filename == "皂郊镇2023年度工作总结.md"
    text = result.content.decode()
    assert text.startswith("# 皂郊镇妇联2023年度工作总结")
    values = {s.code: s.value for s in result.sources}
    assert (
        values["building.guidance_visits"]
        == summary.values_for(town, 2023, ["building.guidance_visits"])["building.guidance_visits"]
    )


def _login(client, username="qinzhou-admin"):
    client.force_login(User.objects.get(username=username))


def test_the_page_previews_and_downloads(db, client, django_assert_num_queries):
    _login(client)
    district = summary.Org.objects.get(code="620502")
    response = client.get(f"/reports/summary/?org={district.pk}&year=2023")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="summary-figure" data-indicator=') == 17
    assert 'id="source-17"' in html
    assert "内置模板" in html
    download = client.get(
        f"/reports/summary/download/?org={district.pk}&year=2023&format=docx&script=hans"
    )
    assert download.status_code == 200
    assert download["Content-Type"] == summary.CONTENT_TYPES["docx"]
    assert "filename*=utf-8''%E7%A7%A6" in download["Content-Disposition"]
    assert Document(io.BytesIO(download.content)).paragraphs[0].text == "秦州区妇联2023年度工作总结"
    hant = client.get(
        f"/reports/summary/download/?org={district.pk}&year=2023&format=md&script=hant"
    )
    assert "普法宣傳150余次" in _without_markers(hant.content.decode())
    bad = client.get(f"/reports/summary/download/?org={district.pk}&year=2023&format=exe")
    assert bad.status_code == 400


def test_a_village_chair_sees_only_her_village(db, client):
    _login(client, "xiazhaizi-village")
    district = summary.Org.objects.get(code="620502")
    assert client.get(f"/reports/summary/?org={district.pk}&year=2023").status_code == 404
    assert (
        client.get("/reports/summary/download/?org=620502&year=2023&format=md").status_code == 404
    )
    own = client.get("/reports/summary/?year=2023")
    assert own.status_code == 200
    assert "下寨子" in own.content.decode()


def test_a_background_job_builds_the_file_with_progress(
    db, client, media, django_capture_on_commit_callbacks
):
    _login(client)
    district = summary.Org.objects.get(code="620502")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/reports/summary/jobs/",
            {"org": district.pk, "year": 2023, "format": "docx", "script": "hans"},
        )
    job = SummaryJob.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/reports/summary/jobs/{job.pk}/"
    )
    assert (job.status, job.progress) == (JobStatus.QUEUED, 0)
    page = client.get(f"/reports/summary/jobs/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and 'data-status="queued"' in page

    # The job is in django-tasks' queue; run it as the worker would (the worker itself, which
    # closes connections between tasks, runs in test_api's transactional test).
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.get()
    assert (queued.task_path, queued.args_kwargs["args"]) == (
        "fulian.reports.tasks.build_summary",
        [str(job.pk)],
    )
    assert build_summary.call(str(job.pk)) == "done"
    job.refresh_from_db()
    assert (job.status, job.progress, job.step) == (JobStatus.DONE, 100, "done")
    assert job.filename == "秦州区2023年度工作总结.docx"
    partial = client.get(f"/reports/summary/jobs/{job.pk}/", headers={"HX-Request": "true"})
    text = partial.content.decode()
    assert text.lstrip().startswith('<div id="progress"') and "hx-trigger" not in text
    assert 'data-status="done"' in text and "100%" in text
    file = client.get(f"/reports/summary/jobs/{job.pk}/file/")
    content = b"".join(file.streaming_content)
    assert Document(io.BytesIO(content)).paragraphs[0].text == "秦州区妇联2023年度工作总结"

    # Another town's chair cannot see the job: 404, as if it did not exist.
    _login(client, "tianshui-town")
    assert client.get(f"/reports/summary/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/reports/summary/jobs/{job.pk}/file/").status_code == 404


def test_progress_is_reported_as_the_indicators_are_read(db):
    seen: list[tuple[int, str]] = []
    district = summary.Org.objects.get(code="620502")
    summary.build(district, 2023, "md", progress=lambda p, step: seen.append((p, step)))
    assert seen[0] == (5, "template") and seen[-1] == (100, "done")
    indicators = [p for p, step in seen if step == "indicators"]
    assert len(indicators) == 17 and indicators == sorted(indicators) and indicators[-1] == 80


def _edited_template(client) -> bytes:
    """The built-in template as downloaded, with one phrase reworded in Word's way."""
    builtin = client.get("/reports/summary/template.docx")
    assert builtin.status_code == 200
    document = Document(io.BytesIO(builtin.content))
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            run.text = run.text.replace("圆满召开第八次妇女代表大会", "顺利召开第八次妇女代表大会")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _upload(client, content: bytes, name: str = "模板.docx", note: str = "改一处措辞"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    district = summary.Org.objects.get(code="620502")
    return client.post(
        "/reports/summary/templates/",
        {"org": district.pk, "note": note, "file": SimpleUploadedFile(name, content)},
    )


def test_district_staff_edit_the_wording_and_keep_the_figures_live(db, client, media):
    from fulian.reports.models import SummaryTemplate

    _login(client)
    edited = _edited_template(client)
    response = _upload(client, edited)
    assert response.status_code == 302
    v1 = SummaryTemplate.objects.get()
    assert (v1.version, v1.is_active, v1.note) == (1, True, "改一处措辞")
    district = summary.Org.objects.get(code="620502")
    text = _without_markers(summary.build(district, 2023, "md").content.decode())
    assert "顺利召开第八次妇女代表大会" in text and "圆满召开" not in text
    assert [f for f in SEED_FIGURES if f not in text] == []
    # A town under the district uses the district's template too.
    town = summary.Org.objects.get(code="620502103")
    assert summary.template_for(town)[1] == "秦州区 v1"

    # A second version; going back to the first keeps both.
    assert _upload(client, edited, note="第二版").status_code == 302
    assert list(SummaryTemplate.objects.values_list("version", "is_active")) == [
        (2, True),
        (1, False),
    ]
    assert client.post(f"/reports/summary/templates/{v1.pk}/activate/").status_code == 302
    assert list(SummaryTemplate.objects.values_list("version", "is_active")) == [
        (2, False),
        (1, True),
    ]
    kept = client.get(f"/reports/summary/templates/{v1.pk}/")
    assert kept.status_code == 200 and b"".join(kept.streaming_content) == edited


def test_a_broken_template_is_refused_with_a_clear_message(db, client, media):
    from fulian.reports.models import SummaryTemplate

    _login(client)
    document = Document()
    document.add_paragraph('到镇、街道指导工作{{ v("building.guidance_visits", "次") }')
    out = io.BytesIO()
    document.save(out)
    response = _upload(client, out.getvalue())
    assert response.status_code == 400
    assert "模板占位符有误" in response.content.decode()
    text = _upload(client, b"just text", name="模板.txt")
    assert text.status_code == 400
    assert SummaryTemplate.objects.count() == 0


def test_only_district_staff_change_templates(db, client, media):
    from fulian.reports.models import SummaryTemplate

    _login(client, "zaojiao-town")
    assert _upload(client, _edited_template(client)).status_code == 403
    assert SummaryTemplate.objects.count() == 0
