from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fulian.core import periods
from fulian.core.indicators import evaluate
from fulian.core.params import parse_id, parse_year
from fulian.core.scope import user_org
from fulian.orgs.models import Org


class IndicatorsView(APIView):
    """Every indicator's value for an org's subtree and a year (default: the user's org)."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "org", OpenApiTypes.STR, description="NBS code or id of an org in scope"
            ),
            OpenApiParameter("year", OpenApiTypes.INT),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        ref = request.query_params.get("org", "")
        scope = Org.objects.for_user(request.user)
        if ref:
            org = scope.filter(code=ref).first() or (
                scope.filter(pk=parse_id(ref)).first() if parse_id(ref) else None
            )
            if org is None:
                raise Http404
        else:
            org = user_org(request.user)
        if org is None:
            raise Http404
        year_text = request.query_params.get("year", str(periods.default_year()))
        year = parse_year(year_text, lo=1949)
        if year is None:
            raise ValidationError({"year": [_("年份无效。")]})
        return Response(
            {
                "org": {"id": org.pk, "code": org.code, "name": org.name},
                "year": year,
                "indicators": [
                    {"code": i.code, "name": str(i.name), "unit": str(i.unit), "value": value}
                    for i, value in evaluate(org, year)
                ],
            }
        )
