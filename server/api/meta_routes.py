"""Health and readiness for load balancers, Prometheus metrics, request ids, and the browsable API page."""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, Response, g, render_template_string, request
from sqlalchemy import text

from server import observability as obs
from server.api.auth import runtime

blp = Blueprint("meta", __name__)

PACK_COMPLETED_CODES = frozenset({"PACK_COMPLETED", "GIFT_OVERRIDDEN"})


@blp.before_app_request
def _start_request() -> None:
    g.request_started = time.perf_counter()
    g.request_id = obs.new_request_id(request.headers.get("X-Request-Id"))
    obs.request_id_var.set(g.request_id)


@blp.teardown_app_request
def _forget_request_id(_exc: BaseException | None) -> None:
    # The id belongs to this request only; a thread reused by the server must not log under it later.
    obs.request_id_var.set(None)


@blp.after_app_request
def _finish_request(response: Response) -> Response:
    started = g.get("request_started")
    if started is not None:
        elapsed = time.perf_counter() - started
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        obs.HTTP_LATENCY.labels(endpoint, request.method, str(response.status_code)).observe(elapsed)
        if request.path.startswith("/api/v1/pack/") and response.is_json and request.method == "POST":
            code = str((response.get_json(silent=True) or {}).get("code", "UNKNOWN"))
            result = (response.get_json(silent=True) or {}).get("result")
            obs.SCAN_LATENCY.labels(code).observe(elapsed)
            if result == "rejected":
                obs.REJECTIONS.labels(code).inc()
            elif code in PACK_COMPLETED_CODES and result == "ok":
                obs.PACK_COMPLETIONS.inc()
    if rid := g.get("request_id"):
        response.headers["X-Request-Id"] = rid
    return response


def _open_alerts() -> list[tuple[tuple[str, ...], float]]:
    with runtime().engine.connect() as conn:
        rows = conn.execute(text("SELECT kind, count(*) FROM alerts WHERE resolved_at IS NULL GROUP BY kind"))
        return [((kind,), float(n)) for kind, n in rows]


def _queue_depths() -> list[tuple[tuple[str, ...], float]]:
    url = runtime().settings.redis_url
    if not url:
        return []
    import redis
    from rq import Queue
    from rq.registry import FailedJobRegistry

    conn = redis.Redis.from_url(url, socket_timeout=1)
    out: list[tuple[tuple[str, ...], float]] = []
    for name in ("sync", "labels", "alerts", "default"):
        queue = Queue(name, connection=conn)
        out.append(((name, "queued"), float(queue.count)))
        out.append(((name, "failed"), float(FailedJobRegistry(queue=queue).count)))
    return out


def _sync_lag() -> list[tuple[tuple[str, ...], float]]:
    with runtime().engine.connect() as conn:
        rows = conn.execute(text("SELECT source, shop, last_end FROM sync_cursors"))
        now = time.time()
        return [
            ((str(source), str(shop)), max(0.0, now - last_end.timestamp()))
            for source, shop, last_end in rows
        ]


_COLLECTOR = obs.QueryCollector(
    [
        ("packline_open_alerts", "Open alerts by kind", ["kind"], _open_alerts),
        ("packline_rq_jobs", "RQ jobs by queue and state", ["queue", "state"], _queue_depths),
        (
            "packline_sync_lag_seconds",
            "Seconds since the last committed sync window end",
            ["source", "shop"],
            _sync_lag,
        ),
    ]
)


@blp.get("/metrics")
def prometheus_metrics() -> Response:
    """Prometheus exposition (multiprocess-aware); operators' scrapers expect it here."""
    return Response(obs.render([_COLLECTOR]), mimetype="text/plain; version=0.0.4; charset=utf-8")


@blp.get("/healthz")
def healthz() -> dict[str, Any]:
    """The process is alive (no dependency checks)."""
    return {"status": "ok"}


