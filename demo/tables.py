"""The demo street's data tables: names, places, texts and the figures the source document gives.

Plain data, shared by every plan module (demo/plans/). Kept compact: one table per line or two.
"""

from __future__ import annotations

import datetime as dt

from orgchart.models import OrgKind

RANDOM_SEED = 20250629  # the date on the source document; any constant would do
# Dates are laid out from a fixed day, not today, so the same scale gives the same data on any day.
# Nobody under 60 is older than 57 on that day, so the 60+ share holds for years.
REFERENCE_DATE = dt.date(2026, 1, 1)
STREET_CODE = "JD"
DEMO_PASSWORD = "demo12345"
MEMBERS_PER_SCALE = 1500
COMMUNITIES_PER_SCALE = 7
VACANT_COMMUNITY_SECRETARIES_PER_SCALE = 2
SHARE_AGED_60_PLUS = 0.82
SHARE_LOW_EDUCATION = 0.85
MEMBER_BATCH = 2000

# fmt: off
# Name data is kept compact: one table per line or two, not one item per line.
STREET_NAME = "春申街道党工委"
STREET_SHORT = "春申"
ROADS = ("春申路", "梅园路", "兰亭路", "杏林路", "枫桥路", "桂香路", "松涛路", "柳营路", "荷花池路", "银杏路")
# The first seven are the communities of scale 1; more are composed for larger scales.
COMMUNITY_NAMES = ("梅园", "兰亭", "杏林", "枫桥", "桂香", "松涛", "柳营")
PLACE_STEMS = (
    "梅园", "兰亭", "杏林", "枫桥", "桂香", "松涛", "柳营", "荷塘", "竹园", "芳草", "清水", "新华",
    "和平", "东风", "春晖", "金桥", "银杏", "长青", "福泉", "瑞祥", "景秀", "锦绣", "安康", "丰乐",
    "翠湖", "紫薇", "玉兰", "海棠", "凌云", "望江", "临河", "南苑", "北苑", "东苑", "西苑", "康乐",
)
PLACE_SUFFIXES = ("", "新村", "花园", "家园", "一村", "二村", "苑", "小区", "公寓", "雅苑")
BRANCH_THEMES = (
    "第{n}党支部", "离退休党员第{n}支部", "{n}号楼组党支部", "居民党员第{n}支部", "老干部党支部",
    "志愿服务党支部", "文体兴趣党支部",
)
UNITS = (
    ("街道机关党委", ("第一党支部", "第二党支部")),
    ("社区卫生服务中心党总支", ("医务党支部",)),
    ("中学党总支", ("教工党支部",)),
    ("社区事务受理服务中心党总支", ("党支部",)),
    ("小学党总支", ("教工党支部",)),
    ("养老院党总支", ("护理党支部",)),
    ("社区文化活动中心党总支", ("文化中心党支部",)),
    ("房管所党总支", ("房管党支部",)),
    ("城管中队党总支", ("执法党支部",)),
    ("物业管理有限公司党总支", ("物业党支部",)),
)
MASS_ORGS = (
    (OrgKind.UNION, "GH", "总工会", "工会"),
    (OrgKind.YOUTH_LEAGUE, "TW", "团工委", "团支部"),
    (OrgKind.WOMENS_FEDERATION, "FL", "妇联", "妇联"),
)
OUTSIDE_ORGANISATIONS = ("江苏省苏州市姑苏区平江街道党工委", "浙江省嘉兴市南湖区新兴街道党工委")

