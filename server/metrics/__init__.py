"""Fulfilment metrics: on-time rate, cross-system consistency, interceptions (read side)."""
