"""The documents works issues, as PDF with the CJK font (like cases/documents.py): the supervision
plan (监督计划书), the letter agreeing to a single building's completion filing, and the project's
completion verification document. Rendered from the content frozen at issue."""

from __future__ import annotations

from tongban.catalog.documents import FontUnavailable, find_cjk_font

from .models import WorksDocument

__all__ = ["FontUnavailable", "filename", "paragraphs", "render_pdf"]


def _d(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def paragraphs(doc: WorksDocument) -> list[str]:
    c = doc.content
    if doc.kind == WorksDocument.Kind.PLAN:
        lines = [
            f"你单位报送的“{c['project']}”（建设地点：{c.get('address', '')}）人防工程质量监督登记已受理，"
            f"报监登记号：{c['registration_number']}，监督员：{c['supervisor']}。",
            "监督范围（单体及防空地下室）：",
        ]
        lines += [
            f"{b['name']}：" + (f"防空地下室 {b['area']} m²，{b['class']}" if b["basement"] else "地下无防空地下室")
            for b in c.get("buildings", [])
        ]
        lines.append("监督检查阶段：" + "、".join(c.get("stages", [])) + "。各阶段施工前请提前告知监督员，"
                     "隐蔽工程未经检查不得覆盖；防护设备须选用人防防护设备定点生产企业的产品。")
        lines.append("参建单位：" + "；".join(c.get("parties", [])) + "。")
        return lines
    if doc.kind == WorksDocument.Kind.BUILDING_LETTER:
        return [
            f"你单位“{c['project']}”（报监登记号：{c.get('registration_number', '')}）中的“{c['building']}”"
            f"（{c.get('use', '')}，地上建筑面积 {c.get('above_m2', '')} m²）地下未建防空地下室。",
            f"根据{c.get('basis', '')}“竣工一幢、验收一幢”的规定，同意该单体建筑先行办理竣工验收备案。",
            "整体项目依法履行人民防空义务后，本机关再行出具整体项目的竣工验收核实文件。",
        ]
    if doc.kind == WorksDocument.Kind.VERIFICATION:
        lines = [
            f"你单位“{c['project']}”（报监登记号：{c.get('registration_number', '')}）的防空地下室已竣工验收合格：",
        ]
        lines += [f"{b['name']}：{b['class']}，{b['area']} m²，{b['passed_on']} 验收合格" for b in c.get("basements", [])]
        lines.append(f"防空地下室易地建设费已依法缴清或减免（应缴 {c.get('fee_payable')} 元，规则版本 {c.get('fee_rule_version')}）。")
        lines.append(f"经核实，该项目已依法履行人民防空义务，予以竣工验收核实（{c.get('basis', '')}）。")
        return lines
    return []


def filename(doc: WorksDocument) -> str:
    return f"{doc.get_kind_display()}-{doc.number}.pdf"


def render_pdf(doc: WorksDocument) -> bytes:
    from fpdf import FPDF

    font = find_cjk_font()
    if font is None:
        raise FontUnavailable
    issuer = doc.project.organisation.agency().name
    pdf = FPDF(format="A4")
    pdf.set_margins(25, 25, 25)
    pdf.set_auto_page_break(True, margin=25)
    pdf.add_font("cjk", "", font.regular, collection_font_number=font.index)
    pdf.add_font("cjk", "B", font.bold, collection_font_number=font.bold_index)
    pdf.set_title(f"{doc.get_kind_display()} {doc.number}")
    pdf.add_page()
    pdf.set_text_color(180, 0, 0)
    pdf.set_font("cjk", "B", 20)
    pdf.cell(0, 12, issuer, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(180, 0, 0)
    pdf.line(25, pdf.get_y() + 2, 185, pdf.get_y() + 2)
    pdf.ln(6)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("cjk", "B", 17)
    pdf.multi_cell(0, 10, doc.get_kind_display(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", "", 11)
    pdf.cell(0, 8, doc.number, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("cjk", "", 13)
    pdf.multi_cell(0, 8, f"{doc.content.get('builder', '')}：", new_x="LMARGIN", new_y="NEXT")
    for text in paragraphs(doc):
        pdf.multi_cell(0, 8, "　　" + text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.ln(10)
    pdf.cell(0, 8, issuer, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, _d(doc.issued_on), align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