# Surnames weighted by frequency (per mille, 2020 census order) with the Shanghai ones raised a little.
SURNAMES = {
    "王": 71, "李": 70, "张": 67, "刘": 54, "陈": 53, "杨": 31, "黄": 23, "赵": 22, "吴": 20, "周": 19,
    "徐": 22, "孙": 15, "马": 13, "朱": 15, "胡": 13, "郭": 12, "何": 11, "林": 11, "高": 11, "罗": 10,
    "郑": 10, "梁": 9, "谢": 8, "宋": 7, "唐": 7, "许": 8, "韩": 6, "冯": 6, "邓": 6, "曹": 7, "彭": 6,
    "曾": 6, "肖": 5, "田": 5, "董": 5, "袁": 5, "潘": 6, "于": 5, "蒋": 6, "蔡": 6, "余": 5, "杜": 4,
    "叶": 5, "程": 4, "苏": 4, "魏": 4, "吕": 4, "丁": 4, "任": 4, "沈": 8, "姚": 4, "卢": 3, "姜": 3,
    "崔": 3, "钟": 3, "谭": 3, "陆": 8, "汪": 4, "范": 4, "金": 5, "石": 3, "廖": 3, "贾": 3, "夏": 3,
    "付": 2, "方": 3, "白": 2, "邹": 2, "孟": 2, "熊": 2, "秦": 2, "邱": 2, "江": 2, "尹": 2, "薛": 3,
    "段": 2, "雷": 2, "侯": 2, "龙": 2, "史": 2, "陶": 3, "贺": 2, "顾": 7, "毛": 2, "龚": 3, "邵": 3,
    "万": 2, "钱": 5, "严": 4, "戴": 3, "孔": 1, "汤": 2, "施": 4, "俞": 3, "郁": 2, "储": 1, "葛": 2,
}
# Given names by sex and generation: (whole names, first characters, second characters, single names).
OLD_MALE = (
    "建国 建华 建明 国强 国庆 国华 国平 卫东 卫国 志明 志强 志刚 德明 德华 永福 永康 金根 根宝 福根 荣根 "
    "伟民 文华 文彬 金宝 海林 明华 解放 跃进 援朝 胜利 长根 宝根 兴华 庆华 秋生 洪兴 振华 鸿生 家祥 耀祖",
    "建国卫志德永金福荣文明海兴庆振鸿家耀宝长",
    "华明平民林生根荣祥康强新昌发才中伟良",
    "强军伟勇刚斌平明华忠林",
)
OLD_FEMALE = (
    "秀英 桂英 凤英 玉兰 秀兰 桂兰 美华 美娟 丽华 月娥 金妹 小妹 宝珍 彩凤 素珍 雅琴 惠芳 秀珍 翠英 玉珍 "
    "根娣 红英 淑英 建英 美英 爱华 丽娟 菊芳 亚萍 静芬 文英 招娣 月珍 杏娣 阿珠 佩芳 雪琴 巧珍",
    "秀桂凤玉美丽月金宝彩素雅惠翠红淑爱菊亚静文佩雪巧",
    "英兰华娟珍芳琴萍娣凤妹仙芬",
    "英兰芳珍萍琴娟敏华霞",
)
YOUNG_MALE = (
    "晓东 海涛 俊杰 志华 家豪 文博 子轩 宇航 浩然 嘉伟 晨阳 一鸣 天宇 思远 亦凡 立新 晓峰 明杰 志远 "
    "建军 永刚 卫华 春雷 振宇 国栋 雪峰 智勇 鹏飞 俊峰",
    "晓海俊志家文子宇浩嘉晨天思立明振国雪智鹏建永春",
    "东涛杰华豪博轩航然伟阳鸣宇远凡新峰栋勇飞刚军",
    "伟磊杰涛勇斌浩鹏强军健超",
)
YOUNG_FEMALE = (
    "晓燕 丽娜 佳怡 雨婷 思琪 梦洁 欣怡 诗涵 晓敏 慧敏 海燕 春燕 艳红 雪梅 琳琳 婷婷 晶晶 佳琪 "
    "丽萍 秀娟 红梅 文静 晓红 美玲 玉婷 海英 卫红 雅婷",
    "晓丽佳雨思梦欣诗慧海春艳雪琳婷晶秀红文美玉雅",
    "燕娜怡婷琪洁涵敏红梅静玲芳丽霞颖莉萍娟",
    "静丽敏燕婷洁颖霞琳倩芳娟",
)
# Identity-number regions: Shanghai districts (310101 is left to the test factories).
REGIONS = (
    ("310110", 30), ("310109", 12), ("310107", 10), ("310104", 8), ("310105", 6), ("310106", 6),
    ("310108", 5), ("310103", 4), ("310112", 5), ("310113", 5), ("310115", 5), ("310114", 2),
    ("310117", 1), ("310116", 1),
)
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
    "156", "158", "159", "177", "180", "182", "186", "187", "188", "189", "199",
)
# Ages 60 and over, in bands with weights (the oldest cohorts thin out).
OLD_AGE_BANDS = (
    (60, 64, 14), (65, 69, 22), (70, 74, 24), (75, 79, 18), (80, 84, 12), (85, 89, 7), (90, 97, 3),
)
# fmt: on
CN_DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (enough for branch and group names)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return f"{CN_DIGITS[tens] if tens > 1 else ''}十{CN_DIGITS[ones] if ones else ''}"


# Texts of the transfers in the demo history.
REASON_BRANCH_CLOSED = "旧改地块动迁，支部撤销，组织关系转入本社区其他支部"
REASON_MOVED_HOUSE = "搬迁新居，组织关系随迁"
REASON_LEFT_FOR_FAMILY = "随子女迁居外省"
REASON_CAME_FOR_FAMILY = "随子女来沪定居"
REASON_PENDING = "购房迁居，申请将组织关系转入居住地社区"
