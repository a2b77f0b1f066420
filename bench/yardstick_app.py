"""The yardstick for the scan benchmark: bare Flask + one PostgreSQL primary-key lookup per request.

`PACKLINE_DATABASE_URL=... gunicorn -k gthread -w 4 --threads 4 bench.yardstick_app:app`
GET /order/<id> answers {id, order_number, status} of one order row (404 when absent)."""

from __future__ import annotations

import os

from flask import Flask, abort
from sqlalchemy import create_engine, text

engine = create_engine(os.environ["PACKLINE_DATABASE_URL"], pool_size=5, max_overflow=5, pool_pre_ping=False)
app = Flask("yardstick")
QUERY = text("SELECT id, order_number, status FROM orders WHERE id = :id")


@app.get("/order/<int:order_id>")
def order(order_id: int) -> dict[str, object]:
    with engine.connect() as conn:
        row = conn.execute(QUERY, {"id": order_id}).first()
    if row is None:
        abort(404)
    return {"id": row.id, "order_number": row.order_number, "status": row.status}


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
