"""The 检查通知书 PDF (fpdf2 with the platform's CJK font), rendered from the content frozen when
the notice was issued, with a QR code to the public verification page (扫码入企)."""

from __future__ import annotations

import io

from django.conf import settings
from django.urls import reverse

from tongban.catalog.documents import FontUnavailable, find_cjk_font

from .models import Inspection


def _d(iso: str | None) -> str:
    if not iso:
        return "—"
    y, m, d = iso.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def verify_url(inspection: Inspection) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("inspections:verify", args=[inspection.verify_code])


def paragraphs(c: dict) -> list[str]:
    names = "、".join(f"{i['name']}（执法证号：{i['certificate']}）" for i in c["inspectors"])
    return [
        f"根据《{c['task_name']}》（任务编号：{c['task_number']}），经本机关负责人批准，"
        f"本机关定于{_d(c['period'][0])}至{_d(c['period'][1])}期间，对你单位开展“{c['item_name']}”"
        f"随机抽查（{c['method']}）。",
        f"抽查依据：{c['legal_basis']}",
        f"检查人员：{names}。检查人员将主动出示行政执法证件，请予以配合。",
        "如认为检查人员与你单位有利害关系，可以申请回避。可扫描下方二维码，在通办平台核验本次检查及检查人员的真实性。",
    ]


def render_pdf(inspection: Inspection) -> bytes:
    import segno
    from fpdf import FPDF

    font = find_cjk_font()
    if font is None:
        raise FontUnavailable
    c = inspection.notice_content
    pdf = FPDF(format="A4")
    pdf.set_margins(25, 25, 25)
    pdf.set_auto_page_break(True, margin=25)
    pdf.add_font("cjk", "", font.regular, collection_font_number=font.index)
    pdf.add_font("cjk", "B", font.bold, collection_font_number=font.bold_index)
    pdf.set_title(f"检查通知书 {c['number']}")
    pdf.add_page()
    pdf.set_text_color(180, 0, 0)
    pdf.set_font("cjk", "B", 20)
    pdf.cell(0, 12, c["agency"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(180, 0, 0)
    pdf.line(25, pdf.get_y() + 2, 185, pdf.get_y() + 2)
    pdf.ln(6)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("cjk", "B", 18)
    pdf.cell(0, 12, "检查通知书", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", "", 11)
    pdf.cell(0, 8, c["number"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("cjk", "", 13)
    pdf.multi_cell(0, 8, f"{c['object_name']}：", new_x="LMARGIN", new_y="NEXT")
    for text in paragraphs(c):
        pdf.multi_cell(0, 8, "　　" + text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.ln(6)
    pdf.cell(0, 8, c["agency"], align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, _d(c["issued_on"]), align="R", new_x="LMARGIN", new_y="NEXT")
    buf = io.BytesIO()
    segno.make(verify_url(inspection), error="m").save(buf, kind="png", scale=4, border=2)
    buf.seek(0)
    y = pdf.get_y() + 4
    pdf.image(buf, x=25, y=y, w=32)
    pdf.set_xy(60, y + 8)
    pdf.set_font("cjk", "", 9)
    pdf.set_text_color(110, 110, 110)
    pdf.multi_cell(125, 5, "扫码核验（扫码入企）：" + verify_url(inspection))
    return bytes(pdf.output())
