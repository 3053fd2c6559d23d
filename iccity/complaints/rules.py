"""Complaint and report time limits as versioned ``core.Rule`` rows (domain-public-services.md §1.1).

A case is judged by the versions in force on its receipt date: Order 20 (暂行办法) rows end on 2026-04-15, the day
SAMR Order 121 took effect, so a case received on 2026-04-14 keeps 45 working days of mediation and one received on
2026-04-15 gets 60 calendar days. ``notes`` carries the confidence (primary / secondary / local policy); rows that are
not primary need legal sign-off before production. Policy when none is in force: the declared version while the key
was never created (fresh database, tests); a gap between the office's versions is refused.
"""
from __future__ import annotations

import datetime as dt


from iccity.core.rules import USE_DEFAULT, Version, declare

ACCEPT_DECISION = "complaints.accept_decision"
MEDIATION_LIMIT = "complaints.mediation_limit"
REPORT_VERIFICATION = "complaints.report_verification"
REPORT_DECISION = "complaints.report_decision"
ODR_NEGOTIATION = "complaints.odr_negotiation"
LIMITATION = "complaints.limitation"
FIRST_CONTACT = "complaints.first_contact_sla"
DOCUMENT_NUMBER = "complaints.document_number"
RETENTION = "complaints.personal_data_retention"
ANTI_STUFFING = "complaints.anti_stuffing"

ORDER_20_FROM = dt.date(2020, 1, 1)  # 市场监督管理投诉举报处理暂行办法 (Order 20 of 2019) took effect
ORDER_121_FROM = dt.date(2026, 4, 15)
PENALTY_PROCEDURE_FROM = dt.date(2019, 4, 1)  # 市场监督管理行政处罚程序规定 (2018; amended 2021, 2022)

ORDER_121_URL = "https://www.samr.gov.cn/zw/zfxxgk/fdzdgknr/fgs/art/2026/art_e4d03a20c0fd49769e408c7bf3791ff5.html"
LOCAL_POLICY = ("本地服务标准（平台默认值，不是法定时限：未见西青区或天津市公开的消费投诉24小时响应承诺），"
                "请区市场监管局按本地制度确认或修改")

