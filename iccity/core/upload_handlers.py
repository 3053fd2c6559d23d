"""Upload size limits enforced while the body streams, per endpoint, with memory kept flat.

Why: a 100 MB evidence file was refused ("上限为 20 MB") only after the whole body sat in memory (+92 MB), and a
killed upload left its partial file behind. Here:

* ``LimitedUploadHandler`` (the only entry of ``FILE_UPLOAD_HANDLERS``) writes every file to a temporary file on
  disk in 64 KB chunks, never to memory, and stops the upload (``StopUpload``) the moment a file passes its
  endpoint's limit — or before reading anything when the declared Content-Length already exceeds the request cap.
  Django closes (and so deletes) the temporary file of a stopped upload.
* ``UploadLimitMiddleware`` parses multipart requests before any view, so a refused upload gets one answer — 413
  with the Chinese message (JSON under /api/) — and an audit record, instead of each view guessing why FILES is empty.
* ``upload_limit`` names each upload endpoint's limit once, from the same constants/rules the actions check.

Temporary uploads live in ``FILE_UPLOAD_TEMP_DIR`` (under var/, not media/), so ``iccity sweep_uploads`` can remove
what a killed worker left there and the evidence store's stale ``.part`` files.
"""
from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.datastructures import MultiValueDict
from django.utils.module_loading import import_string

MB = 1024 * 1024
# URL name → the per-file limit: bytes, a setting's name, or a function returning bytes. Each app adds its upload
# endpoints in AppConfig.ready() through register_limit (the kernel names no app).
ENDPOINT_LIMITS: dict[str, object] = {}
DEFAULT_FILE_LIMIT = 10 * MB  # any other multipart endpoint (e.g. the admin)
FILES_PER_REQUEST: dict[str, int] = {}  # how many files at the limit one request may carry (default one)
FORM_OVERHEAD = 1 * MB  # the other fields and multipart headers


def register_limit(endpoint: str, limit, *, files: int = 1) -> None:
    """``endpoint`` (a URL name) accepts files up to ``limit``, ``files`` of them per request."""
    ENDPOINT_LIMITS[endpoint] = limit
    if files != 1:
        FILES_PER_REQUEST[endpoint] = files


def _endpoint(request) -> str:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return ""


def upload_limit(request) -> tuple[int, int]:
    """(per-file limit, whole-request cap) in bytes for this request's endpoint."""
    endpoint = _endpoint(request)
    spec = getattr(settings, "ICCITY_UPLOAD_LIMITS", {}).get(endpoint, ENDPOINT_LIMITS.get(endpoint, DEFAULT_FILE_LIMIT))
    per_file = _resolve(spec)
    return per_file, per_file * FILES_PER_REQUEST.get(endpoint, 1) + FORM_OVERHEAD


def largest_request_cap() -> int:
    """What nginx's client_max_body_size should be: the largest request any upload endpoint accepts."""
    return max(_resolve(spec) * FILES_PER_REQUEST.get(endpoint, 1) + FORM_OVERHEAD
               for endpoint, spec in ENDPOINT_LIMITS.items())


def _resolve(spec) -> int:
    if isinstance(spec, str):
        spec = getattr(settings, spec) if spec.isupper() else import_string(spec)
    return int(spec() if callable(spec) else spec)


def _mb(n: int) -> str:
    return f"{n // MB} MB" if n % MB == 0 else f"{n / MB:.1f} MB"


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Every uploaded file goes to a temporary file on disk; the upload stops as soon as a file is over the limit."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.file_limit, self.request_cap = upload_limit(self.request)
        if content_length and content_length > self.request_cap:
            # refused from the declared length alone: nothing of the body is read or stored
            _refuse(self.request, f"上传内容共 {content_length / MB:.1f} MB，超过一次上传的总量上限 {_mb(self.request_cap)}"
                                  f"（单个文件上限为 {_mb(self.file_limit)}），请分批上传", declared=content_length)
            return QueryDict(encoding=encoding), MultiValueDict()
        return None

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.file_limit:
            _refuse(self.request, f"文件“{self.file_name}”过大，上限为 {_mb(self.file_limit)}", received=start + len(raw_data))
            # Django deletes the temporary file. connection_reset: Django's own drain iterates the body by lines,
            # and a binary body has none — it would read the whole rest into memory; the middleware drains in chunks
            raise StopUpload(connection_reset=True)
        return super().receive_data_chunk(raw_data, start)


def _refuse(request, message: str, **facts) -> None:
    if request is not None:
        request.upload_refused = message
        request.upload_refused_facts = facts


class UploadLimitMiddleware:
    """Parse multipart bodies before the view (through ``LimitedUploadHandler``) and answer a refused one here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH") and request.content_type == "multipart/form-data":
            try:
                request.FILES  # noqa: B018 - parsing now, with the limits of this endpoint
            except Exception:
                # the client went away mid-upload (or sent garbage): the file being written is not in FILES yet,
                # so close it here — closing a temporary upload deletes it
                for handler in getattr(request, "_upload_handlers", []) or []:
                    if getattr(handler, "file", None) is not None:
                        handler.file.close()
                raise
            message = getattr(request, "upload_refused", None)
            if message:
                self._drain(request)
                return self._refused(request, message)
        return self.get_response(request)

    @staticmethod
    def _drain(request) -> None:
        """Read and drop the rest of a stopped body in 64 KB chunks (memory flat), so the client, which is still
        sending, receives the 413 page. A body refused on its declared length is not drained (it is over the cap)."""
        if request.upload_refused_facts.get("declared"):
            return
        stream = getattr(request, "_stream", None)
        while stream is not None and stream.read(64 * 1024):
            pass

    def _refused(self, request, message: str):
        from .actions import record_audit

        user = getattr(request, "user", None)
        record_audit(user if getattr(user, "is_authenticated", False) else None, "core.upload.refused", None,
                     after={"path": request.path[:200], "limit": upload_limit(request)[0], **request.upload_refused_facts},
                     note=message)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=413)
        return render(request, "core/upload_refused.html", {"message": message}, status=413)
