"""Serializers of the assessment's JSON API: cycles with their indicators and phase history."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import services
from .models import CYCLE_DATE_FIELDS, CYCLE_SETTINGS_FIELDS, AssessmentCycle, Indicator, PhaseTransition


class IndicatorSerializer(serializers.ModelSerializer):
    type_label = serializers.CharField(source="get_type_display", read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "type",
            "type_label",
            "name",
            "weight",
            "max",
            "source",
            "source_label",
            "automatic_key",
            "order",
        ]
        read_only_fields = fields


class PhaseTransitionSerializer(serializers.ModelSerializer):
    moved_by = serializers.CharField(read_only=True, help_text=_('A person\'s name, or "scheduled task".'))

    class Meta:
        model = PhaseTransition
        fields = ["from_phase", "to_phase", "at", "moved_by", "reason"]
        read_only_fields = fields


class CycleSerializer(serializers.ModelSerializer):
    street_name = serializers.CharField(source="street.name", read_only=True)
    phase_label = serializers.CharField(source="get_phase_display", read_only=True)
    publicity_ends_on = serializers.SerializerMethodField(
        help_text=_(
            "The last day of the public notice (公示), counted in Chinese working days; empty before it."
        )
    )
    indicators = IndicatorSerializer(many=True, read_only=True)
    transitions = PhaseTransitionSerializer(many=True, read_only=True)

    class Meta:
        model = AssessmentCycle
        fields = [
            "id",
            "street",
            "street_name",
            "year",
            "phase",
            "phase_label",
            *CYCLE_DATE_FIELDS,
            "publicity_started_on",
            "publicity_ends_on",
            "scores_frozen_at",
            *CYCLE_SETTINGS_FIELDS,
            "indicators",
            "transitions",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_publicity_ends_on(self, cycle: AssessmentCycle) -> dt.date | None:
        return services.publicity_window_end(cycle)


class AdvanceSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, help_text=_("Why the cycle is moved by hand."))
