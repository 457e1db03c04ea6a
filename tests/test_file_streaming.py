"""Downloads stream chunk by chunk under ASGI (recordings, attachments, exports, prompt audio)."""

from __future__ import annotations

import asyncio
import warnings
from concurrent.futures import ThreadPoolExecutor

from kefu.common.files import StreamedFileResponse


def test_a_file_is_sent_in_chunks_under_asgi_not_read_whole_first(tmp_path):
    path = tmp_path / "recording.wav"
    data = bytes(range(256)) * 1024  # 256 KiB
    path.write_bytes(data)
    fh = path.open("rb")
    response = StreamedFileResponse(fh, content_type="audio/wav")
    assert response["Content-Length"] == str(len(data))

    async def first_then_rest():
        chunks = response.__aiter__()  # what Django's ASGI handler iterates
        first = await chunks.__anext__()
        read_so_far = fh.tell()
        return first, read_so_far, [chunk async for chunk in chunks]

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Django warns when it has to read a synchronous iterator whole
        # A thread of its own: a session-wide browser fixture keeps an event loop running in the main thread.
        with ThreadPoolExecutor(1) as thread:
            first, read_so_far, rest = thread.submit(asyncio.run, first_then_rest()).result()
    assert len(first) == read_so_far == StreamedFileResponse.block_size < len(data)
    assert first + b"".join(rest) == data
    response.close()
    assert fh.closed


def test_under_wsgi_it_is_a_plain_file_response(tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"x" * 100_000)
    response = StreamedFileResponse(path.open("rb"), as_attachment=True, filename="export.xlsx")
    assert b"".join(response.streaming_content) == b"x" * 100_000
    assert "attachment" in response["Content-Disposition"]
    response.close()
