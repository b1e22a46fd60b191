"""The co-building JSON API: agreements, the three lists, a need's matching suggestions (and the
project made from them), report-ins (双报到).

Thin: what a user sees is cobuilding.access (others: 404); writes are the services with
actor=request.user, whose refusals answer 400 in Chinese with nothing written, or 403.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from orgchart.models import Organisation

from . import access, editing, matching, queries, services, unit_access, unit_side
from .models import Agreement, Need, NeedAnswer, Project, ReportIn, Resource
from .serializers import (
    AgreementSerializer,
    EndSerializer,
    HoursQuerySerializer,
    MakeProjectSerializer,
    NeedSerializer,
    ProjectSerializer,
    ReportInHoursSerializer,
    ReportInSerializer,
    ResourceSerializer,
    SuggestionSerializer,
)
from .serializers_answers import AnswerCreateSerializer, AnswerProjectSerializer, NeedAnswerSerializer
from .serializers_write import (
    AgreementCreateSerializer,
    AgreementUpdateSerializer,
    NeedCreateSerializer,
    NeedUpdateSerializer,
    ResourceCreateSerializer,
    ResourceUpdateSerializer,
)


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    text = {
        400: _(
            "Refused or invalid: the reason in Chinese under non_field_errors or by field; nothing written."
        ),
        401: _("Sign in first."),
        403: _("Not yours to change."),
        404: _("Not found, or not yours to see."),
    }
    return {code: OpenApiResponse(description=text[code]) for code in codes}


class ReadOnly(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    pass


class Writable(ReadOnly):
    """List and read (scoped), create (POST) and change (PATCH) through the services: the row to
    change is looked up among those the user sees (others: 404); the service then asks whether they
    manage it (a unit's side: 403). The answer is the row as read."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    create_serializer_class = None
    update_serializer_class = None

    def create_row(self, data: dict):
        raise NotImplementedError

    def update_row(self, row, data: dict):
        raise NotImplementedError

    def _params(self, serializer_class):
        params = serializer_class(data=self.request.data, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        return params.validated_data

    def _answer(self, row, http_status=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=row.pk)
        return Response(self.get_serializer(fresh).data, status=http_status)

    def create(self, request: Request, *args, **kwargs) -> Response:
        row = self.create_row(self._params(self.create_serializer_class))
        return self._answer(row, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        row = self.get_object()
        return self._answer(self.update_row(row, self._params(self.update_serializer_class)))


def _write_schema(create_summary, update_summary, create, update, read) -> dict:
    return {
        "create": extend_schema(
            summary=create_summary,
            request=create,
            responses={201: read, **_errors(400, 401, 403)},
        ),
        "partial_update": extend_schema(
            summary=update_summary,
            request=update,
            responses={200: read, **_errors(400, 401, 403, 404)},
        ),
    }


@extend_schema(tags=["cobuilding"], responses={200: AgreementSerializer, **_errors(401, 404)})
@extend_schema_view(
    **_write_schema(
        _("Record an agreement"),
        _("Change an agreement"),
        AgreementCreateSerializer,
        AgreementUpdateSerializer,
        AgreementSerializer,
    )
)
class AgreementViewSet(Writable):
    """Co-building agreements of the communities you manage, and of your unit. PATCH changes the
    term, signing date, contacts or content of a draft or active agreement (overlap checked)."""

    serializer_class = AgreementSerializer
    queryset = Agreement.objects.none()
    create_serializer_class = AgreementCreateSerializer
    update_serializer_class = AgreementUpdateSerializer

    def create_row(self, data: dict) -> Agreement:
        return services.create_agreement(actor=self.request.user, **data)

    def update_row(self, row: Agreement, data: dict) -> Agreement:
        return editing.update_agreement(row, actor=self.request.user, **data)

    def get_queryset(self) -> QuerySet[Agreement]:
        return (
            access.visible_agreements(self.request.user)
            .select_related("community", "unit_org", "outside_unit")
            .order_by("-starts_on", "-pk")
        )


@extend_schema(tags=["cobuilding"], responses={200: ResourceSerializer, **_errors(401, 404)})
@extend_schema_view(
    **_write_schema(
        _("Add a resource to a list"),
        _("Change a resource"),
        ResourceCreateSerializer,
        ResourceUpdateSerializer,
        ResourceSerializer,
    )
)
class ResourceViewSet(Writable):
    """Resource lists (资源清单) of the communities you manage, and your unit's resources."""

    serializer_class = ResourceSerializer
    queryset = Resource.objects.none()
    create_serializer_class = ResourceCreateSerializer
    update_serializer_class = ResourceUpdateSerializer

    def create_row(self, data: dict) -> Resource:
        """The community's (or street's) managers add any unit's resource; a unit's side (contact
        or post-holder, unit_access) only their own unit's, on a list it may offer to."""
        user = self.request.user
        unit = data.get("unit_org") or data.get("outside_unit")
        if not access.can_manage_org(user, data["community"]) and unit_access.speaks_for(user, unit):
            data.pop("unit_org", None)
            data.pop("outside_unit", None)
            return unit_side.offer_resource(actor=user, unit=unit, **data)
        return services.add_resource(actor=user, **data)

    def update_row(self, row: Resource, data: dict) -> Resource:
        if access.can_manage_resource(self.request.user, row):
            return editing.update_resource(row, actor=self.request.user, **data)
        return unit_side.update_own_resource(row, actor=self.request.user, **data)

    @extend_schema(
        summary=_("Withdraw your unit's resource"),
        description=_("For the unit's contact persons and post-holders; not a resource a project uses."),
        request=None,
        responses={204: None, **_errors(400, 401, 404)},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk=None) -> Response:
        unit_side.withdraw_resource(self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def get_queryset(self) -> QuerySet[Resource]:
        return (
            access.visible_resources(self.request.user)
            .select_related("unit_org", "outside_unit")
            .order_by("kind", "available_from", "pk")
        )


def _published(data: dict, need: Need | None = None) -> list | None:
    """The units a need is published to, from the request (None: unchanged on an update)."""
    orgs = data.pop("published_to_orgs", None)
    outside = data.pop("published_to_outside", None)
    if orgs is None and outside is None:
        return [] if need is None else None
    if need is not None:
        orgs = list(need.published_to_orgs.all()) if orgs is None else orgs
        outside = list(need.published_to_outside.all()) if outside is None else outside
    return [*(orgs or []), *(outside or [])]


@extend_schema(tags=["cobuilding"], responses={200: NeedSerializer, **_errors(401, 404)})
@extend_schema_view(
    **_write_schema(
        _("Add a need to a list"),
        _("Change an open need"),
        NeedCreateSerializer,
        NeedUpdateSerializer,
        NeedSerializer,
    )
)
class NeedViewSet(Writable):
    """Need lists (需求清单) of the communities you manage, and needs published to your unit. PATCH
    changes an open need."""

    serializer_class = NeedSerializer
    queryset = Need.objects.none()
    create_serializer_class = NeedCreateSerializer
    update_serializer_class = NeedUpdateSerializer

    def create_row(self, data: dict) -> Need:
        published = _published(data)
        return services.add_need(actor=self.request.user, published_to=published, **data)

    def update_row(self, row: Need, data: dict) -> Need:
        published = _published(data, row)
        return editing.update_need(row, actor=self.request.user, published_to=published, **data)

    def get_queryset(self) -> QuerySet[Need]:
        answers = (
            unit_access.visible_answers(self.request.user)
            .select_related("unit_org", "outside_unit")
            .prefetch_related("resources")
            .order_by("created_at", "pk")
        )
        return (
            access.visible_needs(self.request.user)
            .select_related("community")
            .prefetch_related(Prefetch("answers", queryset=answers, to_attr="visible_answers"))
            .order_by("-wanted_from", "-pk")
        )

    @extend_schema(
        summary=_("Answer a need published to your unit (we can help)"),
        description=_(
            "For the unit's contact persons and post-holders: which of the unit's resources, and a "
            "note; once per unit and need. The community's post-holders are told in their inbox."
        ),
        request=AnswerCreateSerializer,
        responses={201: NeedAnswerSerializer, **_errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk=None) -> Response:
        need = self.get_object()
        params = AnswerCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        units = [u for u in unit_side.units_of(request.user) if unit_side.published_to(need, u)]
        wanted = params.validated_data.get("unit") or ""
        unit = unit_side.pick_unit(units, wanted)
        if unit is None:
            raise ValidationError(_("Choose one of your units this need was published to."), code="unit")
        made = unit_side.answer_need(
            need,
            actor=request.user,
            unit=unit,
            resources=params.validated_data["resources"],
            note=params.validated_data["note"],
        )
        return Response(NeedAnswerSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Matching suggestions for a need"),
        description=_("Units whose resources fit (kind, time, street), best first; see docs/cobuilding.md."),
        responses={200: SuggestionSerializer(many=True), **_errors(401, 403, 404)},
    )
    @action(detail=True, methods=["get"])
    def suggestions(self, request: Request, pk=None) -> Response:
        need = self.get_object()
        ranked = matching.suggestions_for(need, actor=request.user)
        return Response(SuggestionSerializer(ranked, many=True).data)

    @extend_schema(
        summary=_("Make a project from a match"),
        request=MakeProjectSerializer,
        responses={201: ProjectSerializer, **_errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def project(self, request: Request, pk=None) -> Response:
        need = self.get_object()
        params = MakeProjectSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        project = services.make_project_from_match(
            need,
            params.validated_data["resources"],
            actor=request.user,
            title=params.validated_data.get("title", ""),
        )
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["cobuilding"], responses={200: NeedAnswerSerializer, **_errors(401, 404)})
class NeedAnswerViewSet(ReadOnly):
    """Units' answers to needs: all answers to the needs of the communities you manage, and your
    own units' answers."""

    serializer_class = NeedAnswerSerializer
    queryset = NeedAnswer.objects.none()

    def get_queryset(self) -> QuerySet[NeedAnswer]:
        return (
            unit_access.visible_answers(self.request.user)
            .select_related("unit_org", "outside_unit")
            .prefetch_related("resources")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(
        summary=_("Make a project from a unit's answer"),
        description=_(
            "For the need's community's (or the street's) post-holders: one step, as matching does."
        ),
        request=AnswerProjectSerializer,
        responses={201: ProjectSerializer, **_errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def project(self, request: Request, pk=None) -> Response:
        answer = self.get_object()
        params = AnswerProjectSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        project = unit_side.project_from_answer(
            answer, actor=request.user, title=params.validated_data.get("title", "")
        )
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["cobuilding"], responses={200: ProjectSerializer, **_errors(401, 404)})
class ProjectViewSet(ReadOnly):
    """Project lists (项目清单) of the communities you manage."""

    serializer_class = ProjectSerializer
    queryset = Project.objects.none()

    def get_queryset(self) -> QuerySet[Project]:
        return (
            access.manageable_projects(self.request.user)
            .prefetch_related("resources")
            .order_by("-created_at", "-pk")
        )


@extend_schema(tags=["cobuilding"])
class ReportInViewSet(mixins.CreateModelMixin, ReadOnly):
    """Report-ins (双报到): to the communities you manage, of your branches' members, and your own."""

    serializer_class = ReportInSerializer
    queryset = ReportIn.objects.none()

    def get_queryset(self) -> QuerySet[ReportIn]:
        return (
            access.visible_report_ins(self.request.user)
            .select_related("member__organisation", "community")
            .order_by("-reported_on", "-pk")
        )

    @extend_schema(
        summary=_("Report in to the community where you live"),
        description=_("By the employed member themself or the community's post-holders."),
        responses={201: ReportInSerializer, **_errors(400, 401, 403)},
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        params = self.get_serializer(data=request.data)
        params.is_valid(raise_exception=True)
        report = services.report_in(actor=request.user, **params.validated_data)
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("End a report-in (the member moved)"),
        request=EndSerializer,
        responses={200: ReportInSerializer, **_errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk=None) -> Response:
        report = self.get_object()
        params = EndSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        ended = services.end_report_in(
            report, actor=request.user, ended_on=params.validated_data.get("ended_on")
        )
        return Response(self.get_serializer(ended).data)

    @extend_schema(
        summary=_("Reported-in members and their service hours"),
        description=_(
            "side=community: members reported in to the community during the year, with the hours they "
            "gave there (0: not served this year). side=home: the branch's members reported in "
            "elsewhere, with the hours credited back to the branch."
        ),
        parameters=[HoursQuerySerializer],
        responses={200: ReportInHoursSerializer(many=True), **_errors(400, 401, 404)},
    )
    @action(detail=False, methods=["get"])
    def hours(self, request: Request) -> Response:
        params = HoursQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        org = Organisation.objects.filter(pk=params.validated_data["organisation"]).first()
        if org is None or not access.can_manage_org(request.user, org):
            raise NotFound()
        report = (
            queries.community_report_ins
            if params.validated_data["side"] == "community"
            else queries.home_branch_report_ins
        )
        rows = report(org, params.validated_data["year"])
        return Response(ReportInHoursSerializer(rows, many=True, context={"request": request}).data)
