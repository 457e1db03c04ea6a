"""File downloads that stream under ASGI as they do under WSGI."""

from __future__ import annotations

from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from django.http import FileResponse


class StreamedFileResponse(FileResponse):
    """A ``FileResponse`` that the ASGI handler sends chunk by chunk.

    Django's ASGI handler reads a plain ``FileResponse`` (a synchronous iterator) whole into memory before
    sending the first byte (``sync_to_async(list)``, with a warning): an hour of call recording is ~57 MB
    per listener. Here each chunk is read off the event loop as it is sent. Under WSGI and in tests it is a
    ``FileResponse``.
    """

    block_size = 64 * 1024  # one thread hop per 64 KiB, not per 4 KiB

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunks = iter(self.streaming_content)
        read = sync_to_async(next, thread_sensitive=False)
        while (chunk := await read(chunks, None)) is not None:
            yield chunk
