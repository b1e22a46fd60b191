"""The admin menu's top-level items have distinct orders, and co-building's items sit together
after its group (共建 → 双报到 → 共建数据)."""

from __future__ import annotations

from django.urls import get_resolver
from wagtail.admin.menu import admin_menu


def _items() -> list:
    _ = get_resolver().url_patterns  # registering the viewsets adds their groups to the menu
    return list(admin_menu.registered_menu_items)


def test_top_level_admin_menu_orders_are_distinct():
    orders: dict[int, list[str]] = {}
    for item in _items():
        orders.setdefault(item.order, []).append(str(item.label))
    assert {order: labels for order, labels in orders.items() if len(labels) > 1} == {}


def test_cobuilding_menu_items_follow_their_group():
    by_label = {str(item.label): item.order for item in _items()}
    group, dual, figures = by_label["共建"], by_label["双报到"], by_label["共建数据"]
    assert group < dual < figures
    assessments = by_label["三型社区书记考评"]
    assert assessments < by_label["评议票"] < by_label["评分表"] < by_label["委员会评分"] < group
