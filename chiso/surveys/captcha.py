"""A small arithmetic question against scripted submissions of the open link.

No external service (everything offline): the server picks two numbers, signs the expected
sum with Django's signer (with a timestamp, so a solved question expires) and checks the
answer. It stops naive scripts; the per-IP hourly limit in actions/online.py does the rest.
"""

from __future__ import annotations

import secrets

from django.core import signing

SALT = "chiso.surveys.captcha"
MAX_AGE = 60 * 30  # seconds a question stays valid


def new_question() -> tuple[str, str]:
    """(question text, signed token carrying the answer)."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    return f"{a} + {b}", signing.dumps(a + b, salt=SALT)


def check(token: str, answer: str) -> bool:
    try:
        expected = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return False
    return answer.strip() == str(expected)
