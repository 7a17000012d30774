"""Written notices and decisions (受理通知书, 补正材料通知书, 不予受理决定书, 准予/不予行政许可决定书,
延期 and 特别程序告知书) as PDF and Word, rendered from the content frozen when the document was
issued, so both formats and every later download say the same thing."""

from __future__ import annotations

import io

from tongban.catalog.documents import FontUnavailable, find_cjk_font

from .models import Document

RIGHTS = (
    "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，"
    "或者在六个月内依法向人民法院提起行政诉讼。"
)


def _d(iso: str | None) -> str:
    if not iso:
        return "—"
    y, m, d = iso.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def paragraphs(doc: Document) -> list[str]:
    """The body of the document, paragraph by paragraph."""
    c = doc.content
    item = f"“{c['item_name']}”"
    project = f"（{c['project_name']}）" if c.get("project_name") else ""
    received = _d(c.get("received_on"))
    kind = doc.kind
    if kind == Document.Kind.ACCEPTANCE:
        return [
            f"你（单位）于{received}提出的{item}申请{project}（办件编号：{c['case_number']}），"
            "申请材料齐全、符合法定形式，根据《中华人民共和国行政许可法》第三十二条的规定，决定予以受理。",
            f"本机关承诺于{_d(c.get('promised_due'))}前办结，法定办结期限至{_d(c.get('legal_due'))}。"
            "依法需要听证、检验、检测、鉴定、专家评审和公示的，所需时间不计算在期限内，届时另行书面告知。",
            "你（单位）可凭办件编号和查询码在网上查询办理进度。",
        ]
    if kind == Document.Kind.SUPPLEMENT:
        lines = [
            f"你（单位）于{received}提出的{item}申请{project}（办件编号：{c['case_number']}），"
            "申请材料不齐全或者不符合法定形式。根据《中华人民共和国行政许可法》第三十二条的规定，"
            "现一次性告知你（单位）需要补正的全部内容如下：",
        ]
        lines += [f"{n}. {i['name']}：{i['problem']}" for n, i in enumerate(c.get("items", []), 1)]
        if c.get("note"):
            lines.append(f"补充说明：{c['note']}")
        lines.append("请按上述要求一次补齐后在网上提交，补正材料收到之日起重新计算受理期限。")
        return lines
    if kind == Document.Kind.REJECTION:
        return [
            f"你（单位）于{received}提出的{item}申请{project}（办件编号：{c['case_number']}），经审查，"
            f"{c.get('reasons', '')}",
            f"依据{c.get('basis', '')}，决定不予受理。",
            RIGHTS,
        ]
    if kind == Document.Kind.APPROVAL:
        result = f"，核发《{c['result_name']}》" if c.get("result_name") else ""
        lines = [
            f"你（单位）于{received}提出的{item}申请{project}（办件编号：{c['case_number']}），经审查，"
            f"符合法定条件、标准。根据《中华人民共和国行政许可法》第三十八条第一款的规定，决定准予行政许可{result}。",
        ]
        if c.get("reasons"):
            lines.append(c["reasons"])
        return lines
    if kind == Document.Kind.DENIAL:
        return [
            f"你（单位）于{received}提出的{item}申请{project}（办件编号：{c['case_number']}），经审查，"
            f"{c.get('reasons', '')}",
            "根据《中华人民共和国行政许可法》第三十八条第二款的规定，决定不予行政许可。",
            RIGHTS,
        ]
    if kind == Document.Kind.EXTENSION:
        lines = [
            f"你（单位）提出的{item}申请{project}（办件编号：{c['case_number']}），因{c.get('reason', '')}，"
            f"不能在法定期限内作出决定。经本机关负责人批准，根据《中华人民共和国行政许可法》第四十二条的规定，"
            f"审批期限延长{c.get('days')}个工作日，至{_d(c.get('legal_due'))}。",
        ]
        if c.get("legal_due_before"):
            lines.append(f"原法定办结期限为{_d(c['legal_due_before'])}，延长后的法定办结期限为{_d(c.get('legal_due'))}。")
        if c.get("moves_promised") and c.get("promised_due"):
            lines.append(f"本机关承诺办结期限相应顺延至{_d(c['promised_due'])}。")
        return lines
    if kind == Document.Kind.EXCLUSION:
        return [
            f"你（单位）提出的{item}申请{project}（办件编号：{c['case_number']}），需要进行{c.get('kind', '')}。"
            f"理由：{c.get('reason', '')}",
            f"依据{c.get('basis', '')}的规定，{c.get('kind', '')}所需时间自{_d(c.get('started_on'))}起"
            "不计算在审批期限内，结束后恢复计时并另行告知。",
        ]
    return []


def issuer(doc: Document) -> str:
    """The agency the document speaks for, in its header and signature: the agency, never the
    internal department that handled the case (行政审批办公室 is no legal issuer, and three
    agencies have one). Frozen in the content at issue; documents issued before it was frozen
    fall back to the case's organisation."""
    return doc.content.get("agency") or doc.case.organisation.agency().name


def title(doc: Document) -> str:
    return doc.get_kind_display()


def filename(doc: Document, ext: str) -> str:
    return f"{doc.get_kind_display()}-{doc.case.number}.{ext}"


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
    head = out.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(issuer(doc))
    run.font.size = Pt(20)
    run.bold = True
    t = out.add_paragraph()
    t.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = t.add_run(title(doc))
    run.font.size = Pt(22)
    run.bold = True
    num = out.add_paragraph(doc.number)
    num.alignment = WD_ALIGN_PARAGRAPH.CENTER
    out.add_paragraph(f"{doc.content.get('applicant_name', '')}：")
    for text in paragraphs(doc):
        p = out.add_paragraph(text)
        p.paragraph_format.first_line_indent = Pt(28)
    for text in ("", issuer(doc), _d(doc.issued_on.isoformat())):
        p = out.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
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
    pdf.set_title(f"{title(doc)} {doc.number}")
    pdf.add_page()
    pdf.set_text_color(180, 0, 0)
    pdf.set_font("cjk", "B", 20)
    pdf.cell(0, 12, issuer(doc), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(180, 0, 0)
    pdf.line(25, pdf.get_y() + 2, 185, pdf.get_y() + 2)
    pdf.ln(6)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("cjk", "B", 18)
    pdf.cell(0, 12, title(doc), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", "", 11)
    pdf.cell(0, 8, doc.number, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("cjk", "", 13)
    pdf.multi_cell(0, 8, f"{doc.content.get('applicant_name', '')}：", new_x="LMARGIN", new_y="NEXT")
    for text in paragraphs(doc):
        pdf.multi_cell(0, 8, "　　" + text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.ln(10)
    pdf.cell(0, 8, issuer(doc), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, _d(doc.issued_on.isoformat()), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("cjk", "", 9)
    pdf.set_text_color(110, 110, 110)
    pdf.multi_cell(0, 5, f"办件编号：{doc.content.get('case_number', '')}　本文书由通办平台生成，可凭办件编号和查询码核验。")
    return bytes(pdf.output())
