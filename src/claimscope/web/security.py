"""Write protection (bearer token), write rate limiting and the security headers of every response."""

from __future__ import annotations

import hmac
import threading
import time

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

# Pages load scripts and styles from /static only: no inline script or style, no third party.
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
                           "frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}

bearer = HTTPBearer(auto_error=False, description="The server's write token (claimscope serve --token, or "
                                                  "$CLAIMSCOPE_TOKEN).")


class RateLimiter:
    """A token bucket per client address: ``per_minute`` writes, refilled continuously."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def check(self, client: str) -> float:
        """0 when the request may go ahead, else the seconds to wait."""
        if self.per_minute <= 0:
            return 0.0
        now = time.monotonic()
        rate = self.per_minute / 60.0
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            if tokens < 1.0:
                self._buckets[client] = (tokens, now)
                return (1.0 - tokens) / rate
            self._buckets[client] = (tokens - 1.0, now)
            return 0.0


def require_write(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
    """Dependency of every write endpoint: rate limit first (so token guessing is slow too),
    then the token."""
    state = request.app.state.cs
    client = request.client.host if request.client else "unknown"
    wait = state.write_limiter.check(client)
    if wait > 0:
        raise HTTPException(429, f"too many write requests from {client}: at most "
                                 f"{state.write_limiter.per_minute} per minute; retry in {wait:.0f} s",
                            headers={"Retry-After": str(max(1, round(wait)))})
    if not state.token:
        raise HTTPException(403, "writes are disabled on this server: no token is configured. Start it with "
                                 "'claimscope serve --token SECRET' or set CLAIMSCOPE_TOKEN, then send "
                                 "'Authorization: Bearer SECRET'")
    given = credentials.credentials if credentials else ""
    if not given or not hmac.compare_digest(given.encode(), state.token.encode()):
        raise HTTPException(401, "this endpoint writes to the store and needs the server's token: send "
                                 "'Authorization: Bearer <token>'" + (" (the token given is wrong)" if given else ""),
                            headers={"WWW-Authenticate": "Bearer"})
