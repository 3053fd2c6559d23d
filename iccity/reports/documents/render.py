"""Render a docxtpl template with a context and post-process the result (``layout.finish``).

Rendering goes through ``core.templating`` (sandboxed Jinja, no globals, tags checked first): templates are uploaded
by the office and must never run code on the server."""
from __future__ import annotations

import io
import zipfile

from docx import Document

from . import layout


class TemplateError(Exception):
    """A template that is not a .docx or that docxtpl cannot render; the message is Chinese, for the office."""


def render(template: bytes, context: dict, *, allowed=None) -> bytes:
    """``allowed``: the only variable names the template may read (the upload check passes the sample's keys)."""
    from jinja2 import TemplateError as JinjaError
    from jinja2.exceptions import SecurityError

    from iccity.core import templating, uploads

    if not zipfile.is_zipfile(io.BytesIO(template)):
        raise TemplateError("模板不是有效的 Word（.docx）文件")
    try:
        uploads.check_zip(template)  # a stored template is checked again: it may have bypassed the upload
        rendered = io.BytesIO(templating.render_docx(template, context, allowed=allowed))
    except uploads.UploadRefused as exc:
        raise TemplateError(str(exc)) from exc
    except templating.TemplateRefused as exc:
        raise TemplateError(str(exc)) from exc
    except SecurityError as exc:
        raise TemplateError(f"模板试图访问不允许的内容，已停止生成（{exc}）") from exc
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
