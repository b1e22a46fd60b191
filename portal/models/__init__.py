"""The Wagtail page types, one module per page type."""

from .base import LoginRequiredPage
from .content import ContentPage, Visibility
from .home import HomePage
from .notice import NoticeAttachment, NoticeIndexPage, NoticePage, NoticeRead
from .orgchart import OrgChartPage
from .result import ResultIndexPage, ResultKind, ResultPage
from .section import SectionCollection, SectionPage
from .study import StudyCategory, StudyIndexPage, StudyPage, StudyRecord

__all__ = [
    "ContentPage",
    "HomePage",
    "LoginRequiredPage",
    "NoticeAttachment",
    "NoticeIndexPage",
    "NoticePage",
    "NoticeRead",
    "OrgChartPage",
    "ResultIndexPage",
    "ResultKind",
    "ResultPage",
    "SectionCollection",
    "SectionPage",
    "StudyCategory",
    "StudyIndexPage",
    "StudyPage",
    "StudyRecord",
    "Visibility",
]
