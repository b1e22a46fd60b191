"""The joint-meeting API under /api/cobuilding/: meetings (with units and decisions) and decisions.

Thin, as cobuilding.api: what a user sees is cobuilding.meetings_access (the community's
post-holders, the units taking part; others 404); writes are cobuilding.meetings' services with
actor=request.user (400 with the Chinese reason, 403).
"""

from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from . import meetings, meetings_access, meetings_followup, meetings_invites
from .api import ReadOnly, _errors
from .models import Decision, DecisionChange, JointMeeting, MeetingUnit
from .serializers_meetings import (
    AddDecisionSerializer,
    AnswerSerializer,
    DecisionQuerySerializer,
    DecisionSerializer,
    DecisionUpdateSerializer,
    DoneSerializer,
    InvitationsSerializer,
    InviteSerializer,
    JointMeetingSerializer,
    MeetingUnitSerializer,
    ReopenSerializer,
)

DECISION_RELATED = ("meeting__activity", "owner_user", "owner_unit_org", "owner_outside_unit")
HISTORY = Prefetch("changes", queryset=DecisionChange.objects.select_related("changed_by"))


def _object_and_input(view, serializer_class) -> tuple:
    """The action's target (404 when not visible) and its request body validated by
    `serializer_class` (400 with the reasons)."""
    target = view.get_object()
    params = serializer_class(data=view.request.data)
    params.is_valid(raise_exception=True)
    return target, params.validated_data


def object_action(*, summary, description, takes, gives, created: bool = False):
    """A POST action on one object: `takes` validates the body, the decorated method gets
    (request, target, data) and returns what `gives` serialises (201 when `created`, else 200)."""
    code = status.HTTP_201_CREATED if created else status.HTTP_200_OK

    def wrap(method):
        @functools.wraps(method)
        def run(self, request: Request, pk=None) -> Response:
            target, data = _object_and_input(self, takes)
            return Response(gives(method(self, request, target, data)).data, status=code)

        schema = extend_schema(
            summary=summary,
            description=description,
            request=takes,
            responses={code: gives, **_errors(400, 401, 403, 404)},
        )
        return schema(action(detail=True, methods=["post"])(run))

    return wrap


def _owners(meeting: JointMeeting, data: dict) -> dict:
    """owner_user / owner_unit (a meeting unit's id) of a request → the services' owner_* (all None
    when neither is given). A forged id reads as one that may not own it."""
    owner_user = unit = None
    if data.get("owner_user"):
        owner_user = get_user_model().objects.filter(pk=data["owner_user"]).first()
        if owner_user is None:
            raise ValidationError(
                {
                    "owner": _(
                        "The owner must be a post-holder of the community or of a unit taking part, "
                        "or a unit's contact."
                    )
                }
            )
    if data.get("owner_unit"):
        unit = (
            meeting.units.select_related("agreement__unit_org", "agreement__outside_unit")
            .filter(pk=data["owner_unit"])
            .first()
        )
        if unit is None:
            raise ValidationError({"owner": _("The owning unit must take part in the meeting.")})
    return {
        "owner_user": owner_user,
        "owner_unit_org": unit.agreement.unit_org if unit else None,
        "owner_outside_unit": unit.agreement.outside_unit if unit else None,
    }


