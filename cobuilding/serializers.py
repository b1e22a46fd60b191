"""Serializers of the co-building JSON API. Phones are masked, as in the admin's lists."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.ids import MAX_ID
from orgchart.models import COMMUNITY_KINDS, Organisation

from . import access
from .models import Agreement, Need, Project, ReportIn, Resource
from .serializers_answers import NeedAnswerSerializer


def id_field(**kwargs) -> serializers.IntegerField:
    """An id sent in a body: a positive integer a database column can hold (a larger one would be
    an OverflowError in the driver, a 500)."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class UnitFieldsMixin(serializers.Serializer):
    unit_name = serializers.SerializerMethodField(
        help_text=_("The unit party organisation's or outside unit's name.")
    )
    unit_is_outside = serializers.SerializerMethodField()

    def get_unit_name(self, obj) -> str:
        return str(obj.unit)

    def get_unit_is_outside(self, obj) -> bool:
        return obj.outside_unit_id is not None


class AgreementSerializer(UnitFieldsMixin, serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    unit_contact_phone = serializers.CharField(source="masked_unit_contact_phone", read_only=True)
    community_contact_phone = serializers.CharField(source="masked_community_contact_phone", read_only=True)
    expires_soon = serializers.BooleanField(read_only=True, help_text=_("Active and ending within 30 days."))

    class Meta:
        model = Agreement
        fields = [
            "id",
            "community",
            "community_name",
            "unit_org",
            "outside_unit",
            "unit_name",
            "unit_is_outside",
            "starts_on",
            "ends_on",
            "signed_on",
            "status",
            "status_label",
            "expires_soon",
            "community_contact",
            "community_contact_phone",
            "unit_contact",
            "unit_contact_phone",
            "content",
        ]
        read_only_fields = fields


class ResourceSerializer(UnitFieldsMixin, serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Resource
        fields = [
            "id",
            "community",
            "unit_org",
            "outside_unit",
            "unit_name",
            "unit_is_outside",
            "kind",
            "kind_label",
            "description",
            "quantity",
            "available_from",
            "available_until",
        ]
        read_only_fields = fields


class NeedSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    answers = NeedAnswerSerializer(
        many=True,
        read_only=True,
        source="visible_answers",
        help_text=_("Units' answers (we can help): all for the community's managers, a unit its own only."),
    )

    class Meta:
        model = Need
        fields = [
            "id",
            "community",
            "community_name",
            "kind",
            "kind_label",
            "description",
            "wanted_from",
            "wanted_until",
            "status",
            "answers",
        ]
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ["id", "need", "title", "resources", "status", "outcome", "created_at"]
        read_only_fields = fields


class SuggestionSerializer(serializers.Serializer):
    unit_name = serializers.SerializerMethodField()
    unit_is_outside = serializers.BooleanField(source="is_outside")
    tier = serializers.IntegerField(
        help_text=_("0: tied to the need's community; 1: elsewhere in the street; 2: an outside unit.")
    )
    partner = serializers.BooleanField(help_text=_("Has an active agreement with the need's community."))
    covered_days = serializers.IntegerField()
    quantity = serializers.IntegerField()
    resources = ResourceSerializer(many=True)

    def get_unit_name(self, obj) -> str:
        return str(obj.unit)


class MakeProjectSerializer(serializers.Serializer):
    resources = serializers.ListField(child=id_field(), max_length=100)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ReportInSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    home_branch = serializers.CharField(source="member.organisation.name", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)

    class Meta:
        model = ReportIn
        fields = [
            "id",
            "member",
            "member_name",
            "home_branch",
            "community",
            "community_name",
            "reported_on",
            "skills",
            "ended_on",
        ]
        read_only_fields = ["ended_on"]
        extra_kwargs = {"reported_on": {"required": False}, "skills": {"required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = request.user if request is not None else None
        # Only members the user may see: a forged id is "invalid", never a hint that it exists.
        self.fields["member"].queryset = access.choosable_report_in_members(user)
        self.fields["community"].queryset = Organisation.objects.open().filter(
            kind__in=COMMUNITY_KINDS, depth=2
        )


class EndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False, allow_null=True)


class HoursQuerySerializer(serializers.Serializer):
    organisation = id_field(
        help_text=_("A residence community (side=community) or a home branch (side=home).")
    )
    side = serializers.ChoiceField(
        choices=[("community", _("Residence community")), ("home", _("Home branch"))]
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class ReportInHoursSerializer(serializers.Serializer):
    report_in = ReportInSerializer()
    hours = serializers.DecimalField(max_digits=12, decimal_places=2)
    served = serializers.BooleanField()
