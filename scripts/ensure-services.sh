#!/usr/bin/env bash
# Makes sure the PostgreSQL and Redis that the tests use are up on 127.0.0.1.
# Starts them when they are installed but stopped; fails with a clear message when they are missing.
set -u
PGHOST=${PACKLINE_TEST_PGHOST:-127.0.0.1}
PGPORT=${PACKLINE_TEST_PGPORT:-5432}
REDIS_PORT=${PACKLINE_TEST_REDIS_PORT:-6379}

pg_up() { pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null || python3 - "$PGHOST" "$PGPORT" <<'PY'
import socket, sys
s = socket.socket(); s.settimeout(1)
sys.exit(0 if s.connect_ex((sys.argv[1], int(sys.argv[2]))) == 0 else 1)
PY
}
redis_up() { python3 - "$REDIS_PORT" <<'PY'
import socket, sys
s = socket.socket(); s.settimeout(1)
try:
    s.connect(("127.0.0.1", int(sys.argv[1]))); s.sendall(b"PING\r\n"); sys.exit(0 if s.recv(16).startswith(b"+PONG") else 1)
except OSError:
    sys.exit(1)
PY
}

if ! pg_up; then
  if ls /etc/postgresql >/dev/null 2>&1 && command -v pg_ctlcluster >/dev/null; then
    echo "PostgreSQL is installed but not running: starting it"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
    for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  fi
  pg_up || { echo "ERROR: PostgreSQL is not reachable on $PGHOST:$PGPORT and could not be started. Install PostgreSQL (apt-get install postgresql) — the tests need a real one." >&2; exit 1; }
fi
if ! redis_up; then
  if command -v redis-server >/dev/null; then
    echo "Redis is installed but not running: starting it"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
    for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
  fi
  redis_up || { echo "ERROR: Redis is not reachable on 127.0.0.1:$REDIS_PORT and could not be started. Install Redis (apt-get install redis-server) — the tests need a real one." >&2; exit 1; }
fi
echo "services: PostgreSQL $PGHOST:$PGPORT and Redis 127.0.0.1:$REDIS_PORT are up"
