"""Alerts: raised once per open condition, acknowledged and resolved; watchdogs; robot digests."""
