"""The guide as a Word (.docx) or PDF document, with the same sections as the guide page.

PDF needs a font with Chinese glyphs. It is looked up at run time: $TONGBAN_CJK_FONT, then the
usual Debian locations, then fontconfig (`fc-list :lang=zh`). Without one, `FontUnavailable`
is raised and the view answers 503 with a message in Chinese.
"""

from __future__ import annotations

import functools
import io
import logging
import os
import shutil
import subprocess
from dataclasses import dataclass

from django.utils import timezone

from .models import ItemVersion
from .selectors import omittable_ids

log = logging.getLogger(__name__)
# fontTools logs every glyph subset at INFO; that is noise in the server log.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
]


class FontUnavailable(Exception):
    message = "服务器未安装中文字体，暂时无法生成 PDF，请下载 Word 版办事指南或联系管理员。"


@dataclass(frozen=True)
class CjkFont:
    regular: str
    bold: str
    index: int
    bold_index: int


@functools.lru_cache(maxsize=8)
def _collection_index(path: str) -> int:
    """In a .ttc, the face for Simplified Chinese (Noto CJK ships JP, KR, SC, TC, HK)."""
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    try:
        from fontTools.ttLib import TTCollection

        collection = TTCollection(path, lazy=True)
        for n, font in enumerate(collection.fonts):
            family = font["name"].getDebugName(1) or ""
            if family.endswith((" SC", " CN")) or "简" in family:
                return n
    except Exception:  # a collection we can't read: the first face is the best guess
        log.warning("cannot read font collection %s", path, exc_info=True)
    return 0


def _fontconfig_font() -> str | None:
    if not shutil.which("fc-list"):
        return None
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted(
        line.split(":")[0].strip()
        for line in out.splitlines()
        if line.strip().lower().endswith((".ttf:", ".ttc:", ".otf:", ".ttf", ".ttc", ".otf"))
    )
    regular = [f for f in files if "bold" not in f.lower()]
    return (regular or files or [None])[0]


def find_cjk_font() -> CjkFont | None:
    configured = os.environ.get("TONGBAN_CJK_FONT", "").strip()
    if configured:
        if not os.path.isfile(configured):
            log.error("TONGBAN_CJK_FONT=%s does not exist", configured)
            return None
        path = configured
    else:
        path = next((p for p in FONT_CANDIDATES if os.path.isfile(p)), None) or _fontconfig_font()
        if path is None:
            return None
    bold = path.replace("Regular", "Bold")
    if bold == path or not os.path.isfile(bold):
        bold = path
    return CjkFont(path, bold, _collection_index(path), _collection_index(bold))


# --- the guide's content, shared by both formats -----------------------------------------


def _fee_text(version: ItemVersion) -> str:
    if version.is_free:
        return "不收费"
    return "；".join(f"{f.name}：{f.standard}" for f in version.fees.all())


def basic_rows(version: ItemVersion) -> list[tuple[str, str]]:
    item = version.item
    trips = "零跑腿（无需到现场）" if version.visits == 0 else f"最多跑 {version.visits} 次"
    return [
        ("事项名称", version.name),
        ("基本编码", item.base_code),
        ("实施编码", item.implementation_code),
        ("事项类型", version.get_kind_display()),
        ("服务对象", version.get_applicant_type_display()),
        ("主题分类", version.topic or "—"),
        ("实施机构", item.organisation.label),
        ("法定办结时限", f"{version.legal_limit_days} 个工作日"),
        ("承诺办结时限", f"{version.promised_limit_days} 个工作日"),
        ("受理时限", f"{version.acceptance_limit_days} 个工作日"),
        ("到现场次数", trips),
        ("网上办理", version.get_online_depth_display()),
        ("收费", _fee_text(version)),
        ("办理地点", version.place or "—"),
        ("办理时间", version.hours or "—"),
        ("咨询电话", version.consult_phone or "—"),
        ("投诉电话", version.complaint_phone or "—"),
        ("审批结果", version.result_name or "—"),
    ]


def material_rows(version: ItemVersion) -> list[list[str]]:
    omittable = omittable_ids(version)
    rows = []
    for n, m in enumerate(version.materials.all(), 1):
        need = "必须" if m.required else f"有条件：{m.condition}"
        source = m.source or "申请人自备"
        if m.pk in omittable:  # only what the application form really does without
            source += "（可免提交：由部门共享或电子证照获取）"
        rows.append([str(n), m.name, m.get_form_display(), str(m.copies), need, source])
    return rows


def stage_rows(version: ItemVersion) -> list[list[str]]:
    return [
        [str(n), s.name, f"{s.limit_days} 个工作日", s.description or ""]
        for n, s in enumerate(version.stages.all(), 1)
    ]


def fee_rows(version: ItemVersion) -> list[list[str]]:
    return [
        [f.name, f.standard, f"{f.amount} 元" if f.amount is not None else "按标准计算", f.basis]
        for f in version.fees.all()
    ]


def _version_line(version: ItemVersion) -> str:
    date = timezone.localtime(version.published_at).date() if version.published_at else None
    return f"第 {version.number} 版" + (f" · {date:%Y年%m月%d日}发布" if date else "（草稿）")


