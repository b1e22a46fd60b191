"""Serializers of the joint-meeting API (cobuilding.api_meetings)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Decision, DecisionChange, JointMeeting, MeetingUnit
from .serializers import id_field


class DecisionChangeSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    changed_by_name = serializers.CharField(source="by_label", read_only=True)

    class Meta:
        model = DecisionChange
        fields = [
            "kind",
            "kind_label",
            "changed_at",
            "changed_by_name",
            "old_due_on",
            "new_due_on",
            "reason",
            "detail",
        ]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    meeting_title = serializers.CharField(source="meeting.activity.title", read_only=True)
    owner_kind = serializers.SerializerMethodField(help_text=_("person, unit_org or outside_unit."))
    owner_name = serializers.CharField(source="owner_label", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    overdue = serializers.SerializerMethodField(help_text=_("Open and past its due date."))
    done_on_time = serializers.BooleanField(read_only=True, allow_null=True)
    history = DecisionChangeSerializer(
        source="changes",
        many=True,
        read_only=True,
        help_text=_("Moved due dates (old → new, reason), reopenings and edits, oldest first."),
    )

    class Meta:
        model = Decision
        fields = [
            "id",
            "meeting",
            "meeting_title",
            "text",
            "owner_kind",
            "owner_name",
            "owner_user",
            "owner_unit_org",
            "owner_outside_unit",
            "due_on",
            "status",
            "status_label",
            "overdue",
            "done_on",
            "done_on_time",
            "done_note",
            "history",
        ]
        read_only_fields = fields

    def get_owner_kind(self, obj: Decision) -> str:
        if obj.owner_user_id:
            return "person"
        return "unit_org" if obj.owner_unit_org_id else "outside_unit"

    def get_overdue(self, obj: Decision) -> bool:
        return obj.is_overdue(self.context.get("today") or timezone.localdate())


class MeetingUnitSerializer(serializers.ModelSerializer):
    unit_name = serializers.SerializerMethodField()
    reply = serializers.CharField(read_only=True, help_text=_("The unit's answer: attend, absent or empty."))
    reply_label = serializers.CharField(source="get_reply_display", read_only=True)

    class Meta:
        model = MeetingUnit
        fields = [
            "id",
            "agreement",
            "unit_name",
            "reply",
            "reply_label",
            "reply_name",
            "replied_at",
            "representative",
            "present",
        ]
        read_only_fields = fields

    def get_unit_name(self, obj: MeetingUnit) -> str:
        return str(obj.agreement.unit)


class JointMeetingSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="activity.title", read_only=True)
    place = serializers.CharField(source="activity.place", read_only=True)
    starts_at = serializers.DateTimeField(source="activity.starts_at", read_only=True)
    ends_at = serializers.DateTimeField(source="activity.ends_at", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)
    units = MeetingUnitSerializer(many=True, read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = JointMeeting
        fields = [
            "id",
            "activity",
            "title",
            "place",
            "starts_at",
            "ends_at",
            "community",
            "community_name",
            "units",
            "agenda",
            "minutes",
            "decisions",
        ]
        read_only_fields = fields


class AddDecisionSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, max_length=2000)
    due_on = serializers.DateField()
    owner_user = id_field(required=False, allow_null=True, help_text=_("A login answering for it."))
    owner_unit = id_field(
        required=False,
        allow_null=True,
        help_text=_("Or a unit taking part: the id of one of the meeting's units."),
    )


class DoneSerializer(serializers.Serializer):
    done_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DecisionQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["open", "done"], required=False)
    overdue = serializers.BooleanField(
        required=False, help_text=_("Only open decisions past their due date.")
    )


class DecisionUpdateSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    due_on = serializers.DateField(required=False)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text=_("Required when due_on moves; kept in the history."),
    )
    owner_user = id_field(
        required=False, allow_null=True, help_text=_("A new owner: a login answering for it.")
    )
    owner_unit = id_field(
        required=False,
        allow_null=True,
        help_text=_("Or a unit taking part: the id of one of the meeting's units."),
    )


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=500)


class InviteSerializer(serializers.Serializer):
    agenda = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text=_("Saved on the meeting when given.")
    )


class InvitationsSerializer(serializers.Serializer):
    invited = serializers.IntegerField()
    already = serializers.IntegerField()
    units_without_anyone = serializers.IntegerField()


class AnswerSerializer(serializers.Serializer):
    unit = id_field(help_text=_("The id of one of the meeting's units."))
    attend = serializers.BooleanField()
    name = serializers.CharField(
        required=False, allow_blank=True, max_length=50, help_text=_("The representative, when attending.")
    )
