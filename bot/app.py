"""create_app: the one place that wires config, store, templates, channels and blueprints."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import httpx
from flask import Flask, Request, Response, jsonify, render_template
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from bot.config import Config, load_config
from bot.runtime import Runtime, build_runtime, secret_key
from store.db import db_state


class _Sessions(SecureCookieSessionInterface):
    """Cookie sessions for the admin, the progress pages and the simulator; none on provider
    webhooks: no cookie is read or written there (Flask hands the view an empty read-only session)
    and a provider request skips the signing work."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith("/webhooks/"):
            return None
        return super().open_session(app, request)


def create_app(
    config: Config | None = None,
    *,
    http: httpx.Client | None = None,
    clock: Callable[[], datetime] | None = None,
    testing: bool = False,
) -> Flask:
    """Build the web application: webhooks, simulator, admin and health check."""
    config = config or load_config()
    app = Flask(__name__, instance_path=str(Path.cwd() / "instance"))
    app.session_interface = _Sessions()
    app.config.update(
        SECRET_KEY=secret_key(config, Path(app.instance_path)),
        TESTING=testing,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.public_base_url.startswith("https://"),
        MAX_CONTENT_LENGTH=config.limits.max_request_bytes,
    )
    runtime = build_runtime(
        config, key=app.config["SECRET_KEY"], http=http, clock=clock, testing=testing
    )
    app.extensions["aduan"] = runtime
    if config.scheduler.in_web and not testing:
        from bot.scheduler import Node, start_background

        # every worker runs a node; the lease in the database lets exactly one of them run jobs
        start_background(Node(runtime.engine, runtime.desk, runtime.channels, clock=runtime.clock))

    from admin import bp as admin_bp
    from admin.progress import bp as progress_bp
    from bot.simulator import bp as simulator_bp
    from bot.webhooks import bp as webhooks_bp

    app.register_blueprint(webhooks_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(progress_bp)
    if config.simulator.enabled:
        app.register_blueprint(simulator_bp)

    @app.errorhandler(413)
    def too_large(_exc: Exception):  # type: ignore[no-untyped-def]
        return Response("request body too large\n", status=413, content_type="text/plain")

    @app.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        state = db_state(runtime.engine)
        return jsonify({"status": "ok" if state["ok"] else "error", "database": state}), (
            200 if state["ok"] else 503
        )

    @app.get("/")
    def index():  # type: ignore[no-untyped-def]
        return render_template("index.html", config=config)

    return app


def runtime_of(app: Flask) -> Runtime:
    return app.extensions["aduan"]