@extend_schema(tags=["cobuilding"], responses={200: JointMeetingSerializer, **_errors(401, 404)})
class JointMeetingViewSet(ReadOnly):
    """Joint meetings (共建联席会议) of the communities you manage, and those your unit takes part in."""

    serializer_class = JointMeetingSerializer
    queryset = JointMeeting.objects.none()

    def get_queryset(self) -> QuerySet[JointMeeting]:
        return (
            meetings_access.visible_meetings(self.request.user)
            .select_related("activity", "community")
            .prefetch_related(
                Prefetch(
                    "units",
                    queryset=MeetingUnit.objects.select_related(
                        "agreement__unit_org", "agreement__outside_unit"
                    ),
                ),
                Prefetch(
                    "decisions",
                    queryset=Decision.objects.select_related(*DECISION_RELATED).prefetch_related(HISTORY),
                ),
            )
            .order_by("-activity__starts_at", "-pk")
        )

    @object_action(
        summary=gettext_lazy("Add a decision to a joint meeting"),
        description=gettext_lazy("The community's post-holders; one owner: owner_user or owner_unit."),
        takes=AddDecisionSerializer,
        gives=DecisionSerializer,
        created=True,
    )
    def decisions(self, request: Request, meeting: JointMeeting, data: dict) -> Decision:
        owners = _owners(meeting, data)
        return meetings.add_decision(
            meeting, actor=request.user, text=data["text"], due_on=data["due_on"], **owners
        )

    @object_action(
        summary=gettext_lazy("Invite the units to a joint meeting"),
        description=gettext_lazy(
            "The community's post-holders, before the meeting: each unit's contacts and post-holders are "
            "told the date, place and agenda (inbox and e-mail), once per person and meeting."
        ),
        takes=InviteSerializer,
        gives=InvitationsSerializer,
    )
    def invite(self, request: Request, meeting: JointMeeting, data: dict):
        return meetings_invites.invite_units(meeting, actor=request.user, agenda=data.get("agenda"))

    @object_action(
        summary=gettext_lazy("Answer a joint meeting's invitation for your unit"),
        description=gettext_lazy(
            "The unit's contacts and post-holders, before the meeting: attend (with the representative's "
            "name) or not."
        ),
        takes=AnswerSerializer,
        gives=MeetingUnitSerializer,
    )
    def answer(self, request: Request, meeting: JointMeeting, data: dict) -> MeetingUnit:
        unit = meeting.units.filter(pk=data["unit"]).first()
        if unit is None:
            raise ValidationError({"unit": _("This unit does not take part in the meeting.")})
        return meetings_invites.answer_invitation(
            unit, actor=request.user, attend=data["attend"], name=data.get("name", "")
        )


@extend_schema(tags=["cobuilding"], responses={200: DecisionSerializer, **_errors(401, 404)})
class DecisionViewSet(ReadOnly):
    """Decisions of the joint meetings you see; ?status=open|done, ?overdue=true. PATCH changes an
    open decision's text, owner or due date (a moved date needs a reason), for the community."""

    serializer_class = DecisionSerializer
    queryset = Decision.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Decision]:
        rows = (
            meetings_access.visible_decisions(self.request.user)
            .select_related(*DECISION_RELATED)
            .prefetch_related(HISTORY)
        )
        if self.action == "list":
            params = DecisionQuerySerializer(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            data = params.validated_data
            if data.get("status"):
                rows = rows.filter(status=data["status"])
            if data.get("overdue"):
                rows = rows.overdue()
        return rows.order_by("status", "due_on", "pk")

    @extend_schema(parameters=[DecisionQuerySerializer])
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    @object_action(
        summary=gettext_lazy("Mark a decision done"),
        description=gettext_lazy(
            "By the community's post-holders or the decision's owner (a unit's side too)."
        ),
        takes=DoneSerializer,
        gives=DecisionSerializer,
    )
    def done(self, request: Request, decision: Decision, data: dict) -> Decision:
        return meetings.complete_decision(
            decision,
            actor=request.user,
            done_on=data.get("done_on"),
            note=data.get("note", ""),
        )

    @extend_schema(
        summary=gettext_lazy("Change a decision"),
        description=gettext_lazy(
            "The community's post-holders; an open decision: text, owner (owner_user or owner_unit), "
            "due_on (with a reason, kept in the history)."
        ),
        request=DecisionUpdateSerializer,
        responses={200: DecisionSerializer, **_errors(400, 401, 403, 404)},
    )
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        decision, data = _object_and_input(self, DecisionUpdateSerializer)
        meetings_followup.edit_decision(
            decision,
            actor=request.user,
            text=data.get("text"),
            due_on=data.get("due_on"),
            reason=data.get("reason", ""),
            **_owners(decision.meeting, data),
        )
        return Response(DecisionSerializer(self.get_queryset().get(pk=decision.pk)).data)

    @object_action(
        summary=gettext_lazy("Reopen a done decision"),
        description=gettext_lazy("The community's post-holders, with a reason; kept in the history."),
        takes=ReopenSerializer,
        gives=DecisionSerializer,
    )
    def reopen(self, request: Request, decision: Decision, data: dict) -> Decision:
        meetings_followup.reopen_decision(decision, actor=request.user, reason=data["reason"])
        return self.get_queryset().get(pk=decision.pk)
