"""Links shown to a member on their own record page (/orgchart/me/ → member_detail).

An extension point: higher apps (orgchart may not import them) register a callable
`links(member) -> list[(label, url)]` in their AppConfig.ready(); the page shows every link the
callables return, only to the member themself. cobuilding registers the report-in page (双报到).
"""

from __future__ import annotations

from collections.abc import Callable

from .models import Member

OwnLinks = Callable[[Member], list[tuple[str, str]]]

_registry: list[OwnLinks] = []


def register(links: OwnLinks) -> None:
    if links not in _registry:
        _registry.append(links)


def links_for(member: Member) -> list[tuple[str, str]]:
    return [link for provider in _registry for link in provider(member)]
