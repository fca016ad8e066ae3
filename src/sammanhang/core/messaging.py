"""Text messages (SMS) through a pluggable backend, like Django's email backends.

``SAMMANHANG_SMS_BACKEND`` names a class with ``send(to: str, text: str) -> None``. The console
backend prints (development), the file backend writes one file per message into
``SAMMANHANG_SMS_FILE_PATH`` (staging, or until a provider is chosen), the memory backend keeps
messages in :data:`outbox` (tests). A real provider implements the same ``send``. Nothing here
knows what the message is about.
"""

from __future__ import annotations

import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from sammanhang.core import clock


class SmsBackend(Protocol):
    def send(self, to: str, text: str) -> None: ...


@dataclass(frozen=True)
class Sms:
    to: str
    text: str


# Messages sent by the memory backend, in order; tests clear it.
outbox: list[Sms] = []


class ConsoleSmsBackend:
    def send(self, to: str, text: str) -> None:
        sys.stdout.write(f"SMS to {to}:\n{text}\n{'-' * 40}\n")
        sys.stdout.flush()


class FileSmsBackend:
    """One file per message, named by time and a random part so none is overwritten."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path or settings.SAMMANHANG_SMS_FILE_PATH)

    def send(self, to: str, text: str) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        name = f"{clock.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:12]}.txt"
        (self.path / name).write_text(f"To: {to}\n\n{text}\n", encoding="utf-8")


class MemorySmsBackend:
    def send(self, to: str, text: str) -> None:
        outbox.append(Sms(to=to, text=text))


def sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.SAMMANHANG_SMS_BACKEND)()
    return backend


def sms_send(*, to: str, text: str) -> None:
    """Send one text message through the configured backend."""
    sms_backend().send(to, text)
