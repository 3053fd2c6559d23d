"""Word templates (docxtpl) rendered in a sandbox: the one place every ``DocxTemplate.render`` goes through.

Why: an office user can upload a template, and plain Jinja runs whatever the template reaches for
(``{{ cycler.__init__.__globals__.os.popen('id').read() }}`` ran as the server user). Two layers:

* ``check_source`` — on upload (and again before every render) the template's tags are parsed and refused, with a
  Chinese message naming the offending tag, when they read a ``_``-attribute, a Jinja global (cycler, joiner,
  namespace, lipsum, range…), a well-known server object (self, request, config, settings…) or, when the caller
  says which names the context has, any variable that is not one of them.
* ``render_docx`` — renders in an ``ImmutableSandboxedEnvironment`` with no globals at all, so a stored template
  that bypassed the upload check still cannot reach Python internals; ``*``/``**`` on huge operands are refused so a
  template cannot make the server build a gigabyte string.
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterable

from jinja2 import nodes
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment

# Jinja's default globals and the names people try first; refused even when a caller forgets to list context names.
FORBIDDEN_NAMES = frozenset({
    "cycler", "joiner", "namespace", "lipsum", "range", "dict", "self", "request", "config", "settings", "os", "sys",
    "g", "session", "environment", "env", "app", "builtins", "__builtins__", "import", "eval", "exec", "open",
    "getattr", "globals", "locals", "vars", "super", "caller",
})
FORBIDDEN_ATTRS = frozenset({"mro", "func_globals", "f_globals", "gi_frame", "gi_code", "cr_frame", "tb_frame",
                             "f_back", "f_locals", "co_code", "format", "format_map"})
MAX_REPEAT = 100_000  # the longest string/list ``*`` may build (characters or items)
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


class TemplateRefused(Exception):
    """A template that reaches outside the data it is given; the message is Chinese, for the office."""


class _Sandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
            raise SecurityError("模板中的乘方过大")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and len(seq) * count > MAX_REPEAT:
                    raise SecurityError("模板中的重复次数过大")
        return super().call_binop(context, operator, left, right)


def sandbox(autoescape: bool = True) -> ImmutableSandboxedEnvironment:
    """A fresh sandboxed environment with no globals: the template sees only the context passed to ``render``."""
    env = _Sandbox(autoescape=autoescape)
    env.globals.clear()
    return env


def _patched_parts(doc) -> Iterable[str]:
    """The XML of every part docxtpl renders (body, headers, footers, footnotes, core properties), tags patched."""
    yield doc.patch_xml(doc.get_xml())
    for uri in (doc.HEADER_URI, doc.FOOTER_URI):
        for _rel, part in doc.get_headers_footers(uri):
            yield doc.patch_xml(doc.get_part_xml(part))
    for part in doc.docx.part.package.parts:
        if part.content_type.endswith("footnotes+xml"):
            blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
            yield doc.patch_xml(blob)
    props = doc.docx.core_properties
    for name in ("author", "comments", "identifier", "language", "subject", "title"):
        yield getattr(props, name) or ""


def _tag_on_line(source: str, lineno: int, needle: str) -> str:
    """The tag (as the office sees it, XML removed) on ``lineno`` that mentions ``needle``."""
    lines = source.splitlines()
    text = re.sub(r"<[^>]+>", "", lines[lineno - 1] if 0 < lineno <= len(lines) else source)
    tags = _TAG.findall(text) or _TAG.findall(re.sub(r"<[^>]+>", "", source))
    for tag in tags:
        if needle in tag:
            return tag.strip()
    return tags[0].strip() if tags else needle


def _check_ast(tree, source: str, allowed: frozenset[str] | None) -> None:
    from jinja2 import meta

    for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        word = {"Include": "include", "Import": "import", "FromImport": "from", "Extends": "extends"}[type(node).__name__]
        tag = _tag_on_line(source, node.lineno, word)
        raise TemplateRefused(f"模板标记“{tag}”试图引用其他模板，不允许；请把内容直接写在本模板中")

    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Const)):
        if isinstance(node, nodes.Const):
            # dunder names passed as strings: x|attr("__class__"), map(attribute="__globals__"), x["__init__"]
            bad = node.value if isinstance(node.value, str) and node.value.startswith("__") else None
        elif isinstance(node, nodes.Getattr):
            bad = node.attr if node.attr.startswith("_") or node.attr in FORBIDDEN_ATTRS else None
        else:
            key = node.arg.value if isinstance(node.arg, nodes.Const) else None
            bad = key if isinstance(key, str) and (key.startswith("_") or key in FORBIDDEN_ATTRS) else None
        if bad is not None:
            tag = _tag_on_line(source, node.lineno, bad)
            raise TemplateRefused(f"模板标记“{tag}”试图访问“{bad}”，出于安全原因不允许；模板只能使用平台提供的数据字段")
    # names the template reads without defining them (loop variables and {% set %} are its own); ``self`` is
    # special to Jinja and never "undeclared", so forbidden names are judged on every read that the template
    # did not assign itself
    own = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    undeclared = meta.find_undeclared_variables(tree) - {"loop"}
    reads = {n.name for n in tree.find_all(nodes.Name) if n.ctx == "load"} - own
    for name in sorted(reads):
        if name in FORBIDDEN_NAMES or name.startswith("_"):
            tag = _tag_on_line(source, _first_line(tree, name), name)
            raise TemplateRefused(f"模板标记“{tag}”试图访问“{name}”，出于安全原因不允许；模板只能使用平台提供的数据字段")
    if allowed is not None:
        for name in sorted(undeclared - allowed):
            tag = _tag_on_line(source, _first_line(tree, name), name)
            raise TemplateRefused(f"模板标记“{tag}”使用了未提供的数据“{name}”；可用的字段：{'、'.join(sorted(allowed))}")


def _first_line(tree, name: str) -> int:
    return next((n.lineno for n in tree.find_all(nodes.Name) if n.name == name), 0)


def check_source(source: str, allowed: Iterable[str] | None = None, env=None) -> None:
    """Refuse template text whose tags reach for attributes/globals (or, given ``allowed``, unknown names)."""
    env = env or sandbox()
    # docxtpl splits paragraphs onto lines before rendering; do the same so line numbers point at the right tag
    source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        tag = _tag_on_line(source, exc.lineno or 0, "")
        raise TemplateRefused(f"模板标记有误：{exc.message}（“{tag}”附近）") from exc
    _check_ast(tree, source, frozenset(allowed) if allowed is not None else None)


def check_docx(data: bytes, allowed: Iterable[str] | None = None) -> None:
    """``check_source`` over every part of a .docx template that docxtpl would render."""
    from docxtpl import DocxTemplate

    _check_doc(DocxTemplate(io.BytesIO(data)), allowed)


def _check_doc(doc, allowed: Iterable[str] | None) -> None:
    doc.render_init()
    env = sandbox()
    allowed = frozenset(allowed) if allowed is not None else None
    for source in _patched_parts(doc):
        check_source(source, allowed, env)


def render_docx(template, context: dict, *, allowed: Iterable[str] | None = None) -> bytes:
    """Render a docxtpl template (bytes, path or file) in the sandbox with only ``context``; returns the .docx bytes.

    Raises ``TemplateRefused`` for a template that reaches outside its data, before anything is rendered, and
    ``jinja2.exceptions.SecurityError`` if the sandbox stops something the static check did not see."""
    from docxtpl import DocxTemplate

    data = template if isinstance(template, bytes) else (template.read_bytes() if hasattr(template, "read_bytes")
                                                          else template.read())
    doc = DocxTemplate(io.BytesIO(data))
    _check_doc(doc, allowed)
    doc.render(context, jinja_env=sandbox(autoescape=True))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
