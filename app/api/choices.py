"""Where a webhook delivery stands, as the API and the deliveries page report it."""

from __future__ import annotations

from enum import StrEnum


class DeliveryStatus(StrEnum):
    DELIVERED = "delivered"
    FAILED = "failed"  # no attempt left
    WAITING = "waiting"
