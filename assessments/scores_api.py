"""The JSON API of a secretary's own scores and of the public results.

- `GET /api/assessment-scores/mine/?cycle=<id>`: the signed-in community secretary's scores, the
  same data as /assessments/mine/ (who may ask and which cycle is views._my_cycle: anyone else
  403, another street's cycle or a forged id 404). Before the scores freeze the figures are a live
  preview, `provisional: true`, and band, rank and recommendation are left out (null): they move
  with every other secretary's data until review ends, and the page does not show them either.
- `GET /api/assessment-results/` and `/api/assessment-results/{id}/`: final cycles only (anything
  else 404), no login; what is published is assessments.public's rule.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import my_scores, public
from .models import AssessmentCycle, IndicatorType, Phase, Submission
from .views import _my_cycle, _rows

# Serializers (documentation of the shape; the data is built below) -----------------------------


class EvidenceSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    date = serializers.DateField(allow_null=True)


class ScoreLineSerializer(serializers.Serializer):
    indicator_id = serializers.IntegerField()
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=IndicatorType.choices)
    source = serializers.CharField()
    weight = serializers.FloatField()
    value = serializers.FloatField(allow_null=True, help_text=_("The raw figure the points come from."))
    points = serializers.DecimalField(max_digits=7, decimal_places=2)
    target = serializers.FloatField(allow_null=True)
    evidence = EvidenceSerializer(many=True, required=False, help_text=_("The records counted."))
    missing = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=_("What is missing, e.g. the months without a reflection."),
    )


class MyResultSerializer(serializers.Serializer):
    learning = serializers.DecimalField(max_digits=7, decimal_places=2)
    practical = serializers.DecimalField(max_digits=7, decimal_places=2)
    harmonious = serializers.DecimalField(max_digits=7, decimal_places=2)
    total = serializers.DecimalField(max_digits=7, decimal_places=2)
    band = serializers.CharField(allow_null=True, help_text=_("Null while provisional."))
    band_name = serializers.CharField(allow_null=True, help_text=_("Null while provisional."))
    rank = serializers.IntegerField(allow_null=True, help_text=_("In the street; null while provisional."))
    recommended = serializers.BooleanField(allow_null=True, help_text=_("Null while provisional."))
    vetoed = serializers.BooleanField(allow_null=True, help_text=_("Null while provisional."))
    capped = serializers.BooleanField(allow_null=True, help_text=_("Null while provisional."))
    lines = ScoreLineSerializer(many=True)


class MyCycleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    street_name = serializers.CharField()
    year = serializers.IntegerField()
    phase = serializers.CharField()
    phase_label = serializers.CharField()


class MyScoresSerializer(serializers.Serializer):
    cycle = MyCycleSerializer(allow_null=True, help_text=_("Null when your street has no cycle open yet."))
    community = serializers.CharField()
    provisional = serializers.BooleanField(
        help_text=_("A live preview: the scores freeze when the review ends.")
    )
    result = MyResultSerializer(allow_null=True, help_text=_("Null when you have no scores yet."))
    missing = serializers.ListField(child=serializers.CharField(), help_text=_("What is missing this month."))


class RecommendedSerializer(serializers.Serializer):
    place = serializers.IntegerField(help_text=_("1, 2, 3: the order of recommendation."))
    name = serializers.CharField()
    community = serializers.CharField()
    band = serializers.CharField()
    band_name = serializers.CharField()


class WinnerSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    title = serializers.CharField()
    author = serializers.CharField()
    community = serializers.CharField()
    url = serializers.CharField(allow_null=True, help_text=_("The published result page."))


class PublicResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    street_name = serializers.CharField()
    year = serializers.IntegerField()
    recommended = RecommendedSerializer(many=True)
    awards = WinnerSerializer(many=True)


class PublicCycleSerializer(serializers.ModelSerializer):
    street_name = serializers.CharField(source="street.name", read_only=True)

    class Meta:
        model = AssessmentCycle
        fields = ["id", "street_name", "year"]
        read_only_fields = fields


# Views ------------------------------------------------------------------------------------------


def _my_data(request: Request) -> dict:
    cycle, community, member = _my_cycle(request._request)
    data = {"cycle": None, "community": community.name, "provisional": False, "result": None, "missing": []}
    if cycle is None:
        return data
    rows, provisional = _rows(cycle, member_id=member.pk)
    row = rows[0] if rows else None
    submissions = Submission.objects.filter(cycle=cycle, secretary=request.user).only("kind", "month")
    data.update(
        cycle={
            "id": cycle.pk,
            "street_name": cycle.street.name,
            "year": cycle.year,
            "phase": cycle.phase,
            "phase_label": cycle.get_phase_display(),
        },
        provisional=provisional,
        missing=my_scores.missing(cycle, row, submissions, timezone.localdate()),
    )
    if row is not None:
        hidden = provisional
        data["result"] = {
            **{k: row[k] for k in ("learning", "practical", "harmonious", "total", "lines")},
            **{
                k: None if hidden else row[k]
                for k in ("band", "band_name", "rank", "recommended", "vetoed", "capped")
            },
        }
    return data


@extend_schema(tags=["assessments"])
class MyScoresView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary=_("My assessment scores"),
        description=_(
            "For a community secretary: per type subtotal, total, band, rank and every indicator with "
            "its evidence and what is missing, in the given cycle of your street (else the latest). "
            "Before the scores freeze: provisional, without band, rank or recommendation."
        ),
        parameters=[
            OpenApiParameter(
                "cycle", OpenApiTypes.INT, required=False, description=_("A cycle of your street.")
            )
        ],
        responses={
            200: MyScoresSerializer,
            401: OpenApiResponse(description=_("Sign in first.")),
            403: OpenApiResponse(description=_("Only for community secretaries.")),
            404: OpenApiResponse(description=_("Not found, or not yours to see.")),
        },
    )
    def get(self, request: Request) -> Response:
        return Response(MyScoresSerializer(_my_data(request)).data)


@extend_schema(tags=["assessments"])
@extend_schema_view(
    list=extend_schema(
        summary=_("Published assessment results"),
        description=_("Final cycles of every street, newest first; no login needed."),
        responses={200: PublicCycleSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary=_("One cycle's published results"),
        description=_(
            "The recommended secretaries (place, name, community, band; no scores) and the "
            "award-winning works of a final cycle."
        ),
        responses={
            200: PublicResultSerializer,
            404: OpenApiResponse(description=_("Not found, or not published.")),
        },
    ),
)
class PublicResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [AllowAny]
    authentication_classes: list = []  # public data: no session, no CSRF, the same for everyone
    serializer_class = PublicCycleSerializer
    queryset = AssessmentCycle.objects.none()

    def get_queryset(self) -> QuerySet[AssessmentCycle]:
        return public.public_cycles()

    def retrieve(self, request: Request, pk=None) -> Response:
        pub = public.publication(public.cycle_in(Phase.FINAL, pk))
        data = {
            "id": pub.cycle.pk,
            "street_name": pub.cycle.street.name,
            "year": pub.cycle.year,
            "recommended": [vars(r) for r in pub.recommended],
            "awards": [
                {
                    "kind": w.kind,
                    "kind_label": w.kind_label,
                    "title": w.title,
                    "author": w.author,
                    "community": w.community,
                    "url": w.page.get_url(request._request) if w.page is not None else None,
                }
                for w in pub.awards
            ],
        }
        return Response(PublicResultSerializer(data).data)
