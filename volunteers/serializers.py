"""Serializers of the volunteer service's JSON API: shapes in and out; the rules are in services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from activities import recurrence
from activities.models import Activity, ActivityKind, ActivitySeries, Eligibility, MeetingType
from orgchart.models import Organisation

from .models import SignUp, Team


class ActivitySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    meeting_type_label = serializers.CharField(source="get_meeting_type_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    organiser_name = serializers.CharField(source="organiser.name", read_only=True)
    places_taken = serializers.IntegerField(read_only=True, help_text=_("Confirmed and offered places."))
    waiting = serializers.IntegerField(read_only=True, help_text=_("People on the waiting list."))

    class Meta:
        model = Activity
        fields = [
            "id",
            "kind",
            "kind_label",
            "meeting_type",
            "meeting_type_label",
            "title",
            "description",
            "place",
            "organiser",
            "organiser_name",
            "starts_at",
            "ends_at",
            "capacity",
            "places_taken",
            "waiting",
            "signup_deadline",
            "cancel_cutoff_hours",
            "eligibility",
            "state",
            "state_label",
            "series",
        ]
        read_only_fields = fields
        extra_kwargs = {"series": {"help_text": _("The recurring series this is an occurrence of, or null.")}}


class ActivityFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ActivityKind.choices, required=False)
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_("Activities organised in its subtree."),
    )
    month = serializers.RegexField(
        r"^(20[0-9]{2})-(0[1-9]|1[0-2])$",
        required=False,
        help_text=_("YYYY-MM: activities starting that month."),
    )
    include_past = serializers.BooleanField(required=False, default=False)


class SignUpSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    activity_title = serializers.CharField(source="activity.title", read_only=True)
    position = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("Place on the waiting list (1 = next), or null.")
    )
    message = serializers.CharField(read_only=True, help_text=_("What the person is told, in Chinese."))

    class Meta:
        model = SignUp
        fields = [
            "id",
            "activity",
            "activity_title",
            "status",
            "status_label",
            "position",
            "offer_expires_at",
            "checked_in_at",
            "hours",
            "no_show",
            "message",
        ]
        read_only_fields = fields


class CheckInSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)


class OfferSerializer(serializers.Serializer):
    token = serializers.CharField(
        max_length=500, help_text=_("The token of the link in the offer notification.")
    )


class HoursQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)

    def validate(self, data):
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise serializers.ValidationError({"end": _("The end of the range cannot be before its start.")})
        return data


class HoursSerializer(serializers.Serializer):
    hours = serializers.DecimalField(max_digits=12, decimal_places=2)
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)


# Calendar -----------------------------------------------------------------------------------------

# The longest range /api/me/calendar/ answers at once.
CALENDAR_MAX_DAYS = 366


class CalendarQuerySerializer(serializers.Serializer):
    # "from" is a Python keyword: the field is declared below under its wire name.
    to = serializers.DateField(required=False, help_text=_("Last day (included); default 31 days on."))

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(
            required=False, help_text=_("First day (included), by the activity's start; default today.")
        )
        return fields

    def validate(self, data):
        start = data.get("from") or timezone.localdate()
        end = data.get("to") or start + dt.timedelta(days=31)
        if end < start:
            raise serializers.ValidationError({"to": _("The end of the range cannot be before its start.")})
        if (end - start).days >= CALENDAR_MAX_DAYS:
            raise serializers.ValidationError(
                {"to": _("Ask for at most %(days)s days at once.") % {"days": CALENDAR_MAX_DAYS}}
            )
        return {"from": start, "to": end}


class CalendarEntrySerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    calendar_status = serializers.CharField(
        read_only=True, help_text=_("As in the calendar feed: CONFIRMED, TENTATIVE or CANCELLED.")
    )
    activity_title = serializers.CharField(source="activity.title", read_only=True)
    activity_state = serializers.CharField(source="activity.state", read_only=True)
    kind = serializers.CharField(source="activity.kind", read_only=True)
    place = serializers.CharField(source="activity.place", read_only=True)
    organiser_name = serializers.CharField(source="activity.organiser.name", read_only=True)
    starts_at = serializers.DateTimeField(source="activity.starts_at", read_only=True)
    ends_at = serializers.DateTimeField(source="activity.ends_at", read_only=True)

    class Meta:
        model = SignUp
        fields = [
            "id",
            "activity",
            "activity_title",
            "activity_state",
            "kind",
            "place",
            "organiser_name",
            "starts_at",
            "ends_at",
            "status",
            "status_label",
            "calendar_status",
        ]
        read_only_fields = fields


class CalendarFeedSerializer(serializers.Serializer):
    url = serializers.URLField(help_text=_("The secret address of my calendar feed (ICS)."))
    webcal_url = serializers.CharField(help_text=_("The same address for calendar apps (webcal://)."))


# Recurring series -----------------------------------------------------------------------------------


class OccurrenceSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Activity
        fields = ["id", "starts_at", "ends_at", "place", "capacity", "state", "state_label"]
        read_only_fields = fields


class SeriesSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    meeting_type_label = serializers.CharField(source="get_meeting_type_display", read_only=True)
    eligibility_label = serializers.CharField(source="get_eligibility_display", read_only=True)
    organiser_name = serializers.CharField(source="organiser.name", read_only=True)
    rule_words = serializers.SerializerMethodField(
        help_text=_('The rule in words, e.g. "every month on the first Saturday".')
    )
    summary = serializers.SerializerMethodField(
        help_text=_('When it happens, in words, e.g. "every Saturday at 09:00".')
    )
    teams = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    next_occurrences = OccurrenceSerializer(
        source="upcoming",
        many=True,
        read_only=True,
        help_text=_("The next occurrences you may see, generated ahead (at most 8)."),
    )

    class Meta:
        model = ActivitySeries
        fields = [
            "id",
            "organiser",
            "organiser_name",
            "kind",
            "kind_label",
            "meeting_type",
            "meeting_type_label",
            "title",
            "description",
            "place",
            "start_time",
            "duration_minutes",
            "capacity",
            "signup_deadline_hours",
            "cancel_cutoff_hours",
            "eligibility",
            "eligibility_label",
            "rule",
            "rule_words",
            "summary",
            "starts_on",
            "until",
            "count",
            "exdates",
            "time_zone",
            "active",
            "revision",
            "teams",
            "next_occurrences",
        ]
        read_only_fields = fields

    def get_rule_words(self, series: ActivitySeries) -> str:
        return recurrence.describe_rule(series.rule, series.starts_on)

    def get_summary(self, series: ActivitySeries) -> str:
        return recurrence.describe_series(series)


# Bounds that keep a value inside its column; the rules themselves are the service's.
SMALL_MAX = 32767
MAX_MINUTES = 7 * 24 * 60
MAX_PLACES = 100_000
MAX_EXDATES = 366


class SeriesUpdateSerializer(serializers.Serializer):
    """What a series edit may change (PATCH: any of them). Parse only; the rules are in
    activities.series / volunteers.series, whose refusals answer 400 by field."""

    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    meeting_type = serializers.ChoiceField(choices=MeetingType.choices, allow_blank=True, required=False)
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(allow_blank=True, required=False, max_length=10_000)
    place = serializers.CharField(max_length=200)
    start_time = serializers.TimeField(help_text=_("Local time (Asia/Shanghai), e.g. 09:00."))
    duration_minutes = serializers.IntegerField(max_value=MAX_MINUTES)
    capacity = serializers.IntegerField(max_value=MAX_PLACES)
    signup_deadline_hours = serializers.IntegerField(
        min_value=0, max_value=SMALL_MAX, allow_null=True, required=False
    )
    cancel_cutoff_hours = serializers.IntegerField(min_value=0, max_value=SMALL_MAX, required=False)
    eligibility = serializers.ChoiceField(choices=Eligibility.choices, required=False)
    rule = serializers.CharField(
        max_length=300,
        allow_blank=True,
        help_text=_("An RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=SA or FREQ=MONTHLY;BYDAY=1SA."),
    )
    starts_on = serializers.DateField(help_text=_("The first date."))
    until = serializers.DateField(allow_null=True, required=False, help_text=_("The last date, or null."))
    count = serializers.IntegerField(
        min_value=0,
        max_value=MAX_PLACES,
        allow_null=True,
        required=False,
        help_text=_("Or a number of occurrences."),
    )
    exdates = serializers.ListField(
        child=serializers.DateField(), max_length=MAX_EXDATES, required=False, help_text=_("Dates left out.")
    )
    teams = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Team.objects.all(), required=False, help_text=_("Teams running the series.")
    )
    active = serializers.BooleanField(required=False, help_text=_("Generating occurrences."))


class SeriesCreateSerializer(SeriesUpdateSerializer):
    organiser = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), help_text=_("An organisation you manage.")
    )


class SeriesDeactivateSerializer(serializers.Serializer):
    cancel_future = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Also cancel the occurrences not yet started (everyone on them is told)."),
    )
