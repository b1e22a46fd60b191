"""What the orgchart's admin viewsets share beyond core's bases."""

from __future__ import annotations

from core.admin.viewsets import ScopedModelViewSet


class OrgchartViewSet(ScopedModelViewSet):
    # Saving members must not also re-index references: roster imports save thousands.
    add_to_reference_index = False
