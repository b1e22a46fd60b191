"""Calendars of the volunteer service: ICS feeds per organisation and per person, the secret
tokens of personal feeds, and the month view's data.

- `tokens`: the personal feed's secret URL (create on first use, reset, find by token).
- `feeds`: the RFC 5545 documents (icalendar), built in a constant number of queries.
- `month`: the month grid of the calendar page.
"""