@blp.get("/readyz")
def readyz() -> tuple[dict[str, Any], int]:
    """Ready for traffic: database reachable and migrations at head (503 if not); Redis down only degrades."""
    rt = runtime()
    checks: dict[str, str] = {}
    try:
        with rt.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # any driver error means "not ready"
        checks["database"] = f"error: {type(exc).__name__}"
    if checks["database"] == "ok":
        # A node deployed ahead of `packline migrate` would answer with errors: keep it out of rotation.
        try:
            from server.migrate import at_head

            checks["migrations"] = "at head" if at_head(rt.engine) else "behind"
        except Exception as exc:
            checks["migrations"] = f"error: {type(exc).__name__}"
        if checks["migrations"] == "at head":
            # Jobs waiting in the database for Redis to come back (workers.job_parking); 0 when all is well.
            from server.outbox.parking import count_parked

            with rt.read() as session:
                checks["parked_jobs"] = str(count_parked(session))
    if rt.settings.redis_url:
        try:
            import redis

            redis.Redis.from_url(rt.settings.redis_url, socket_timeout=1).ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"degraded: {type(exc).__name__}"
    else:
        checks["redis"] = "embedded"
    ok = checks["database"] == "ok" and checks.get("migrations") == "at head"
    status = (
        "ok" if ok and not checks["redis"].startswith("degraded") else ("degraded" if ok else "unavailable")
    )
    return {"status": status, "checks": checks}, 200 if ok else 503


_DOCS_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Packline API</title>
<style nonce="{{ csp_nonce() }}">body{font:15px system-ui,sans-serif;margin:2rem;max-width:70rem}h2{margin-top:2rem;border-bottom:1px solid #ccc}
.op{margin:.6rem 0;padding:.5rem .8rem;border-left:4px solid #888;background:#f7f7f7}.m{font-weight:700;display:inline-block;width:4.5rem}
.get{border-color:#2a7}.post{border-color:#27c}.put,.patch{border-color:#c80}.delete{border-color:#c33}
pre{background:#fff;border:1px solid #ddd;padding:.5rem;overflow:auto;font-size:12px}summary{cursor:pointer}</style></head>
<body><h1>Packline API</h1><p>Machine-readable document: <a href="/api/openapi.json">/api/openapi.json</a>.
Authenticate with <code>POST /api/v1/auth/login</code>, then send <code>Authorization: Bearer &lt;token&gt;</code>.
Errors are always <code>{code, message, details}</code>; <code>Accept-Language: en</code> switches messages to English.</p>
<div id="ops">Loading…</div>
<script nonce="{{ csp_nonce() }}">
fetch('/api/openapi.json').then(r=>r.json()).then(spec=>{
  const byTag={};
  for(const [path,item] of Object.entries(spec.paths)){for(const [m,op] of Object.entries(item)){
    if(!op||typeof op!=='object'||!op.responses)continue;const tag=(op.tags||['other'])[0];(byTag[tag]=byTag[tag]||[]).push([m,path,op]);}}
  const root=document.getElementById('ops');root.textContent='';
  for(const [tag,ops] of Object.entries(byTag)){const h=document.createElement('h2');h.textContent=tag;root.appendChild(h);
    for(const [m,path,op] of ops){const d=document.createElement('details');d.className='op '+m;
      const s=document.createElement('summary');s.innerHTML='<span class="m"></span><code></code> — <span></span>';
      s.children[0].textContent=m.toUpperCase();s.children[1].textContent=path;s.children[2].textContent=op.summary||'';
      d.appendChild(s);const pre=document.createElement('pre');pre.textContent=JSON.stringify(
        {description:op.description,parameters:op.parameters,requestBody:op.requestBody,responses:op.responses},null,2);
      d.appendChild(pre);root.appendChild(d);}}
  const h=document.createElement('h2');h.textContent='schemas';root.appendChild(h);
  const pre=document.createElement('pre');pre.textContent=JSON.stringify((spec.components||{}).schemas,null,2);root.appendChild(pre);
});
</script></body></html>"""


@blp.get("/api/docs")
def api_docs() -> str:
    return render_template_string(_DOCS_PAGE)
