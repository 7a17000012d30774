"""The seven enforcement documents (立案审批表, 行政处罚事先告知书, 听证通知书, 询问笔录, 法制审核意见书,
行政处罚决定书 / 不予行政处罚决定书, 送达回证) as PDF and Word: one generator, one template per
document (a function from the content frozen at issue to its paragraphs)."""

from __future__ import annotations

import io
from collections.abc import Callable

from tongban.catalog.documents import FontUnavailable, find_cjk_font

from .models import Document, fen_to_yuan

__all__ = ["FontUnavailable", "filename", "paragraphs", "render_docx", "render_pdf"]

RIGHTS = ("如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。"
          "行政复议或者行政诉讼期间，本决定不停止执行，法律另有规定的除外。")


def _d(iso: str | None) -> str:
    if not iso:
        return "—"
    y, m, d = str(iso).split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def _basis(c: dict) -> str:
    clauses = "、".join(c.get("clauses") or []) or "—"
    return f"适用裁量基准：{c.get('baseline') or '—'}，裁量情形：{clauses}。"


def _registration(c: dict) -> list[str]:
    return [
        f"案件来源：{c.get('source', '')}{'（' + c['source_ref'] + '）' if c.get('source_ref') else ''}。",
        f"当事人：{c['party_name']}（{c.get('party_code') or '—'}），住所：{c.get('party_address') or '—'}。",
        f"涉嫌违法事实：{c['facts']}",
        f"违法行为发生日：{_d(c.get('act_on'))}；追责时效至{_d(c.get('limitation_ends_on'))}（《行政处罚法》第三十六条）。",
        f"承办执法人员：{'、'.join(c.get('officers') or [])}。",
        f"负责人审批意见：同意立案。{c.get('note') or ''}　审批人：{c.get('approved_by', '')}。",
        f"办案期限：自立案之日起九十日内作出决定，至{_d(c.get('decision_due'))}（《行政处罚法》第六十条）。",
    ]


def _prior_notice(c: dict) -> list[str]:
    lines = [
        f"经调查，你（单位）{c['facts']}",
        f"上述行为违反了{c.get('violated_provision') or '—'}的规定。依据{c.get('penalty_provision') or '—'}，"
        f"本机关拟对你（单位）作出如下行政处罚：{c.get('penalty', '')}。{_basis(c)}",
        f"根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你（单位）享有陈述、申辩的权利，"
        f"可在收到本告知书之日起{c.get('statement_workdays', 5)}个工作日内提出陈述、申辩；本机关不因你（单位）陈述、申辩而给予更重的处罚。",
    ]
    if c.get("hearing_right"):
        lines.append(f"根据《中华人民共和国行政处罚法》第六十三条、第六十四条的规定，你（单位）有要求举行听证的权利，"
                     f"可在收到本告知书之日起{c.get('hearing_workdays', 5)}个工作日内提出听证要求；逾期视为放弃。")
    return lines


def _hearing_notice(c: dict) -> list[str]:
    public = "公开举行" if c.get("public", True) else f"不公开举行（{c.get('closed_reason', '')}）"
    return [
        f"根据你（单位）的听证要求，本机关定于{_d(c.get('hearing_on'))}在{c.get('place') or '本机关听证室'}"
        f"就案件（{c['case_number']}）举行听证，听证{public}，由{c.get('chair', '')}主持（非本案调查人员）。",
        "你（单位）可以亲自参加听证，也可以委托一至二人代理；认为主持人与本案有直接利害关系的，有权申请回避。"
        "无正当理由拒不出席或者未经许可中途退出听证的，视为放弃听证权利（《行政处罚法》第六十四条）。",
    ]


def _questioning(c: dict) -> list[str]:
    return [
        f"时间：{_d(c.get('on'))}　地点：{c.get('place') or '—'}",
        f"执法人员：{'、'.join(c.get('officers') or [])}。执法人员已出示行政执法证件（《行政处罚法》第四十二条、第五十五条）。",
        f"被询问人：{c['party_name']}",
        f"询问内容：{c.get('content', '')}",
        "被询问人确认以上笔录属实。",
    ]


def _legal_review(c: dict) -> list[str]:
    lines = [
        f"案件：{c['case_number']}，当事人：{c['party_name']}。",
        f"拟作出的处罚：{c.get('penalty', '')}。{_basis(c)}",
    ]
    if c.get("departs"):
        lines.append(f"偏离裁量基准的理由：{c.get('departure_reason', '')}")
    lines += [f"审核意见：{c.get('opinion', '')}。理由：{c.get('reasons', '')}",
              f"审核人：{c.get('reviewer', '')}（《行政处罚法》第五十八条）。"]
    return lines


