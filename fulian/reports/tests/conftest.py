"""The whole 2023 demo, loaded once per test module and rolled back after it: the reports'
figures are asserted on the demo exactly, and loading it takes a minute."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from fulian.conftest import _require_system_part

# The seed's 17 figures in its own wording, as the built-in template writes them.
SEED_FIGURES = [
    "到镇、街道指导妇女组织建设工作16次",
    "在 “三新”组织建立妇联组织5个",
    "“执委婚调工作室”10个",
    "成立“妇女微家”10个",
    "167名妇女代表",
    "举办2期",
    "网格员270人",
    "开展培训39次",
    "执委987人",
    "听取8名执委述职",
    "区妇联41名执委",
    "共领办实事项目68个",
    "普法宣传150余次",
    "宣讲80余次",
    "生产技能培训40余次",
    "结对行动220余次",
    "清洁行动300余次",
]
# The same in Traditional, as the seed prints them (it keeps 余 in the rounded counts).
SEED_FIGURES_HANT = [
    "到鎮、街道指導婦女組織建設工作16次",
    "在 “三新”組織建立婦聯組織5個",
    "“執委婚調工作室”10個",
    "成立“婦女微家”10個",
    "167名婦女代表",
    "舉辦2期",
    "網格員270人",
    "開展培訓39次",
    "執委987人",
    "聽取8名執委述職",
    "區婦聯41名執委",
    "共領辦實事項目68個",
    "普法宣傳150余次",
    "宣講80余次",
    "生產技能培訓40余次",
    "結對行動220余次",
    "清潔行動300余次",
]


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """``load_demo`` inside a transaction that the module's end rolls back; each test's
    own transaction nests in it (use with ``db``, not ``transactional_db``)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")


def libreoffice_to_pdf(source: Path) -> Path:
    """Convert a .docx or .xlsx with LibreOffice (libreoffice-writer / -calc), in a profile
    of its own so that parallel runs do not share one."""
    available = LIBREOFFICE is not None and _libreoffice_has(source.suffix)
    _require_system_part(
        available, "LibreOffice (apt-get install libreoffice-writer-nogui libreoffice-calc-nogui)"
    )
    assert LIBREOFFICE is not None
    profile = source.parent / "lo-profile"
    subprocess.run(
        [
            LIBREOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(source.parent),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = source.with_suffix(".pdf")
    assert pdf.exists(), f"LibreOffice did not convert {source.name}"
    return pdf


def _libreoffice_has(suffix: str) -> bool:
    """Writer (for .docx) or Calc (for .xlsx) installed beside LibreOffice's core."""
    program = Path(os.path.realpath(LIBREOFFICE or "")).parent
    library = "libswlo.so" if suffix == ".docx" else "libsclo.so"
    return (program / library).exists()


def pdf_text(pdf: Path) -> str:
    """The PDF's text without white space (pdftotext breaks lines inside sentences)."""
    tool = shutil.which("pdftotext")
    _require_system_part(tool is not None, "pdftotext (apt-get install poppler-utils)")
    assert tool is not None
    out = subprocess.run([tool, str(pdf), "-"], check=True, capture_output=True, timeout=60)
    return "".join(out.stdout.decode().split())


def pdf_pages(pdf: Path) -> int:
    tool = shutil.which("pdfinfo")
    _require_system_part(tool is not None, "pdfinfo (apt-get install poppler-utils)")
    assert tool is not None
    out = subprocess.run([tool, str(pdf)], check=True, capture_output=True, timeout=60)
    line = next(x for x in out.stdout.decode().splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])
