"""Demo credit data (示例): marked merchants (one with a wrong check digit, one 个体工商户), commitments, penalty
records across the severity classes, a serious-violation entry, an incentive entry and one approved repair, all
through the real actions so every row and audit event is marked is_demo. Names and numbers are invented."""
from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from iccity.core.validation import uscc_check_char
from iccity.core import clock, demo
from iccity.core.models import AuditEvent, Rule

from . import actions
from .models import CreditCommitment, ListEntry, Merchant, RepairRequest
from .rules import NDRC_REPAIR_FROM, PUBLICATION

AUTHORITY = "天津市西青区市场监督管理局（示例）"
TRADES = ["商贸", "餐饮管理", "超市", "文化传媒", "汽车销售", "酒店管理", "电子科技", "食品"]
VIOLATIONS = [("不明码标价", "《中华人民共和国价格法》第十三条、第四十二条"),
              ("销售过期食品", "《中华人民共和国食品安全法》第三十四条、第一百二十四条"),
              ("虚假宣传", "《中华人民共和国反不正当竞争法》第八条、第二十条"),
              ("未按规定公示营业执照", "《中华人民共和国市场主体登记管理条例》")]


def _uscc(n: int) -> str:
    first17 = f"9112011{n:010d}"[:17]
    return first17 + uscc_check_char(first17)


def generate(stdout, months: int = 18, seed: int = 1) -> None:
    rng = random.Random(seed)
    today = clock.today()
    if not Rule.objects.filter(key=PUBLICATION).exists():
        # created here they would be marked 示例 (the command runs inside demo.marking) and outlive ``reset``
        stdout.write("信用公示示例：规则表中没有公示期限规则，请先运行 iccity bootstrap\n")
        return
    start = max(NDRC_REPAIR_FROM, today - dt.timedelta(days=30 * months))
    if start > today or Merchant.objects.filter(is_demo=True).exists():
        stdout.write("信用公示示例：已存在或无可用日期，跳过\n")
        return
    with demo.marking(), transaction.atomic():
        merchants = [actions.do_register_merchant(f"天津市西青区示例{TRADES[i % len(TRADES)]}有限公司{i + 1}号",
                                                  uscc=_uscc(7000 + i)) for i in range(12)]
        flagged = _uscc(7999)
        merchants.append(actions.do_register_merchant("天津示例代码待核对有限公司",
                                                      uscc=flagged[:17] + ("0" if flagged[17] != "0" else "1")))
        merchants.append(actions.do_register_merchant("西青区李示例小吃店", kind="individual_business",
                                                      operator_name="李示例", uscc=_uscc(8001)))
        span = (today - start).days
        for n, merchant in enumerate(merchants):
            violation, basis = VIOLATIONS[n % len(VIOLATIONS)]
            severity = ["minor", "general", "general", "serious"][n % 4]
            actions.do_register_entry(
                merchant, list_kind="penalty", severity=severity, decision_number=f"津西市监罚〔示例〕{n + 1}号",
                decision_date=start + dt.timedelta(days=rng.randint(0, span)), authority=AUTHORITY,
                legal_basis=basis, violation_type=violation, facts=f"示例：{violation}",
                penalty="警告、罚款", fine_yuan=str(rng.choice([2000, 5000, 20000, 100000])),
                data_source_unit="区市场监管局（示例）")
        actions.do_register_entry(merchants[3], list_kind="serious_violation", decision_number="津西市监列严〔示例〕1号",
                                  decision_date=start, authority=AUTHORITY,
                                  legal_basis="《市场监督管理严重违法失信名单管理办法》（总局令第44号）",
                                  violation_type="示例：食品安全领域严重违法")
        actions.do_register_entry(merchants[0], list_kind="incentive", decision_number="西青诚信〔示例〕1号",
                                  decision_date=start, authority="天津市西青区商务局（示例）",
                                  legal_basis="示例：区级诚信经营示范店认定办法（地方激励名单）",
                                  violation_type="诚信经营示范店", valid_until=start + dt.timedelta(days=730))
        repairable = ListEntry.objects.filter(is_demo=True, severity="general", repair_from__lte=today).first()
        if repairable:
            commitment = actions.do_record_commitment(repairable.merchant, kind="repair", text="示例：已整改并依法诚信经营",
                                                      signed_on=today)
            request = actions.do_submit_repair(repairable, commitment=commitment, obligations_met=True)
            request = actions.do_start_repair_review(request, actor=None)
            actions.do_decide_repair(request, approve=True, reason="示例：符合修复条件", actor=None)
    stdout.write(f"信用公示示例：{len(merchants)} 个市场主体\n")


@transaction.atomic
def reset(stdout) -> None:
    RepairRequest.objects.filter(is_demo=True).delete()
    ListEntry.objects.filter(is_demo=True).delete()
    CreditCommitment.objects.filter(is_demo=True).delete()
    count = Merchant.objects.filter(is_demo=True, entries__isnull=True, commitments__isnull=True).delete()[0]
    AuditEvent.objects.filter(is_demo=True, action__startswith="credit.").delete()
    stdout.write(f"信用公示示例已删除（{count}个市场主体）\n")