def filename(version: ItemVersion, ext: str) -> str:
    return f"{version.name}-办事指南-v{version.number}.{ext}"


# --- Word ---------------------------------------------------------------------------------


def render_docx(version: ItemVersion) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid"):
        style = doc.styles[style_name]
        style.font.name = "SimSun"
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), "宋体")
    doc.styles["Normal"].font.size = Pt(10.5)

    title = doc.add_heading(version.name, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph(
        f"办事指南 · {version.item.organisation.label} · {_version_line(version)}"
    )
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def table(headers: list[str] | None, rows: list[list[str]]) -> None:
        t = doc.add_table(rows=0, cols=len(rows[0]) if rows else len(headers or [1]))
        t.style = "Table Grid"
        if headers:
            cells = t.add_row().cells
            for cell, text in zip(cells, headers, strict=True):
                cell.text = text
                for run in cell.paragraphs[0].runs:
                    run.bold = True
        for row in rows:
            for cell, text in zip(t.add_row().cells, row, strict=True):
                cell.text = text

    doc.add_heading("一、基本信息", level=1)
    table(None, [list(r) for r in basic_rows(version)])
    doc.add_heading("二、设定依据", level=1)
    for line in version.legal_basis_lines:
        doc.add_paragraph(line, style="List Bullet")
    doc.add_heading("三、受理条件", level=1)
    for line in version.conditions.splitlines():
        if line.strip():
            doc.add_paragraph(line.strip())
    doc.add_heading("四、申请材料", level=1)
    rows = material_rows(version)
    if rows:
        table(["序号", "材料名称", "形式", "份数", "是否必须", "来源"], rows)
    doc.add_heading("五、办理流程", level=1)
    rows = stage_rows(version)
    if rows:
        table(["序号", "环节", "时限", "说明"], rows)
    doc.add_heading("六、收费", level=1)
    if version.is_free:
        doc.add_paragraph("本事项不收费。")
    else:
        table(["收费项目", "收费标准", "金额", "收费依据"], fee_rows(version))
    doc.add_heading("七、审批结果", level=1)
    doc.add_paragraph(version.result_name or "—")
    doc.add_paragraph(
        f"咨询电话：{version.consult_phone or '—'}　投诉电话：{version.complaint_phone or '—'}"
    )
    buffer = io.BytesIO()
    doc.core_properties.title = f"{version.name} 办事指南"
    doc.save(buffer)
    return buffer.getvalue()


# --- PDF ----------------------------------------------------------------------------------


def render_pdf(version: ItemVersion) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    font = find_cjk_font()
    if font is None:
        raise FontUnavailable()
    pdf = FPDF(format="A4")
    pdf.set_title(f"{version.name} 办事指南")
    pdf.set_creator("通办 Tongban")
    pdf.add_font("cjk", "", font.regular, collection_font_number=font.index)
    pdf.add_font("cjk", "B", font.bold, collection_font_number=font.bold_index)
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_margins(18, 18, 18)
    pdf.add_page()
    pdf.set_font("cjk", "B", 18)
    pdf.multi_cell(0, 10, version.name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", "", 10)
    pdf.set_text_color(90, 90, 90)
    pdf.multi_cell(
        0,
        6,
        f"办事指南 · {version.item.organisation.label} · {_version_line(version)}",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_text_color(0, 0, 0)
    head = FontFace(emphasis="BOLD", fill_color=(238, 242, 247))

    def heading(text: str) -> None:
        pdf.ln(4)
        pdf.set_font("cjk", "B", 13)
        pdf.set_text_color(143, 26, 36)
        pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("cjk", "", 10)

    def paragraph(text: str) -> None:
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")

    def table(headers: list[str] | None, rows: list[list[str]], widths: tuple[int, ...]) -> None:
        with pdf.table(
            col_widths=widths,
            headings_style=head,
            first_row_as_headings=headers is not None,
            line_height=6,
            text_align="LEFT",
        ) as t:
            for row in ([headers] if headers else []) + rows:
                r = t.row()
                for text in row:
                    r.cell(text)

    heading("一、基本信息")
    table(None, [list(r) for r in basic_rows(version)], (30, 120))
    heading("二、设定依据")
    for line in version.legal_basis_lines:
        paragraph(f"· {line}")
    heading("三、受理条件")
    for line in version.conditions.splitlines():
        if line.strip():
            paragraph(line.strip())
    heading("四、申请材料")
    rows = material_rows(version)
    if rows:
        table(
            ["序号", "材料名称", "形式", "份数", "是否必须", "来源"], rows, (10, 55, 18, 10, 30, 32)
        )
    heading("五、办理流程")
    rows = stage_rows(version)
    if rows:
        table(["序号", "环节", "时限", "说明"], rows, (10, 35, 25, 80))
    heading("六、收费")
    if version.is_free:
        paragraph("本事项不收费。")
    else:
        table(["收费项目", "收费标准", "金额", "收费依据"], fee_rows(version), (30, 55, 20, 45))
    heading("七、审批结果")
    paragraph(version.result_name or "—")
    paragraph(
        f"咨询电话：{version.consult_phone or '—'}　投诉电话：{version.complaint_phone or '—'}"
    )
    return bytes(pdf.output())
