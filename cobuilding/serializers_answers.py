"""Serializers of units' answers to needs ("we can help") in the co-building API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.ids import MAX_ID

from .models import NeedAnswer


class NeedAnswerSerializer(serializers.ModelSerializer):
    unit_name = serializers.SerializerMethodField(help_text=_("The answering unit's name."))
    answered_on = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = NeedAnswer
        fields = [
            "id",
            "need",
            "unit_org",
            "outside_unit",
            "unit_name",
            "resources",
            "note",
            "project",
            "answered_on",
        ]
        read_only_fields = fields

    def get_unit_name(self, obj) -> str:
        return str(obj.unit)


class AnswerCreateSerializer(serializers.Serializer):
    unit = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_(
            'Which of your units answers, as "org-<id>" or "outside-<id>"; may be left out when the '
            "need is published to only one of your units."
        ),
    )
    resources = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=50,
        help_text=_("Ids of your unit's resources that fit the need (at least one)."),
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)


class AnswerProjectSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
