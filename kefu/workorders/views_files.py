"""Serving attachments: only after the work order's visibility check, audited as a read, never inline."""

from __future__ import annotations

from typing import Any

from kefu.audit.choices import AuditKind
from kefu.audit.services import record
from kefu.common.errors import NotFound
from kefu.common.files import StreamedFileResponse


def attachment_response(request: Any, att: Any) -> StreamedFileResponse:
    if att is None:
        raise NotFound()
    record(actor=request.user, action="workorder.attachment_read", obj=att.workorder, kind=AuditKind.READ,
           changes={"attachment": att.pk, "name": att.original_name})
    response = StreamedFileResponse(att.file.open("rb"), as_attachment=True, filename=att.original_name,
                                    content_type=att.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
