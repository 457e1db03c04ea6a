"""Helpers shared by the staff and public pages."""

from __future__ import annotations

from django.utils.http import content_disposition_header

from kefu.common.files import StreamedFileResponse


def attachment_response(attachment) -> StreamedFileResponse:
    response = StreamedFileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
