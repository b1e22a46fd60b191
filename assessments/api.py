"""The assessment's JSON API: the cycles one manages (with indicators and phase history), and a
street secretary's move to the next phase.

Thin: who sees a cycle is assessments.access.manageable_cycles (others: 404); the move is
services.advance_by_hand with actor=request.user, whose refusals answer 400 in Chinese with
nothing written.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from . import access, services
from .models import AssessmentCycle, PhaseTransition
from .serializers import AdvanceSerializer, CycleSerializer


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    text = {
        400: _(
            "Refused or invalid: the reason in Chinese under non_field_errors or by field; nothing written."
        ),
        401: _("Sign in first."),
        404: _("Not found, or not yours to see."),
    }
    return {code: OpenApiResponse(description=text[code]) for code in codes}


@extend_schema(tags=["assessments"])
@extend_schema_view(
    list=extend_schema(
        summary=_("Assessment cycles"),
        description=_(
            "The cycles of the streets where you hold a post (all of them for a system administrator)."
        ),
        responses={200: CycleSerializer(many=True), **_errors(401)},
    ),
    retrieve=extend_schema(
        summary=_("One assessment cycle"), responses={200: CycleSerializer, **_errors(401, 404)}
    ),
)
class CycleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CycleSerializer
    queryset = AssessmentCycle.objects.none()

    def get_queryset(self) -> QuerySet[AssessmentCycle]:
        return (
            access.manageable_cycles(self.request.user)
            .select_related("street")
            .prefetch_related(
                "indicators",
                Prefetch("transitions", queryset=PhaseTransition.objects.select_related("actor")),
            )
            .order_by("-year", "street__path", "pk")
        )

    @extend_schema(
        summary=_("Move a cycle to its next phase"),
        description=_(
            "Now, whatever its dates say, with a reason; logged with your name. Into final only after "
            "the public notice closed with no open objection. Moved already by someone else: the cycle "
            "as it is, nothing done."
        ),
        request=AdvanceSerializer,
        responses={200: CycleSerializer, **_errors(400, 401, 404)},
    )
    @action(detail=True, methods=["post"])
    def advance(self, request: Request, pk=None) -> Response:
        cycle = self.get_object()
        params = AdvanceSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        services.advance_by_hand(cycle, actor=request.user, reason=params.validated_data["reason"])
        return Response(CycleSerializer(self.get_queryset().get(pk=cycle.pk)).data)
