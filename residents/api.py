"""The residents' JSON API (/api/residents/…): read-only, masked, scoped by residents.access.

Registrations are listed and read masked (family name only, masked ID number and mobile) — the
full record is read on its audited page only, never through the API. Housing comes with its
registered tenant count and the overcrowding flag. Rows outside one's reach answer 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets

from . import access, queries
from .models import Housing, Resident


class ResidentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="masked_name", read_only=True)
    id_number = serializers.CharField(source="id_number_masked", read_only=True)
    phone = serializers.CharField(source="masked_phone", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)

    class Meta:
        model = Resident
        fields = [
            "id",
            "name",
            "id_number",
            "phone",
            "category",
            "community",
            "community_name",
            "housing",
            "arrived_on",
            "left_on",
        ]
        read_only_fields = fields


class HousingSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    landlord_name = serializers.CharField(source="landlord.name", read_only=True)
    tenants = serializers.IntegerField(source="tenant_count", read_only=True)
    overcrowded = serializers.SerializerMethodField()

    class Meta:
        model = Housing
        fields = [
            "id",
            "address",
            "community",
            "community_name",
            "landlord_name",
            "rooms",
            "beds",
            "tenants",
            "overcrowded",
        ]
        read_only_fields = fields

    def get_overcrowded(self, obj: Housing) -> bool:
        return obj.tenant_count > obj.beds


class _ReadOnly(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    pass


@extend_schema(tags=["residents"])
class ResidentViewSet(_ReadOnly):
    """Registrations you may list (officers: your communities; landlords: your tenants), masked."""

    serializer_class = ResidentSerializer
    queryset = Resident.objects.none()

    def get_queryset(self) -> QuerySet[Resident]:
        return (
            access.visible_residents(self.request.user)
            .select_related("community")
            .order_by("community__path", "-arrived_on", "pk")
        )


@extend_schema(tags=["residents"])
class HousingViewSet(_ReadOnly):
    """Rented housing you may see, with registered tenants and the overcrowding (群租) flag."""

    serializer_class = HousingSerializer
    queryset = Housing.objects.none()

    def get_queryset(self) -> QuerySet[Housing]:
        return queries.housing_list(self.request.user).order_by("community__path", "address", "pk")
