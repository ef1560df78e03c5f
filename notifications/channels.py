"""The two ways a message leaves planflow: SMTP e-mail and a signed HTTP webhook.

Senders only send; they raise `DeliveryError` saying whether trying again may help.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr
from typing import Any

import httpx

from notifications.render import Rendered

SIGNATURE_HEADER = "X-Planflow-Signature"


class DeliveryError(Exception):
    """A send that did not happen; `permanent` when retrying cannot help (bad address, 4xx)."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to send e-mail; the password comes from the environment or a Prefect Secret."""

    host: str
    port: int = 25
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    sender: str = "planflow@localhost"
    sender_name: str = "Văn phòng Đảng ủy (planflow)"
    timeout: float = 10.0

    def __repr__(self) -> str:  # never show the password in logs
        return f"SmtpConfig(host={self.host!r}, port={self.port}, starttls={self.starttls}, username={self.username!r})"


@dataclass(frozen=True)
class WebhookConfig:
    """The shared secret that signs webhook bodies (HMAC-SHA256), and the timeout."""

    secret: str | None = None
    timeout: float = 10.0

    def __repr__(self) -> str:
        return f"WebhookConfig(signed={self.secret is not None}, timeout={self.timeout})"


def send_email(config: SmtpConfig, to: str, message: Rendered, *, message_id: str) -> None:
    """Send one message; the Message-ID derives from the outbox key so a receiver can spot a repeat."""
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = formataddr((config.sender_name, config.sender))
    email["To"] = to
    email["Message-ID"] = message_id
    email.set_content(message.text)
    email.add_alternative(message.html, subtype="html")
    try:
        with smtplib.SMTP(config.host, config.port, timeout=config.timeout) as smtp:
            if config.starttls:
                smtp.starttls()
            if config.username:
                smtp.login(config.username, config.password or "")
            smtp.send_message(email)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        raise DeliveryError(
            f"máy chủ thư từ chối người nhận {to}: {codes}", permanent=all(c >= 500 for c in codes)
        ) from exc
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(
            f"máy chủ thư trả lời {exc.smtp_code}: {exc.smtp_error!r}", permanent=exc.smtp_code >= 500
        ) from exc
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"không gửi được thư qua {config.host}:{config.port}: {exc}", permanent=False) from exc


def signature(secret: str, body: bytes) -> str:
    """The value of the signature header: 'sha256=' + hex HMAC of the exact body bytes."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send_webhook(config: WebhookConfig, url: str, payload: dict[str, Any], *, key: str) -> None:
    """POST the JSON payload, signed; 5xx and 429 may be retried, other 4xx are final."""
    if not config.secret:
        # Unsigned, a receiver cannot tell our messages from anyone's: wait until the key is configured.
        raise DeliveryError(
            "chưa cấu hình khóa ký webhook (PLANFLOW_WEBHOOK_SECRET hoặc Secret 'planflow-webhook-secret'); "
            "không gửi webhook không ký",
            permanent=False,
        )
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": key,
        SIGNATURE_HEADER: signature(config.secret, body),
    }
    try:
        response = httpx.post(url, content=body, headers=headers, timeout=config.timeout, follow_redirects=False)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"không gọi được webhook {url}: {exc}", permanent=False) from exc
    if 300 <= response.status_code < 400:
        raise DeliveryError(
            f"webhook {url} chuyển hướng ({response.status_code}) thay vì nhận: kiểm tra địa chỉ trong danh bạ",
            permanent=True,
        )
    if response.status_code >= 500 or response.status_code == 429:
        raise DeliveryError(f"webhook {url} trả lời {response.status_code}", permanent=False)
    if response.status_code >= 400:
        raise DeliveryError(f"webhook {url} từ chối ({response.status_code}): {response.text[:200]}", permanent=True)
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"webhook {url} trả lời {response.status_code}, không phải đã nhận", permanent=True)
