#!/usr/bin/env bash
# Until the first release Packline keeps ONE migration generated from the models: this rewrites it.
# After a release, add new revisions with `alembic revision --autogenerate` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f migrations/versions/*.py
tmp=$(mktemp -d)
PACKLINE_DATABASE_URL="sqlite:///$tmp/gen.db" .venv/bin/alembic revision --autogenerate -m "packline schema" >/dev/null
.venv/bin/ruff check --fix --unsafe-fixes -q migrations/versions || true
.venv/bin/ruff format -q migrations/versions
sed -i 's/^Revises: *$/Revises: (none)/' migrations/versions/*.py
rm -rf "$tmp"
ls migrations/versions
