"""The licence as a PDF: the fields, the signature details, a QR code to the public verification
page, and the signed JSON export embedded as the attachment `licence.json`, so the file itself
can be verified offline (with OpenSSL, see docs/licences.md) or by uploading it to the platform."""

from __future__ import annotations

import datetime as dt
import io
import json

from tongban.catalog.documents import FontUnavailable, find_cjk_font

from . import signing
from .models import Licence


def _d(iso: str | None) -> str:
    if not iso:
        return "长期有效"
    day = dt.date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def qr_png(url: str, scale: int = 5) -> bytes:
    import segno

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()


def filename(licence: Licence, ext: str) -> str:
    return f"{licence.licence_type.name}-{licence.number}.{ext}"


def render_pdf(licence: Licence) -> bytes:
    from fpdf import FPDF

    font = find_cjk_font()
    if font is None:
        raise FontUnavailable
    payload = licence.payload
    export = signing.export(licence)
    pdf = FPDF(format="A4")
    pdf.set_margins(22, 22, 22)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("cjk", "", font.regular, collection_font_number=font.index)
    pdf.add_font("cjk", "B", font.bold, collection_font_number=font.bold_index)
    pdf.set_title(f"{payload['type']['name']} {payload['number']}")
    pdf.set_subject("通办电子证照")
    pdf.set_creator("通办 Tongban")
    pdf.add_page()
    # A double red frame, as on the paper certificate.
    pdf.set_draw_color(170, 20, 20)
    pdf.set_line_width(1.2)
    pdf.rect(12, 12, 186, 273)
    pdf.set_line_width(0.3)
    pdf.rect(15, 15, 180, 267)

    pdf.set_text_color(170, 20, 20)
    pdf.set_font("cjk", "B", 24)
    pdf.ln(6)
    pdf.cell(0, 14, payload["type"]["name"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(60, 60, 60)
    pdf.set_font("cjk", "", 11)
    pdf.cell(0, 7, f"证照编号：{payload['number']}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)

    rows = [("持证主体", payload["holder"]["name"]), ("主体代码", payload["holder"]["code"])]
    rows += [(f["label"], f["value"] or "—") for f in payload["fields"]]
    rows += [("签发机关", payload["issuer"]["name"]), ("签发日期", _d(payload["issued_on"])),
             ("有效期", f"{_d(payload['valid_from'])} 至 {_d(payload['valid_until'])}" if payload["valid_until"]
              else f"{_d(payload['valid_from'])} 起长期有效")]
    pdf.set_text_color(0, 0, 0)
    label_w, value_w = 40, 126
    for label, value in rows:
        pdf.set_font("cjk", "B", 12)
        y = pdf.get_y()
        pdf.set_fill_color(248, 240, 240)
        pdf.multi_cell(label_w, 9, label, border=1, fill=True, new_x="RIGHT", new_y="TOP", max_line_height=9)
        pdf.set_font("cjk", "", 12)
        pdf.set_xy(22 + label_w, y)
        pdf.multi_cell(value_w, 9, str(value), border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)

    top = pdf.get_y()
    pdf.image(io.BytesIO(qr_png(export["verify_url"])), x=22, y=top, w=38, h=38)
    pdf.set_xy(64, top + 2)
    pdf.set_font("cjk", "B", 11)
    pdf.cell(0, 7, "扫码核验证照真伪和状态", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(64)
    pdf.set_font("cjk", "", 8)
    pdf.set_text_color(90, 90, 90)
    pdf.multi_cell(124, 4.5, (
        f"签名算法：SM2 / SM3（签名者标识 {export['signer_id']}，DER 编码）\n"
        f"签名密钥：{export['key_id']}\n公钥：{export['public_key_url']}\n"
        f"本文件附带签名数据 licence.json，可上传至平台或用 OpenSSL 离线核验。"
    ), new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(top + 44)
    pdf.set_font("cjk", "", 7)
    pdf.multi_cell(0, 3.5, "签名值：" + licence.signature, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(250)
    pdf.set_text_color(170, 20, 20)
    pdf.set_font("cjk", "B", 13)
    pdf.cell(0, 8, payload["issuer"]["name"], align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, _d(payload["issued_on"]), align="R", new_x="LMARGIN", new_y="NEXT")

    body = json.dumps(export, ensure_ascii=False, indent=2).encode("utf-8")
    pdf.embed_file(bytes=body, basename="licence.json", mime_type="application/json",
                   desc="通办电子证照签名数据")
    return bytes(pdf.output())
