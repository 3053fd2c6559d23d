"""Render a docxtpl template with a context and post-process the result (``layout.finish``)."""
from __future__ import annotations

import io
import zipfile

from docx import Document

from . import layout


class TemplateError(Exception):
    """A template that is not a .docx or that docxtpl cannot render; the message is Chinese, for the office."""


def render(template: bytes, context: dict) -> bytes:
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError as JinjaError

    if not zipfile.is_zipfile(io.BytesIO(template)):
        raise TemplateError("模板不是有效的 Word（.docx）文件")
    try:
        doc = DocxTemplate(io.BytesIO(template))
        doc.render(context, autoescape=True)
        rendered = io.BytesIO()
        doc.save(rendered)
    except JinjaError as exc:
        line = getattr(exc, "lineno", None)
        raise TemplateError(f"模板标记有误：{exc.message if hasattr(exc, 'message') else exc}"
                            + (f"（第{line}处）" if line else "")) from exc
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise TemplateError(f"模板无法读取：{exc}") from exc
    # python-docx pass: fonts the template could not carry, page numbers, odd/even footers
    final = Document(io.BytesIO(rendered.getvalue()))
    layout.finish(final)
    out = io.BytesIO()
    final.save(out)
    return out.getvalue()
