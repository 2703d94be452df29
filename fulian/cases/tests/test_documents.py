"""The agreement (upload checked by content; .docx from the template) and the case-list
workbook (anonymous unless the reader opens every case in it; never a minor)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from fulian.cases import services
from fulian.core.models import AccessLog

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_an_upload_that_is_not_what_it_claims_is_refused(client, cast, make_case):
    case = make_case()
    client.force_login(cast.village_editor)
    fake = SimpleUploadedFile("协议.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = client.post(reverse("cases:case_agreement", args=[case.pk]), {"file": fake})
    assert response.status_code == 400
    assert "只能上传照片（JPEG、PNG、WebP）、PDF、Word 或 Excel 文件。" in response.content.decode()
    case.refresh_from_db()
    assert not case.agreement_file
    sheet = io.BytesIO()
    from openpyxl import Workbook

    Workbook().save(sheet)
    xlsx = SimpleUploadedFile("协议.docx", sheet.getvalue())
    response = client.post(reverse("cases:case_agreement", args=[case.pk]), {"file": xlsx})
    assert response.status_code == 400
    assert "调解协议只能是 PDF、Word 文件或照片。" in response.content.decode()


def test_a_real_agreement_is_stored_and_served_to_readers_only(client, cast, make_case):
    case = make_case()
    client.force_login(cast.village_editor)
    upload = SimpleUploadedFile("调解协议书.pdf", PDF, content_type="application/octet-stream")
    response = client.post(reverse("cases:case_agreement", args=[case.pk]), {"file": upload})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.agreement_name, case.agreement_type) == ("调解协议书.pdf", "application/pdf")
    served = client.get(reverse("cases:case_agreement", args=[case.pk]))
    assert served.status_code == 200 and b"".join(served.streaming_content) == PDF
    assert served["Content-Type"] == "application/pdf"
    for persona in ("viewer", "town_b_admin"):
        client.force_login(getattr(cast, persona))
        assert client.get(reverse("cases:case_agreement", args=[case.pk])).status_code == 404
    # A district admin without a reason in this session may not download it.
    client.force_login(cast.district_admin)
    assert client.get(reverse("cases:case_agreement", args=[case.pk])).status_code == 403
    client.post(reverse("cases:case_reason", args=[case.pk]), {"reason": "复核协议"})
    assert client.get(reverse("cases:case_agreement", args=[case.pk])).status_code == 200
    assert AccessLog.objects.filter(user=cast.district_admin, reason="复核协议").count() == 1


def test_the_generated_agreement_names_adults_only(client, cast, make_case):
    case = make_case()
    services.conclude_case(
        actor=cast.village_editor,
        case=case,
        outcome="success",
        on=datetime.date(2023, 6, 1),
        agreement_text="一、双方共同承担家务；二、每月探望老人两次。",
    )
    client.force_login(cast.village_editor)
    response = client.get(reverse("cases:case_agreement_docx", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="HT20230001.docx"'
    text = docx_text(response.content)
    assert "HT20230001" in text and "皂郊镇执委婚调工作室" in text
    assert "甲某某" in text and "乙某某" in text and "丙小某" not in text
    assert "一、双方共同承担家务；二、每月探望老人两次。" in text
    assert "2023年06月01日" in text


def rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [tuple(r) for r in sheet.iter_rows(values_only=True)]


def test_export_is_anonymous_unless_the_reader_opens_every_case(client, cast, make_case):
    make_case()
    make_case(mediators=[])  # the village editor is not on this one
    client.force_login(cast.town_a_admin)  # opens both: named, adults only
    named = rows(client.get(reverse("cases:case_export")).content)
    assert named[0][-1] == "当事人"
    assert [r[0] for r in named[1:]] == ["HT20230001", "HT20230002"]
    assert named[1][-1] == "甲某某、乙某某"
    assert all("丙小某" not in str(cell) for row in named for cell in row)
    client.force_login(cast.district_admin)  # sees both, opens neither without a reason
    anonymous = rows(client.get(reverse("cases:case_export")).content)
    assert "当事人" not in anonymous[0] and len(anonymous) == 3
    assert all("甲某某" not in str(cell) for row in anonymous for cell in row)
    client.force_login(cast.village_editor)  # sees only its own case: named
    own = rows(client.get(reverse("cases:case_export")).content)
    assert [r[0] for r in own[1:]] == ["HT20230001"] and own[1][-1] == "甲某某、乙某某"
    client.force_login(cast.viewer)  # sees none
    assert rows(client.get(reverse("cases:case_export")).content)[1:] == []
