"""The transport-neutral card type and its composition from entries and changes."""

from bot.alerts.card import Card, CardField, CardKind, Reply
from bot.alerts.compose import alert_id, change_line, compose_alert

__all__ = ["Card", "CardField", "CardKind", "Reply", "alert_id", "change_line", "compose_alert"]