def _decision(c: dict) -> list[str]:
    lines = [
        f"当事人：{c['party_name']}（{c.get('party_code') or '—'}），住所：{c.get('party_address') or '—'}。",
        f"经查，{c['facts']}",
        f"上述行为违反了{c.get('violated_provision') or '—'}的规定。{c.get('reasons') or ''}",
        f"依据{c.get('penalty_provision') or '—'}，{_basis(c)}本机关决定给予如下行政处罚：{c.get('penalty', '')}。",
    ]
    if c.get("fine_fen"):
        lines.append(f"罚款人民币{fen_to_yuan(c['fine_fen'])}元，限于收到本决定书之日起{c.get('payment_days', 15)}日内缴纳"
                     "（《行政处罚法》第六十七条）；到期不缴纳的，每日按罚款数额的百分之三加处罚款，加处罚款的数额不超出罚款的数额"
                     "（《行政处罚法》第七十二条）。")
    lines.append(RIGHTS)
    return lines


def _not_punished(c: dict) -> list[str]:
    return [
        f"当事人：{c['party_name']}（{c.get('party_code') or '—'}）。",
        f"经查，{c['facts']}",
        f"鉴于上述违法行为轻微并及时改正，没有造成危害后果，依据《中华人民共和国行政处罚法》第三十三条，{_basis(c)}"
        "本机关决定不予行政处罚。",
        f"本机关已对当事人进行教育：{c.get('education_record', '')}",
        RIGHTS,
    ]


def _delivery(c: dict) -> list[str]:
    return [
        f"送达文书：{c.get('document', '')}",
        f"受送达人：{c['party_name']}",
        f"送达日期：{_d(c.get('delivered_on'))}　送达方式：{c.get('method', '')}",
        "受送达人签收：＿＿＿＿＿＿　送达人：＿＿＿＿＿＿（《行政处罚法》第六十一条）",
    ]


TEMPLATES: dict[str, Callable[[dict], list[str]]] = {
    Document.Kind.REGISTRATION: _registration,
    Document.Kind.PRIOR_NOTICE: _prior_notice,
    Document.Kind.HEARING_NOTICE: _hearing_notice,
    Document.Kind.QUESTIONING: _questioning,
    Document.Kind.LEGAL_REVIEW: _legal_review,
    Document.Kind.DECISION: _decision,
    Document.Kind.NOT_PUNISHED: _not_punished,
    Document.Kind.DELIVERY: _delivery,
}
ADDRESSED = {Document.Kind.PRIOR_NOTICE, Document.Kind.HEARING_NOTICE, Document.Kind.DECISION,
             Document.Kind.NOT_PUNISHED}


def paragraphs(doc: Document) -> list[str]:
    return TEMPLATES[doc.kind](doc.content)


def filename(doc: Document, ext: str) -> str:
    return f"{doc.get_kind_display()}-{doc.content.get('case_number', doc.pk)}.{ext}"


def render_docx(doc: Document) -> bytes:
    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    out = Docx()
    style = out.styles["Normal"]
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    style.font.size = Pt(14)
    for text, size in ((doc.content.get("agency", ""), 20), (doc.get_kind_display(), 22)):
        p = out.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.font.size, run.bold = Pt(size), True
    out.add_paragraph(doc.number).alignment = WD_ALIGN_PARAGRAPH.CENTER
    if doc.kind in ADDRESSED:
        out.add_paragraph(f"{doc.content.get('party_name', '')}：")
    for text in paragraphs(doc):
        out.add_paragraph(text).paragraph_format.first_line_indent = Pt(28)
    for text in ("", doc.content.get("agency", ""), _d(doc.issued_on.isoformat())):
        out.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def render_pdf(doc: Document) -> bytes:
    from fpdf import FPDF

    font = find_cjk_font()
    if font is None:
        raise FontUnavailable
    pdf = FPDF(format="A4")
    pdf.set_margins(25, 25, 25)
    pdf.set_auto_page_break(True, margin=25)
    pdf.add_font("cjk", "", font.regular, collection_font_number=font.index)
    pdf.add_font("cjk", "B", font.bold, collection_font_number=font.bold_index)
    pdf.set_title(f"{doc.get_kind_display()} {doc.number}")
    pdf.add_page()
    pdf.set_text_color(180, 0, 0)
    pdf.set_font("cjk", "B", 20)
    pdf.cell(0, 12, doc.content.get("agency", ""), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(180, 0, 0)
    pdf.line(25, pdf.get_y() + 2, 185, pdf.get_y() + 2)
    pdf.ln(6)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("cjk", "B", 18)
    pdf.cell(0, 12, doc.get_kind_display(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", "", 11)
    pdf.cell(0, 8, doc.number, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("cjk", "", 13)
    if doc.kind in ADDRESSED:
        pdf.multi_cell(0, 8, f"{doc.content.get('party_name', '')}：", new_x="LMARGIN", new_y="NEXT")
    for text in paragraphs(doc):
        pdf.multi_cell(0, 8, "　　" + text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.ln(10)
    pdf.cell(0, 8, doc.content.get("agency", ""), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, _d(doc.issued_on.isoformat()), align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
