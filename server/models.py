"""Imports every model module so Base.metadata is complete (Alembic, create_all, drift checks)."""

from server.accounts import models as accounts_models
from server.alerts import models as alert_models  # noqa: F401 - alerts, robot targets and digests
from server.catalog import models as catalog_models
from server.cs import models as cs_models  # noqa: F401 - CS lookups, delay coupons
from server.db import Base
from server.imports import models as import_models  # noqa: F401 - import runs (file digest log)
from server.integrations import models as integration_models  # noqa: F401
from server.integrations import webhook_models  # noqa: F401 - webhook audit and delivery ids
from server.labels import models as label_models  # noqa: F401 - waybill requests, label prints
from server.metrics import models as metric_models  # noqa: F401 - KPI daily rollups
from server.orders import models as order_models
from server.outbox import models as outbox_models  # noqa: F401 - jobs parked while Redis is down
from server.scanning import models as scanning_models  # noqa: F401 - pack sessions, scan events
from server.shipping import models as shipping_models  # noqa: F401 - packages, handover, interceptions

__all__ = ["Base", "accounts_models", "catalog_models", "order_models"]
