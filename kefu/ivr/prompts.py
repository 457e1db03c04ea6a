"""Prompt audio: Mandarin WAV (8 kHz, mono, 16-bit PCM, what Asterisk plays natively) generated offline
with espeak-ng, cached under ``var/ivr/prompts/`` by a hash of the text.

A recorded human prompt replaces the synthetic one when ``recorded/<hash>.wav`` exists in the same folder
(``manage.py ivr_prompts --list`` prints each text with its hash). Without espeak-ng every prompt is
text-only: the HTTP API returns ``audio_url: null`` and the FastAGI server skips STREAM FILE. Prompts that
carry customer data (balances, account tails) are never rendered to files; they are read back with SAY
DIGITS or by the PBX's own TTS.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess  # noqa: S404 (fixed argv, no shell)
import tempfile
import threading
import wave
from collections.abc import Sequence
from pathlib import Path
from time import monotonic
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver

from kefu.common import refcache

from . import conf
from .engine.types import Prompt

logger = logging.getLogger("kefu.ivr.prompts")
SAMPLE_RATE = 8000
_pending: set[str] = set()
_lock = threading.Lock()


def text_hash(text: str) -> str:
    return hashlib.sha256(f"{conf.espeak_voice()}|{text}".encode()).hexdigest()[:24]


def prompt_dir() -> Path:
    return conf.prompt_dir()


# text -> (monotonic expiry, file or None). Every prompt of every step asks, on the FastAGI event loop:
# the settings look-ups, hash and two stat calls per prompt were ~10 % of the server's CPU at 200 calls. A
# recorded prompt dropped in by hand is picked up within FOUND_TTL_S; one rendered here at once
# (``synthesize``); a change of the prompt settings (tests) forgets everything.
_found: dict[str, tuple[float, Path | None]] = {}
FOUND_TTL_S = 30.0


def audio_file(text: str) -> Path | None:
    """The WAV to play for ``text``: a recorded one, else the synthetic one, if it exists."""
    now = monotonic()
    hit = _found.get(text)
    if hit is not None and hit[0] > now:
        return hit[1]
    folder, h = prompt_dir(), text_hash(text)
    found = next((p for p in (folder / "recorded" / f"{h}.wav", folder / f"{h}.wav") if p.exists()), None)
    if len(_found) > 10_000:  # bounded, whatever texts come by
        _found.clear()
    _found[text] = (now + FOUND_TTL_S, found)
    return found


def forget_audio(text: str | None = None) -> None:
    """Forget what :func:`audio_file` and :func:`agi_joined_file` remembered (one text, or all)."""
    refcache.forget_kind(JOINED)
    if text is None:
        _found.clear()
    else:
        _found.pop(text, None)


@receiver(setting_changed)
def _prompt_settings_changed(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("KEFU_IVR_"):
        forget_audio()


def espeak_available() -> bool:
    # Asked for every prompt of a live call: remember the PATH lookup for a minute.
    binary = conf.espeak_binary()
    return refcache.remember(("ivr.espeak_on_path", binary), 60.0, lambda: shutil.which(binary) is not None)


def synthesize(text: str) -> Path | None:
    """Render ``text`` now (idempotent); None when espeak-ng is missing or fails."""
    existing = audio_file(text)
    if existing:
        return existing
    binary = shutil.which(conf.espeak_binary())
    if not binary or not text.strip():
        return None
    target = prompt_dir() / f"{text_hash(text)}.wav"
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        try:
            subprocess.run([binary, "-v", conf.espeak_voice(), "-s", "150", "-w", str(raw), text],  # noqa: S603
                           check=True, capture_output=True, timeout=30)
            _to_8k_mono(raw, Path(tmp) / "out.wav")
            (Path(tmp) / "out.wav").replace(target)
            forget_audio(text)
        except (subprocess.SubprocessError, OSError, wave.Error):
            logger.warning("espeak-ng failed for a prompt", exc_info=True)
            return None
    return target


def _to_8k_mono(src: Path, dst: Path) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import audioop  # stdlib up to 3.12; enough for a one-off resample

    with wave.open(str(src), "rb") as w:
        channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
        frames = w.readframes(w.getnframes())
    if channels == 2:
        frames = audioop.tomono(frames, width, 0.5, 0.5)
    if width != 2:
        frames = audioop.lin2lin(frames, width, 2)
    if rate != SAMPLE_RATE:
        frames, _ = audioop.ratecv(frames, 2, 1, rate, SAMPLE_RATE, None)
    with wave.open(str(dst), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(frames)


def synthesize_later(text: str) -> None:
    """Render in a background thread so a live call never waits for espeak-ng."""
    h = text_hash(text)
    with _lock:
        if h in _pending or not espeak_available():
            return
        _pending.add(h)

    def work() -> None:
        try:
            synthesize(text)
        finally:
            with _lock:
                _pending.discard(h)

    threading.Thread(target=work, name="ivr-tts", daemon=True).start()


def audio_url(prompt: Prompt) -> str | None:
    if prompt.sensitive or not prompt.text:
        return None
    path = audio_file(prompt.text)
    if path is None:
        synthesize_later(prompt.text)
        return None
    return f"{conf.public_base_url()}/ivr/prompts/{path.stem}.wav"


def agi_file(prompt: Prompt) -> str | None:
    """The STREAM FILE argument (no extension) for Asterisk, or None when there is no audio."""
    if prompt.sensitive or not prompt.text:
        return None
    path = audio_file(prompt.text)
    if path is None:
        synthesize_later(prompt.text)
        return None
    prefix = conf.agi_prompt_prefix()
    sub = "recorded/" if path.parent.name == "recorded" else ""
    return f"{prefix}/{sub}{path.stem}"


JOINED = "ivr.joined_prompt"  # refcache kind: (JOINED, texts) -> STREAM FILE argument or None


def agi_joined_file(texts: Sequence[str]) -> str | None:
    """One STREAM FILE argument for consecutive prompts that all have audio: their WAVs joined into one file
    under ``joined/``, named by the sources and their versions (a recorded prompt dropped in later makes a
    new one). A menu of four segments is then one AGI round trip instead of four, and the caller hears no
    gap between them. None when a segment has no audio or the formats differ (the caller then streams the
    segments one by one)."""
    key = tuple(texts)
    return refcache.remember((JOINED, key), FOUND_TTL_S, lambda: _join(key))


def _join(texts: tuple[str, ...]) -> str | None:
    sources = [audio_file(text) for text in texts]
    if any(path is None for path in sources):
        return None
    try:
        stamp = "|".join(f"{p}:{p.stat().st_mtime_ns}:{p.stat().st_size}" for p in sources if p)
        target = prompt_dir() / "joined" / f"{hashlib.sha256(stamp.encode()).hexdigest()[:24]}.wav"
        if not target.exists():
            _write_joined([p for p in sources if p], target)
    except (OSError, wave.Error, ValueError):
        logger.warning("prompt segments could not be joined; streaming them one by one", exc_info=True)
        return None
    return f"{conf.agi_prompt_prefix()}/joined/{target.stem}"


def _write_joined(sources: list[Path], target: Path) -> None:
    frames, params = [], None
    for source in sources:
        with wave.open(str(source), "rb") as w:
            these = (w.getnchannels(), w.getsampwidth(), w.getframerate())
            if params is not None and these != params:
                raise ValueError(f"prompt {source.name} is {these}, not {params}")
            params = these
            frames.append(w.readframes(w.getnframes()))
    assert params is not None
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{threading.get_ident()}.part")
    with wave.open(str(partial), "wb") as out:
        out.setnchannels(params[0])
        out.setsampwidth(params[1])
        out.setframerate(params[2])
        out.writeframes(b"".join(frames))
    partial.replace(target)  # atomic: Asterisk never opens a half-written file


def playback_plan(prompts: Sequence[Prompt]) -> list[tuple[str, str]]:
    """The AGI commands that play ``prompts``: ("verbose", text), then ("stream", file) and ("digits",
    digits) in order.

    Segments without audio (none rendered yet, or customer data) are not heard: they go first, as one VERBOSE
    line for the PBX's log, with customer data as "[…]". The segments with audio between two read-backs
    of digits become one joined file. A step is then a few round trips, not one per segment."""
    files = [None if p.say_digits else agi_file(p) for p in prompts]
    silent = ["[…]" if p.sensitive else p.text for p, own in zip(prompts, files, strict=True)
              if not p.say_digits and own is None]
    plan: list[tuple[str, str]] = [("verbose", "".join(silent))] if silent else []
    run: list[tuple[str, str]] = []  # (text, own file) of the segments with audio since the last digits

    def flush() -> None:
        if len(run) > 1:
            joined = agi_joined_file([text for text, _ in run])
            plan.extend([("stream", joined)] if joined else [("stream", own) for _, own in run])
        elif run:
            plan.append(("stream", run[0][1]))
        run.clear()

    for prompt, own in zip(prompts, files, strict=True):
        if prompt.say_digits:
            flush()
            plan.append(("digits", prompt.say_digits))
        elif own is not None:
            run.append((prompt.text, own))
    flush()
    return plan


def prompt_payload(prompt: Prompt) -> dict[str, Any]:
    out: dict[str, Any] = {"text": prompt.text, "audio_url": audio_url(prompt)}
    if prompt.say_digits:
        out["say_digits"] = prompt.say_digits
    return out


def find_wav(stem: str) -> Path | None:
    if not stem.isalnum():
        return None
    for path in (prompt_dir() / "recorded" / f"{stem}.wav", prompt_dir() / f"{stem}.wav"):
        if path.exists():
            return path
    return None


def static_texts() -> list[str]:
    """Texts worth rendering ahead of time: every published flow's prompts and the engine's fixed phrases."""
    from .flows.defaults import DEFAULT_FLOW

    texts = {n.get("prompt", "") for n in DEFAULT_FLOW["nodes"]}
    texts |= {n.get("params", {}).get("welcome", "") for n in DEFAULT_FLOW["nodes"]}
    texts |= set(FIXED_PHRASES) | engine_phrases()
    try:
        from .choices import FlowStatus
        from .models import FlowNode

        for prompt, params in FlowNode.objects.filter(flow__status=FlowStatus.PUBLISHED).values_list("prompt", "params"):
            texts.add(prompt)
            texts.add((params or {}).get("welcome", ""))
    except Exception:  # build() runs without a database
        logger.debug("no database for published prompts")
    return sorted(t for t in texts if t)


def engine_phrases() -> set[str]:
    """Every literal the engine speaks (``S("...")`` in kefu/ivr/engine): read from its source, so a phrase
    added there is rendered ahead of time without being listed here too."""
    import ast

    found: set[str] = set()
    for source in (Path(__file__).parent / "engine").glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "S"
                    and len(node.args) == 1 and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.add(node.args[0].value)
    return found


# Phrases built at run time from settings (the PIN length) or kept for recorded prompts made before.
FIXED_PHRASES = [
    "请输入您的银行卡号或账号，以井号键结束。", "请输入6位电话银行密码，以井号键结束。", "验证通过。",
    "您没有按键。", "输入有误，", "多次输入未成功，", "正在为您转接人工服务，请稍候。", "感谢您的来电，再见。",
    "由于密码连续输错，您的电话银行服务已被锁定。转人工服务请按0，重听请按星号键，结束通话请按9。",
    "您尾号", "元", "角", "分", "。", "的活期账户可用余额为人民币", "请选择收款人：", "请选择转出账户：",
    "请输入转账金额，元以下金额请用星号键分隔，以井号键结束。", "转账已取消。", "挂失已取消。",
    "挂失银行卡请按1，挂失存折请按2，转人工服务请按0，重听请按星号键。", "请输入要挂失的卡号，以井号键结束。",
    "请输入要挂失的存折账号，以井号键结束。", "感谢您的评价。",
    "请对本次服务进行评价：非常满意请按5，满意请按4，一般请按3，不满意请按2，非常不满意请按1。",
]
