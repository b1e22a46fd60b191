"""The orgchart admin, one module per room: organisations, members, posts, records (transfers and
roster imports). Each module holds its filterset, its views and its ModelViewSet; wagtail_hooks.py
registers them.

Objects outside the user's managed subtrees are looked up in a scoped queryset, so they answer
404 as if they did not exist; a missing permission (e.g. adding a transfer) answers with
Wagtail's usual "permission denied" redirect to the dashboard.
"""
