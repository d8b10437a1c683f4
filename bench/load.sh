#!/usr/bin/env bash
# Requests per second for anonymous visitors: the article page (served from the anonymous page
# cache) against the article list (rendered every time). Run it against `make serve`:
#
#   SECRET_KEY=... ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 make serve PORT=8103 &
#   bench/load.sh http://127.0.0.1:8103        # DURATION=5 CONNECTIONS=20 THREADS=2 by default
set -euo pipefail
BASE="${1:-http://127.0.0.1:8103}"
DURATION="${DURATION:-5}"
CONNECTIONS="${CONNECTIONS:-20}"
THREADS="${THREADS:-2}"
ARTICLE="${ARTICLE:-/articles/sympathy-for-both-sides-of-the-egregious-misalignment-debate/}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

for path in "$ARTICLE" "/"; do
  echo "== GET $path  ($(curl -s -o /dev/null -D - "$BASE$path" | tr -d '\r' | grep -i '^x-cache:' || echo 'not cached'))"
  curl -s -o /dev/null "$BASE$path"   # warm the cache and the workers
  wrk --latency -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "$BASE$path" \
    | grep -E "Requests/sec|Non-2xx|Latency  |50%|99%"
done
