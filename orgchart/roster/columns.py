"""The roster's columns: Chinese headers, value labels, rules; the single source of the template,
the import, the export and the in-app help page (documented in docs/roster-template.md)."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Education, Gender, MemberCategory

SHEET_TITLE = "党员名册"
HELP_SHEET_TITLE = "填写说明"
ORGS_SHEET_TITLE = "组织编码"

# The template vocabulary ------------------------------------------------------------------
# The template is Chinese by design (it is filled in by Chinese-speaking staff and exchanged
# between streets), so headers and value labels are literal constants, not translated strings.
# The first label of each value is the one the template, the export and the help page show.

GENDER_LABELS: dict[str, str] = {"男": Gender.MALE, "女": Gender.FEMALE}
EDUCATION_LABELS: dict[str, str] = {
    "小学及以下": Education.PRIMARY,
    "初中": Education.JUNIOR_HIGH,
    "高中（中专）": Education.SENIOR_HIGH,
    "大专": Education.COLLEGE,
    "本科": Education.BACHELOR,
    "研究生": Education.POSTGRADUATE,
    # accepted spellings seen in real rosters
    "小学": Education.PRIMARY,
    "文盲": Education.PRIMARY,
    "高中": Education.SENIOR_HIGH,
    "中专": Education.SENIOR_HIGH,
    "中技": Education.SENIOR_HIGH,
    "职高": Education.SENIOR_HIGH,
    "技校": Education.SENIOR_HIGH,
    "大学专科": Education.COLLEGE,
    "专科": Education.COLLEGE,
    "大学本科": Education.BACHELOR,
    "大学": Education.BACHELOR,
    "硕士": Education.POSTGRADUATE,
    "博士": Education.POSTGRADUATE,
    "硕士研究生": Education.POSTGRADUATE,
    "博士研究生": Education.POSTGRADUATE,
}
CATEGORY_LABELS: dict[str, str] = {
    "在职党员": MemberCategory.EMPLOYED,
    "离退休党员": MemberCategory.RETIRED,
    "流动党员": MemberCategory.FLOATING,
    "下岗失业党员": MemberCategory.LAID_OFF,
    "居民党员": MemberCategory.RESIDENT,
    # accepted short forms
    "在职": MemberCategory.EMPLOYED,
    "离退休": MemberCategory.RETIRED,
    "退休": MemberCategory.RETIRED,
    "离休": MemberCategory.RETIRED,
    "退休党员": MemberCategory.RETIRED,
    "流动": MemberCategory.FLOATING,
    "下岗": MemberCategory.LAID_OFF,
    "失业": MemberCategory.LAID_OFF,
    "下岗/失业": MemberCategory.LAID_OFF,
    "下岗/失业党员": MemberCategory.LAID_OFF,
    "下岗党员": MemberCategory.LAID_OFF,
    "失业党员": MemberCategory.LAID_OFF,
    "居民": MemberCategory.RESIDENT,
}

DATE_TEXT_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S")


def _canonical_labels(labels: dict[str, str]) -> dict[str, str]:
    """value -> the first (canonical) label."""
    canonical: dict[str, str] = {}
    for label, value in labels.items():
        canonical.setdefault(value, label)
    return canonical


def normalise_label(text: str) -> str:
    # Half-width brackets and stray spaces are the usual differences from the template.
    return "".join(text.split()).replace("(", "（").replace(")", "）").replace("／", "/")


@dataclass(frozen=True)
class Column:
    """One column of the roster: its Chinese header and how a cell is read."""

    key: str
    header: str
    required: bool
    width: int
    kind: str = "text"  # text | date | choice | info
    labels: dict[str, str] | None = None
    example: str = ""
    help: str = ""  # the rule, shown in the template's help sheet and the help page

    @property
    def choices(self) -> list[str]:
        """The canonical labels, in order."""
        return list(_canonical_labels(self.labels).values()) if self.labels else []

    def label_for(self, value: str) -> str:
        return _canonical_labels(self.labels or {}).get(value, value)


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", True, 12, example="王建国", help="不超过50个字。"),
    Column("gender", "性别", True, 8, "choice", GENDER_LABELS, example="男"),
    Column(
        "birth_date",
        "出生日期",
        True,
        14,
        "date",
        example="1960-05-17",
        help="Excel日期，或文字 1960-05-17、1960/5/17、19600517；须与身份证号中的出生日期一致。",
    ),
    Column(
        "id_number",
        "身份证号",
        True,
        22,
        example="310101196005175232",
        help="18位居民身份证号，末位可为X；请设为文本格式，以免Excel改成科学计数法。全文件内及与已登记党员均不得重复。",
    ),
    Column("education", "学历", True, 14, "choice", EDUCATION_LABELS, example="初中"),
    Column(
        "joined_party_on",
        "入党日期",
        True,
        14,
        "date",
        example="1985-07-01",
        help="日期写法同出生日期；入党时须年满18岁，不得晚于今天。",
    ),
    Column("mobile", "手机号码", True, 14, example="13812345678", help="11位手机号码，以13–19开头。"),
    Column("category", "党员类别", True, 14, "choice", CATEGORY_LABELS, example="离退休党员"),
    Column(
        "code",
        "组织编码",
        True,
        16,
        example="SQ01-ZB01",
        help="党员所在党支部或党小组的组织编码（见“组织编码”工作表）；只能导入到您管理的组织。",
    ),
    Column(
        "branch_name",
        "所属组织",
        False,
        24,
        "info",
        example="第一社区第一党支部",
        help="仅供阅读，导入时不读取；导出文件中填写党员所在组织的名称。",
    ),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
COLUMNS_BY_HEADER = {column.header: column for column in COLUMNS}
# Member model field -> column key, for errors raised by Member.full_clean.
FIELD_COLUMNS = {
    "name": "name",
    "gender": "gender",
    "birth_date": "birth_date",
    "education": "education",
    "joined_party_on": "joined_party_on",
    "mobile": "mobile",
    "category": "category",
    "organisation": "code",
    "id_number": "id_number",
    "id_number_hash": "id_number",
}
# Column key -> Member field, to leave fields that failed to parse out of full_clean.
COLUMN_FIELDS = {"code": "organisation"}


GENERAL_RULES = (
    "1. 第一行为列名，请勿修改；从第二行起每行一名党员，空行会被跳过；连续1,000行空行视为名册结束。",
    "2. 一次最多导入20,000行，文件不超过10 MB，每格不超过500个字。",
    "3. 全部或全不：只要有一行有误，整个文件都不导入，并列出每一行的错误（Excel行号、列名、原因）；"
    "改正后重新上传即可。",
    "4. 只能导入到您管理的党支部或党小组（见“组织编码”工作表）。",
)
