"""Alembic environment: runs on the engine handed over by store.db.init_db (or DATABASE_URL)."""

import os

from alembic import context
from sqlmodel import SQLModel

import store.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from store.db import make_engine

engine = context.config.attributes.get("engine") or make_engine(os.environ["DATABASE_URL"])

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
