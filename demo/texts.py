"""Chinese texts written for the demo: notices, study material and results.

Each entry: where it is published (an organisation code, or a marker for "the first community"),
its title, summary and paragraphs. Plain data; demo/plans/content.py writes it.
"""

from __future__ import annotations

# fmt: off
STREET = "JD"
FIRST = "SQ01"     # shequ's community (梅园)
SECOND = "SQ02"
THIRD = "SQ03"

NOTICES = (
    dict(org=STREET, key="assessment", pinned=True, visibility="members",
         title="关于开展2026年度“三型社区书记”考评工作的通知",
         summary="各社区党组织：街道党工委将于12月开展学习型、实干型、和谐型社区书记考评，请做好准备。",
         paragraphs=("各社区党组织：",
                     "根据街道党工委年度工作安排，2026年度“三型社区书记”考评工作将于12月启动。考评坚持自下而上，"
                     "由党员群众评议、社区述职和街道党工委评分三部分组成。",
                     "请各社区书记于12月10日前整理本年度学习体会、调研报告及工作实绩材料，并组织党员参加民主评议。",
                     "考评结果将在街道党建门户公示五个工作日。")),
    dict(org=STREET, key="fire", visibility="public",
         title="春申街道冬季消防安全提示",
         summary="天干物燥，请居民朋友注意用电、用火安全，楼道内不堆放杂物。",
         paragraphs=("冬季是火灾多发季节。请居民朋友不在楼道内堆放杂物，不私拉电线给电动自行车充电。",
                     "家中老人使用取暖器时，请保持与窗帘、被褥的距离；外出时关闭电源。",
                     "如发现火情，请立即拨打119，并通知楼组长和居委会。")),
    dict(org=STREET, key="check", visibility="members", expired=True,
         title="关于做好2025年度党员组织关系排查的通知",
         summary="请各支部于年底前核对党员组织关系，排查失联党员。",
         paragraphs=("请各党支部对照党员名册，逐一核对党员组织关系所在、联系方式和居住地址。",
                     "对长期未参加组织生活的党员，请支部书记上门走访了解情况。")),
    dict(org=STREET, key="joint", visibility="members", audience=(SECOND, THIRD),
         title="关于召开第二、第三社区党建联建会议的通知",
         summary="请兰亭、杏林两社区党组织书记参加党建联建会议，商议辖区单位共建项目。",
         paragraphs=("会议时间：下周三下午两点；地点：街道社区党建服务中心二楼会议室。",
                     "请两社区书记带好本社区共建单位名单和需求清单。")),
    dict(org=FIRST, key="sorting", visibility="public",
         title="梅园社区垃圾分类志愿服务活动通知",
         summary="本周六上午在小区各投放点开展垃圾分类志愿服务，欢迎党员和居民报名参加。",
         paragraphs=("为巩固垃圾分类成效，社区党委组织党员志愿者在各投放点开展桶边值守和分类宣传。",
                     "时间：本周六上午7:00至9:00；集合地点：社区居委会门口。",
                     "年长的党员同志可以在居委会参与宣传资料整理，量力而行。")),
    dict(org=FIRST, key="meeting", pinned=True, visibility="members",
         title="关于召开梅园社区党员大会的通知",
         summary="本季度党员大会定于下周五下午召开，请全体党员准时参加。",
         paragraphs=("会议内容：传达街道党工委工作部署；审议社区党委季度工作报告；开展主题党日学习。",
                     "行动不便的党员请告知所在支部，支部将安排送学上门。")),
    dict(org=SECOND, key="party-day", visibility="members",
         title="兰亭社区主题党日活动安排",
         summary="本月主题党日：重温入党誓词，走访慰问困难党员。",
         paragraphs=("本月主题党日安排在15日上午，集体重温入党誓词后分组走访困难党员家庭。",)),
)

# Submitted by shequ and waiting for the street's review.
PENDING_NOTICE = dict(
    org=FIRST, title="梅园社区重阳节敬老活动报名", visibility="public",
    summary="社区党委将于重阳节组织党员志愿者为高龄老人送餐、理发，欢迎报名。",
    paragraphs=("活动时间：重阳节当天上午；服务对象：社区80岁以上独居老人。",
                "报名请联系各支部书记，或在党建门户留言。"),
)

STUDY = (
    dict(category="constitution", featured=True, visibility="public",
         title="《中国共产党章程》学习辅导：党员的义务和权利",
         summary="逐条学习党章关于党员义务和权利的规定，联系社区工作实际谈体会。",
         paragraphs=("党章规定了党员必须履行的八项义务和享有的八项权利。学习党章，首先要学懂这些基本规定。",
                     "对社区党员来说，履行义务就体现在日常：按时参加组织生活、按规定交纳党费、"
                     "在邻里之间带头遵守公约、在志愿服务中走在前面。"),
         quote=("党员必须履行下列义务：认真学习马克思列宁主义、毛泽东思想……", "《中国共产党章程》")),
    dict(category="constitution", visibility="members",
         title="学习《中国共产党支部工作条例》要点",
         summary="支部是党的基础组织。本材料梳理“三会一课”、主题党日和组织生活会的基本要求。",
         paragraphs=("党员大会一般每季度召开一次，支部委员会一般每月召开一次，党小组会一般每月召开一次。",
                     "党课每年至少一次由支部书记讲授；组织生活会和民主评议党员一般每年开展一次。")),
    dict(category="article", featured=True, visibility="public",
         title="把“三会一课”开到楼组：社区党建的实践与思考",
         summary="老年党员多、行动不便，怎样让组织生活不走过场？来自一线支部书记的做法。",
         paragraphs=("在老旧小区，八成以上党员年过六旬。支部把党小组会搬到楼组活动室，就近开会、就近学习。",
                     "对卧床的老党员，支部书记带着学习材料上门，读给他们听，再听听他们的意见。")),
    dict(category="case", visibility="public",
         title="老党员的初心故事：从弄堂到社区",
         summary="一位有五十年党龄的老党员讲述他在弄堂里当楼组长的日子。",
         paragraphs=("他说：“党员就是要在邻居有难处的时候第一个站出来。”",
                     "退休二十年，他坚持每天在小区里走一圈，看看路灯亮不亮、楼道干不干净。")),
    dict(category="policy", visibility="members",
         title="政策解读：来沪人员居住登记与出租房屋管理",
         summary="“人来登记、人走注销”，谁出租谁负责。社区党员协管员需要了解的基本要求。",
         paragraphs=("来沪人员应在到达居住地后及时办理居住登记，离开时注销。",
                     "出租房屋实行“谁出租谁负责”，房东应核实承租人身份并告知社区。")),
)

RESULTS = (
    dict(org=FIRST, kind="reflection", author="shequ",
         title="学习体会：把支部建在楼组上",
         summary="梅园社区党委书记谈今年学习党章和支部工作条例的体会。",
         paragraphs=("今年我们把学习和工作结合起来：每月一篇党建文章，每季度一次楼组党小组会。",
                     "最大的体会是，老党员不是工作的负担，而是社区最宝贵的力量。")),
    dict(org=FIRST, kind="report", author="shequ",
         title="老旧小区党员参与社区治理的调研报告",
         summary="走访12个楼组、访谈60名党员，分析老年党员参与治理的意愿和困难。",
         paragraphs=("调研发现，愿意参与社区事务的老年党员超过七成，但行动不便是最大的困难。",
                     "建议：按兴趣和楼组就近编组；为行动不便的党员提供送学上门和线上参与的渠道。")),
)
# fmt: on
