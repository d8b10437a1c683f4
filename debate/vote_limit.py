"""How many votes a member may cast per minute: `ACCOUNT_RATE_LIMITS["vote"]`, kept in the cache.

The limit is allauth's (the same setting, the same sliding window over the last hits), but
allauth takes four round trips to the cache per check (take a lock, read the hits, write them,
release the lock), and every vote pays them. With Redis one Lua script does the whole check
atomically in one round trip; any other cache (local memory in tests and development) goes
through allauth as before.
"""

from __future__ import annotations

import secrets
import time

from allauth.core import ratelimit
from allauth.core.internal.ratelimit import parse_rates
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

# A sorted set per (member, rate) whose scores are the hits' times. Atomic in Redis, so two
# votes of one member at the same moment cannot both take the last place in the window.
_ONE_RATE = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  return 0
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('EXPIRE', KEYS[1], math.ceil(window))
return 1
"""

_script = None  # redis-py's Script: EVALSHA, loading the script once per server when missing


def vote_allowed(request) -> bool:
    """Count this vote against the member's limit; False when the limit is reached.

    Raises the cache's connection errors: the caller decides what a vote does without it.
    """
    rates = [r for r in parse_rates(settings.ACCOUNT_RATE_LIMITS.get("vote")) if r.per == "user"]
    if not rates:
        return True
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        return ratelimit.consume(request, action="vote", user=request.user)
    global _script
    client = cache._cache.get_client(write=True)
    if _script is None:
        _script = client.register_script(_ONE_RATE)
    now = f"{time.time():.6f}"
    hit = f"{now}:{secrets.token_hex(4)}"  # unique, so two hits at one moment never merge
    for rate in rates:
        key = cache.make_and_validate_key(f"vote-rate:{rate}:{request.user.pk}")
        args = [now, rate.duration, rate.amount, hit]
        if not _script(keys=[key], args=args, client=client):
            return False
    return True
