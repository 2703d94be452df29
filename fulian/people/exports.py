"""The election result sheet as .xlsx (names and votes only: no personal data)."""

from __future__ import annotations

from django.utils import translation

from fulian.core import exports
from fulian.people import services
from fulian.people.models import Election

COLUMNS = [
    exports.Column("名次", exports.INT),
    exports.Column("姓名"),
    exports.Column("所属组织"),
    exports.Column("得票", exports.INT),
    exports.Column("结果"),
]


def election_workbook(election: Election) -> bytes:
    """The ballot facts above the candidates in rank order, printable on one page wide."""
    with translation.override("zh-hans"):
        summary = services.election_summary(election)
        book = exports.new_book()
        exports.add_table(
            book,
            sheet="选举结果",
            title=f"{election.name}结果",
            facts=[
                ("代表大会", election.congress.name),
                ("选举日期", election.held_on),
                ("应选名额", election.seats),
                ("候选人数", len(summary["candidates"])),
                ("应到代表", election.congress.delegates_due),
                ("当选所需票数（超过应到代表半数）", summary["threshold"]),
                ("发出选票", election.ballots_issued),
                ("收回选票", election.ballots_returned),
                ("状态", str(election.get_status_display())),
            ],
            columns=COLUMNS,
            rows=[
                [c.rank, c.person.name, c.person.org.name, c.votes, str(c.get_outcome_display())]
                for c in summary["candidates"]
            ],
            totals=False,
        )
        return exports.to_bytes(book)
