"""The election result sheet as .xlsx (names and votes only: no personal data)."""

from __future__ import annotations

import io

from django.utils import translation

from fulian.people import services
from fulian.people.models import Election


def election_workbook(election: Election) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    with translation.override("zh-hans"):
        summary = services.election_summary(election)
        wb = Workbook()
        ws = wb.active
        ws.title = "选举结果"
        ws.append([election.name])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append(["代表大会", election.congress.name])
        ws.append(["选举日期", election.held_on.isoformat()])
        ws.append(["应选名额", election.seats])
        ws.append(["候选人数", len(summary["candidates"])])
        ws.append(["应到代表", election.congress.delegates_due])
        ws.append(["当选所需票数（超过应到代表半数）", summary["threshold"]])
        ws.append(["发出选票", election.ballots_issued])
        ws.append(["收回选票", election.ballots_returned])
        ws.append(["状态", str(election.get_status_display())])
        ws.append([])
        ws.append(["名次", "姓名", "所属组织", "得票", "结果"])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        for c in summary["candidates"]:
            ws.append(
                [c.rank, c.person.name, c.person.org.name, c.votes, str(c.get_outcome_display())]
            )
        ws.column_dimensions["A"].width = 34
        ws.column_dimensions["B"].width = 30
        ws.column_dimensions["C"].width = 24
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