DEFAULTS = [
    # -- acceptance decision: 7 working days, both regimes
    {"key": ACCEPT_DECISION, "version": 1, "title": "投诉受理决定时限（暂行办法）",
     "value": {"unit": "working_days", "amount": 7}, "from": ORDER_20_FROM, "to": ORDER_121_FROM,
     "source": "《消费者权益保护法》第四十六条；《市场监督管理投诉举报处理暂行办法》（总局令第20号）",
     "notes": "confidence: primary（消保法第四十六条：收到投诉之日起七个工作日内告知是否受理）"},
    {"key": ACCEPT_DECISION, "version": 2, "title": "投诉受理决定时限", "value": {"unit": "working_days", "amount": 7},
     "from": ORDER_121_FROM, "to": None,
     "source": f"《消费者权益保护法》第四十六条；《市场监督管理投诉举报处理办法》（总局令第121号）{ORDER_121_URL}",
     "notes": "confidence: primary（消保法）；第121号令沿用7个工作日系推断，待法制审核确认"},
    # -- mediation limit: 45 working days (Order 20) → 60 calendar days (Order 121)
    {"key": MEDIATION_LIMIT, "version": 1, "title": "调解期限（暂行办法：45个工作日）",
     "value": {"unit": "working_days", "amount": 45}, "from": ORDER_20_FROM, "to": ORDER_121_FROM,
     "source": "《市场监督管理投诉举报处理暂行办法》（总局令第20号）第二十四条第（五）项：自投诉受理之日起四十五个工作日内未达成调解协议的终止调解",
     "notes": "confidence: secondary（条号据转载文本）；已被第121号令取代，仅用于2026-04-15前收到的案件"},
    {"key": MEDIATION_LIMIT, "version": 2, "title": "调解期限（60日）",
     "value": {"unit": "calendar_days", "amount": 60}, "from": ORDER_121_FROM, "to": None,
     "source": f"《市场监督管理投诉举报处理办法》（总局令第121号）第二十三条第一款第（五）项：自投诉受理之日起六十日内 {ORDER_121_URL}",
     "notes": "confidence: primary；“六十日”按自然日计算，期满日为休息日的顺延（民法典第二百零三条）"},
    # -- reports
    {"key": REPORT_VERIFICATION, "version": 1, "title": "举报核查与立案决定时限",
     "value": {"unit": "working_days", "amount": 15, "extension": 15}, "from": PENALTY_PROCEDURE_FROM, "to": None,
     "source": "《市场监督管理行政处罚程序规定》第十八条：十五个工作日内核查并决定是否立案，经负责人批准可延长十五个工作日；"
               "检测、检验、检疫、鉴定等时间不计入 http://btdsss.gov.cn/c/2025-05-14/912884.shtml",
     "notes": "confidence: primary"},
    {"key": REPORT_DECISION, "version": 1, "title": "立案后作出处理决定时限",
     "value": {"unit": "calendar_days", "amount": 90, "extension": 30}, "from": PENALTY_PROCEDURE_FROM, "to": None,
     "source": "《市场监督管理行政处罚程序规定》：自立案之日起九十日内作出处理决定，经批准可延长三十日；中止期间不计入",
     "notes": "confidence: secondary，待法制审核确认"},
    {"key": ODR_NEGOTIATION, "version": 1, "title": "ODR企业先行协商期限",
     "value": {"unit": "working_days", "amount": 10}, "from": ORDER_20_FROM, "to": None,
     "source": "全国12315平台在线消费纠纷解决（ODR）机制：企业10个工作日内协商处理，不计入市场监管部门办理时限",
     "notes": "confidence: secondary"},
    # -- limitation (a flag at registration, ART16_4)
    {"key": LIMITATION, "version": 1, "title": "投诉时效（超过即可能不予受理）", "value": {"years": 3},
     "from": ORDER_20_FROM, "to": ORDER_121_FROM,
     "source": "《市场监督管理投诉举报处理暂行办法》（总局令第20号）第十五条第（四）项：超过三年的不予受理",
     "notes": "confidence: secondary；已被第121号令取代"},
    {"key": LIMITATION, "version": 2, "title": "投诉时效（超过即可能不予受理）", "value": {"years": 3},
     "from": ORDER_121_FROM, "to": None,
     "source": f"《市场监督管理投诉举报处理办法》（总局令第121号）第十六条第（四）项 {ORDER_121_URL}",
     "notes": "confidence: primary；登记时只提示（第16条第4项），由承办人决定"},
    # -- local policy, not law
    {"key": FIRST_CONTACT, "version": 1, "title": "首次联系投诉人时限（本地快速响应标准，24小时×7天）",
     "value": {"unit": "hours_24x7", "amount": 24}, "from": ORDER_20_FROM, "to": None, "source": LOCAL_POLICY,
     "notes": "confidence: local policy（非法律规定，与法定受理时限分开统计）"},
    # -- personal data retention (PIPL Art. 19, 47): after this, closed cases keep no complainant data
    {"key": RETENTION, "version": 1, "title": "投诉举报人个人信息保存期限（办结后）", "value": {"years_after_closure": 3},
     "from": ORDER_20_FROM, "to": None,
     "source": "《个人信息保护法》第十九条（保存期限为实现处理目的所必要的最短时间）、第四十七条（期限届满应删除）；"
               "3年与投诉时效（第121号令第十六条第（四）项）一致，为平台默认值",
     "notes": "confidence: local policy，待领导小组办公室及区市场监管局按档案管理规定确认（案卷归档另有保管期限的，以归档为准）"},
    {"key": ANTI_STUFFING, "version": 1, "title": "网上投诉防刷：同一地址每日提交达到此数即标记待核实",
     "value": {"flag_from_per_address_per_day": 3}, "from": ORDER_20_FROM, "to": None,
     "source": "平台默认值（非法定）：OWASP ASVS 4.0 V11.1.4 业务流程防自动化；被标记的投诉在受理前不计入消费投诉信息公示",
     "notes": "confidence: local policy，待领导小组办公室确认"},
    {"key": DOCUMENT_NUMBER, "version": 1, "title": "文书编号前缀", "value": {"prefix": "西青市监", "issuer": "天津市西青区市场监督管理局"},
     "from": ORDER_20_FROM, "to": None, "source": "文书式样：____市监____〔年〕第__号；前缀为平台默认值，请按本局文号规则确认",
     "notes": "confidence: local policy"},
]



def _confidence(notes: str) -> str:
    named = notes.removeprefix("confidence: ")
    return next(c for c in ("primary", "secondary", "local policy") if named.startswith(c))


for _key in dict.fromkeys(row["key"] for row in DEFAULTS):
    declare(_key, on_missing=USE_DEFAULT, versions=[
        Version(row["version"], row["title"], row["value"], row["from"], row["source"], _confidence(row["notes"]),
                row["to"], row["notes"])
        for row in DEFAULTS if row["key"] == _key])

