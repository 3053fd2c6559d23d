"""Download templates for data entry: an xlsx with drop-down lists, a release sheet and instructions (examples
live only in the instructions, so a forgotten example row can never be imported), and a header-only CSV."""
from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable

from iccity.core import clock
from iccity.core.exports import safe_row

from .importing import (
    AREAS, BREAKDOWN_LABELS, COLUMNS, DATA_SHEET, DEFAULT_AREA, HELP_SHEET, LISTS_SHEET, RELEASE_LABELS, RELEASE_SHEET,
    _bounds,
)
from .models import Indicator
from .models.catalogue import Frequency, Publication, ValueKind


def template_csv() -> bytes:
    """Header only, UTF-8 with BOM so Excel on Chinese Windows opens it without mojibake."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([c.label for c in COLUMNS])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def _example_period(indicator: Indicator) -> tuple[str, str]:
    year = clock.today().year - 1
    if indicator.frequency == Frequency.ANNUAL:
        return str(year), "否"
    if indicator.frequency == Frequency.QUARTERLY:
        return f"{year}Q4", "否"
    return (f"{year}年1-12月", "是") if indicator.publication == Publication.CUMULATIVE else (f"{year}-12", "否")


def template_xlsx(indicators: Iterable[Indicator], *, example: bool = True) -> bytes:
    """An empty 数据 sheet with drop-down lists, a 发布信息 sheet and a 填报说明 sheet (examples live there only,
    so a forgotten example row can never be imported)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    indicators = list(indicators)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    ws.append([c.label for c in COLUMNS])
    for i, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font, cell.fill = bold, fill
        ws.column_dimensions[cell.column_letter].width = 16 if column.key != "note" else 30
    ws.freeze_panes = "A2"
    last = 2000
    period_col = [c.key for c in COLUMNS].index("period") + 1
    for row in ws.iter_rows(min_row=2, max_row=last, min_col=period_col, max_col=period_col):
        row[0].number_format = "@"   # keep 2024-03 as text: Excel would turn it into a date
    lists = wb.create_sheet(LISTS_SHEET)
    lists.append(["指标代码", "累计", "分组类型", "地区"])
    kinds = sorted({k for i in indicators for k in (i.breakdowns or [])})
    areas = list(dict.fromkeys(AREAS.values()))
    columns = [[i.code for i in indicators], ["是", "否"], kinds, areas]
    for r in range(max(len(c) for c in columns)):
        lists.append(safe_row(c[r] if r < len(c) else None for c in columns))
    lists.sheet_state = "hidden"
    letters = {c.key: ws.cell(row=1, column=i).column_letter for i, c in enumerate(COLUMNS, start=1)}
    for key, source_col, size in (("code", "A", len(indicators)), ("cumulative", "B", 2),
                                  ("breakdown_kind", "C", len(kinds)), ("area", "D", len(areas))):
        if size:
            dv = DataValidation(type="list", formula1=f"'{LISTS_SHEET}'!${source_col}$2:${source_col}${size + 1}",
                                allow_blank=True, showErrorMessage=True, errorTitle="输入无效",
                                error="请从下拉列表中选择")
            dv.add(f"{letters[key]}2:{letters[key]}{last}")
            ws.add_data_validation(dv)

    release = wb.create_sheet(RELEASE_SHEET)
    release.append(["项目", "内容", "说明"])
    for key, hint in (("title", "必填，如“2024年西青区国民经济和社会发展统计公报”"), ("publisher", "必填，如“西青区统计局”"),
                      ("published_on", "必填，如 2025-03-20；上传页面填写的优先"), ("status", "初步/修订/最终，默认最终"),
                      ("url", "可选"), ("confidence", "可选"), ("note", "可选")):
        release.append([RELEASE_LABELS[key], None, hint])
    release.column_dimensions["A"].width, release.column_dimensions["C"].width = 12, 60
    release.column_dimensions["B"].width = 40

    help_ws = wb.create_sheet(HELP_SHEET)
    help_ws.column_dimensions["A"].width, help_ws.column_dimensions["B"].width = 22, 60
    help_ws.append(["填报说明"])
    help_ws["A1"].font = Font(bold=True, size=14)
    for line in ("在“数据”表中每行填写一个数值；在“发布信息”表或上传页面填写数据出处。上传后先预检，全部无误才会写入。",
                 "同一文件重复上传不会产生重复数据；修订已发布的数据，请作为新的发布版次上传，旧数据保留。",
                 "数字只填数字：可用逗号作千位分隔符（5,000.5），不要带单位（如“亿元”“万”）或“约”，最多4位小数。",
                 "不要使用公式；如有公式，请在Excel中保存后再上传。模板以外的列会被忽略。"):
        help_ws.append([line])
    help_ws.append([])
    help_ws.append(["列", "填写要求"])
    for column in COLUMNS:
        help_ws.append([column.label + ("（必填）" if column.required else ""), column.help])
    help_ws.append([])
    header = ["指标代码", "名称", "单位", "频率", "发布方式", "数值类型", "允许的分组", "合理范围"]
    help_ws.append(header)
    header_row = help_ws.max_row
    for cell in help_ws[header_row]:
        cell.font, cell.fill = bold, fill
    for ind in indicators:
        bounds = "" if ind.plausible_min is None and ind.plausible_max is None else _bounds(ind)
        help_ws.append(safe_row([ind.code, ind.name, ind.unit, ind.get_frequency_display(),
                                 ind.get_publication_display(), ind.get_value_kind_display(),
                                 "、".join(f"{k}（{BREAKDOWN_LABELS.get(k, k)}）" for k in ind.breakdowns or []) or "只填总量",
                                 bounds]))  # catalogue text is data: formula injection
    if example and indicators:
        help_ws.append([])
        help_ws.append(["示例（仅供参考：实际数据请填在“数据”表中，本表内容不会被导入）"])
        help_ws.append([None] + [c.label for c in COLUMNS])
        for ind in indicators[:3]:
            period, cumulative = _example_period(ind)
            value = None if ind.value_kind == ValueKind.RATE_ONLY else (
                float(ind.plausible_max) / 2 if ind.plausible_max else 1234.5)
            help_ws.append(["示例", ind.code, DEFAULT_AREA, period, "", "", value, 5.2, cumulative, "示例数据"])
    for row in help_ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
