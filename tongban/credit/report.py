"""The public credit report (信用报告) of an enterprise as PDF (fpdf2 with the platform's CJK font)."""

from __future__ import annotations

from tongban.catalog.documents import FontUnavailable, find_cjk_font
from tongban.core.standing import standing_of
from tongban.core.timeutil import today

from .selectors import public_records


def report_lines(code: str) -> tuple[str, list[str]]:
    records = list(public_records(code))
    standing = standing_of(code)
    name = records[0].subject_name if records else ""
    if not name:
        from tongban.accounts.models import Enterprise

        name = Enterprise.objects.filter(uscc=code).values_list("name", flat=True).first() or "—"
    lines = [f"主体名称：{name}", f"统一社会信用代码：{code}", f"报告日期：{today():%Y年%m月%d日}"]
    if standing.grade:
        lines.append(f"从业单位信用评价等级：{standing.grade}")
    for m in standing.lists:
        lines.append(f"列入名单：{m.name}（依据：{m.basis}）")
    lines.append(f"公示中的信用记录：{len(records)} 条")
    for n, r in enumerate(records, 1):
        lines.append(f"{n}. {r.title}；决定文书号 {r.decision_number or '—'}；决定日期 {r.decided_on}；"
                     f"{r.get_severity_display() if r.severity else r.get_source_display()}；认定机关 {r.organisation.name}"
                     + (f"；可申请修复 {r.repair_from}；公示截止 {r.takedown_on}" if r.takedown_on else ""))
    return name, lines


def render_report(code: str) -> bytes:
    from fpdf import FPDF

    font = find_cjk_font()
    if font is None:
        raise FontUnavailable
    _name, lines = report_lines(code)
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("cjk", "", font.regular, collection_font_number=font.index)
    pdf.add_font("cjk", "B", font.bold, collection_font_number=font.bold_index)
    pdf.set_title(f"信用报告 {code}")
    pdf.add_page()
    pdf.set_font("cjk", "B", 18)
    pdf.cell(0, 12, "公共信用信息报告", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("cjk", "", 11)
    for text in lines:
        pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("cjk", "", 9)
    pdf.set_text_color(110, 110, 110)
    pdf.multi_cell(0, 5, "本报告仅载明公示中的信用信息；已修复、已到期撤下或已撤销的信息不再显示。由通办平台生成。")
    return bytes(pdf.output())
