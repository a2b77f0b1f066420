"""Imports every model module so Base.metadata is complete (Alembic, create_all, drift checks)."""

from server.accounts import models as accounts_models
from server.catalog import models as catalog_models
from server.db import Base
from server.orders import models as order_models

__all__ = ["Base", "accounts_models", "catalog_models", "order_models"]
