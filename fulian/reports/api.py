"""API of reports: indicators (by period, with comparisons, by child org), the statistics
workbook, the year-end summary and its background jobs. All scoped: an org outside the
caller's subtree is 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from fulian.api.calls import call_service
from fulian.core.indicators import REGISTRY, Value
from fulian.core.params import parse_year
from fulian.core.periods import Period
from fulian.orgs.models import Org
from fulian.reports import services, summary, workbook
from fulian.reports.figures import by_children, figures
from fulian.reports.models import SummaryJob
from fulian.reports.params import org_from, period_from

ORG = OpenApiParameter("org", OpenApiTypes.STR, description="NBS code or id of an org in scope")
PERIOD_PARAMETERS = [
    ORG,
    OpenApiParameter("year", OpenApiTypes.INT, description="a calendar year (default)"),
    OpenApiParameter("period", OpenApiTypes.STR, description="2023, 2023H1, 2023Q3 or 2023-07"),
    OpenApiParameter("from", OpenApiTypes.DATE, description="first day of a date range"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="last day of a date range"),
]


def _period(request: Request) -> Period:
    try:
        return period_from(request.query_params)
    except DjangoValidationError as exc:
        raise ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        ) from exc


def _period_json(period: Period) -> dict[str, Any]:
    return {
        "code": period.code,
        "kind": period.kind,
        "label": str(period.label),
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
    }


def _org_json(org: Org) -> dict[str, Any]:
    return {"id": org.pk, "code": org.code, "name": org.name}


def _file(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _period_schema(name: str) -> Any:
    return inline_serializer(
        name,
        {
            "code": serializers.CharField(),
            "kind": serializers.CharField(help_text="year, half, quarter, month or range"),
            "label": serializers.CharField(),
            "start": serializers.DateField(),
            "end": serializers.DateField(),
        },
    )


def _org_schema(name: str) -> Any:
    return inline_serializer(
        name,
        {
            "id": serializers.IntegerField(),
            "code": serializers.CharField(allow_null=True),
            "name": serializers.CharField(),
        },
    )


def _number() -> Any:
    return serializers.FloatField(allow_null=True)


INDICATORS_SCHEMA = inline_serializer(
    "IndicatorValues",
    {
        "org": _org_schema("ReportOrg"),
        "year": serializers.IntegerField(),
        "period": _period_schema("ReportPeriod"),
        "previous_period": _period_schema("ReportPreviousPeriod"),
        "last_year_period": _period_schema("ReportLastYearPeriod"),
        "indicators": inline_serializer(
            "IndicatorValue",
            {
                "code": serializers.CharField(),
                "name": serializers.CharField(),
                "definition": serializers.CharField(),
                "unit": serializers.CharField(),
                "pillar": serializers.CharField(),
                "additive": serializers.BooleanField(),
                "value": _number(),
                "previous": _number(),
                "last_year": _number(),
                "change": _number(),
                "change_percent": _number(),
            },
            many=True,
        ),
        "own": serializers.DictField(
            child=_number(), required=False, help_text="by=children: the org's own (本级) values"
        ),
        "children": inline_serializer(
            "IndicatorChild",
            {
                "org": _org_schema("ReportChildOrg"),
                "values": serializers.DictField(child=_number()),
            },
            many=True,
            required=False,
        ),
    },
)


class IndicatorViewSet(viewsets.ViewSet):
    """Every indicator for an org's subtree in a period, with the previous period's value
    and the same period last year's; with ``by=children``, also each child org's values
    and the org's own (本级), computed in the same number of queries for any number of
    children. Indicators still in the per-org ``(org, year)`` form answer only for
    calendar years (``null`` otherwise)."""

    @extend_schema(
        parameters=[
            *PERIOD_PARAMETERS,
            OpenApiParameter("by", OpenApiTypes.STR, enum=["children"]),
            OpenApiParameter("codes", OpenApiTypes.STR, description="comma-separated codes"),
        ],
        responses={200: INDICATORS_SCHEMA},
    )
    def list(self, request: Request) -> Response:
        org = org_from(request.user, request.query_params.get("org", ""))
        period = _period(request)
        by = request.query_params.get("by", "")
        if by not in ("", "children"):
            raise ValidationError({"by": [_("by 只能为 children。")]})
        codes_text = request.query_params.get("codes", "")
        codes = [c for c in codes_text.split(",") if c] or None
        unknown = sorted(set(codes or []) - set(REGISTRY))
        if unknown:
            raise ValidationError(
                {"codes": [_("未知的指标代码：%(codes)s") % {"codes": ", ".join(unknown)}]}
            )
        data = figures(org, period, codes)
        result: dict[str, Any] = {
            "org": _org_json(org),
            "year": period.start.year,
            "period": _period_json(period),
            "previous_period": _period_json(period.previous()),
            "last_year_period": _period_json(period.shifted_years(-1)),
            "indicators": [
                {
                    "code": f.code,
                    "name": str(f.indicator.name),
                    "definition": str(f.indicator.definition),
                    "unit": str(f.indicator.unit),
                    "pillar": f.indicator.pillar,
                    "additive": f.indicator.additive,
                    "value": f.value,
                    "previous": f.previous,
                    "last_year": f.last_year,
                    "change": f.change,
                    "change_percent": f.change_percent,
                }
                for f in data.figures
            ],
        }
        if by == "children":
            table = by_children(org, period, codes, total=False)

            def values(row: dict[str, Value]) -> dict[str, Value]:
                return dict(row)

            result["own"] = values(table.own.figures)
            result["children"] = [
                {"org": _org_json(row.org), "values": values(row.figures)}
                for row in table.rows
                if row.org is not None
            ]
        return Response(result)


class WorkbookViewSet(viewsets.ViewSet):
    """The statistics workbook (.xlsx) of an org for a period: one sheet per pillar, child
    orgs as rows, the org's own and a total row, definitions on the last sheet."""

    @extend_schema(
        parameters=PERIOD_PARAMETERS,
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): (
                OpenApiTypes.BINARY
            )
        },
    )
    def list(self, request: Request) -> HttpResponse:
        org = org_from(request.user, request.query_params.get("org", ""))
        period = _period(request)
        return _file(
            workbook.build(org, period),
            workbook.filename(org, period),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


class SummaryViewSet(viewsets.ViewSet):
    """The year-end summary built now: ``type`` docx, pdf, html or md; ``script`` hans or
    hant. For long ones, POST ``/reports/jobs/`` instead."""

    @extend_schema(
        parameters=[
            ORG,
            OpenApiParameter("year", OpenApiTypes.INT),
            OpenApiParameter("type", OpenApiTypes.STR, enum=list(summary.FORMATS)),
            OpenApiParameter("script", OpenApiTypes.STR, enum=list(summary.SCRIPTS)),
        ],
        responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="the file")},
    )
    def list(self, request: Request) -> HttpResponse:
        org = org_from(request.user, request.query_params.get("org", ""))
        params = request.query_params
        year = _period(request).start.year if not params.get("year") else None
        if year is None:
            year = parse_year(params["year"], lo=1949)
            if year is None:
                raise ValidationError({"year": [_("年份须在 1949 到 2100 之间。")]})
        fmt = params.get("type", "md")
        script = params.get("script", "hans")
        if fmt not in summary.FORMATS:
            raise ValidationError({"type": [_("格式须为 docx、pdf、html 或 md。")]})
        if script not in summary.SCRIPTS:
            raise ValidationError({"script": [_("字形须为 hans（简体）或 hant（繁体）。")]})
        try:
            result = summary.build(org, year, fmt, script)
        except summary.TemplateError as exc:
            raise ValidationError({"template": [str(exc)]}) from exc
        return _file(result.content, result.filename, result.content_type)


