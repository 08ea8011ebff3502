"""Telegram echoes the secret_token given to setWebhook in X-Telegram-Bot-Api-Secret-Token."""


def sign(request: dict, secrets: dict, url: str, body: bytes) -> dict:
    return {"headers": {"X-Telegram-Bot-Api-Secret-Token": secrets["TELEGRAM_WEBHOOK_SECRET"]}}
