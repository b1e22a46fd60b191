"""The portal's demo data: the Wagtail site, home page and chart page for the demo street."""

from __future__ import annotations

from portal.site import ensure_site

from ..seed import SeedContext


def seed(ctx: SeedContext) -> None:
    ensure_site(ctx.street)
    ctx.lap("site")