class JobSerializer(serializers.ModelSerializer):
    org = serializers.CharField(write_only=True, help_text="NBS code or id of an org in scope")
    org_id = serializers.IntegerField(read_only=True)
    format = serializers.ChoiceField(choices=list(summary.FORMATS), default="docx")
    script = serializers.ChoiceField(choices=list(summary.SCRIPTS), default="hans")
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = SummaryJob
        fields = [
            "id",
            "org",
            "org_id",
            "year",
            "format",
            "script",
            "status",
            "progress",
            "step",
            "error",
            "filename",
            "file_url",
            "created_at",
            "finished_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "progress",
            "step",
            "error",
            "filename",
            "created_at",
            "finished_at",
        ]

    def get_file_url(self, job: SummaryJob) -> str | None:
        from django.urls import reverse

        return reverse("report-job-file", args=[job.pk]) if job.file else None

    def create(self, validated: dict[str, Any]) -> SummaryJob:
        request = self.context["request"]
        org = org_from(request.user, validated.pop("org"))
        job: SummaryJob = call_service(
            services.start_summary, actor=request.user, org=org, **validated
        )
        return job


class JobViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Year-end summaries built in the background: POST starts one, GET shows its
    progress and, when done, the file's URL."""

    # Jobs are named by UUID (the router takes integer ids unless a viewset says otherwise).
    lookup_value_regex = "[0-9a-f-]{36}"

    serializer_class = JobSerializer
    write_perm = "fulian.view"

    def get_queryset(self) -> Any:
        return SummaryJob.objects.for_user(self.request.user).select_related("org")

    @extend_schema(
        responses={
            200: OpenApiResponse(OpenApiTypes.BINARY, description="the summary file"),
            404: OpenApiResponse(description="not in scope, or not built yet"),
        }
    )
    @action(detail=True, methods=["get"])
    def file(self, request: Request, pk: str | None = None) -> Any:
        """The finished job's file."""
        from django.http import Http404

        from fulian.core.uploads import serve

        job = self.get_object()
        if not job.file:
            raise Http404
        return serve(job.file, content_type=summary.CONTENT_TYPES[job.format], name=job.filename)


def register(router: Any) -> None:
    router.register("indicators", IndicatorViewSet, basename="indicators")
    router.register("reports/workbook", WorkbookViewSet, basename="report-workbook")
    router.register("reports/summary", SummaryViewSet, basename="report-summary")
    router.register("reports/jobs", JobViewSet, basename="report-job")
