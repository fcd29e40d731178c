"""What an authenticator app shows: the TOTP code of a secret (SHA-1, 6 digits, 30 s steps,
RFC 6238), for the tests that log staff in with a second factor."""

import base64
import hashlib
import hmac
import struct
import time

STEP = 30


def totp_code(secret: str, at: float | None = None) -> str:
    """The 6-digit code for `secret` at time `at` (now by default)."""
    counter = int((time.time() if at is None else at) // STEP)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def unhurried_totp_code(secret: str, margin: float = 8.0) -> str:
    """The current code, read as a person would: not in the last `margin` seconds of its
    step, so that a slow browser round trip cannot carry it past the server's tolerance."""
    left = STEP - time.time() % STEP
    if left < margin:
        time.sleep(left + 0.1)
    return totp_code(secret)
