"""Connectors to the outside systems and the signatures they share."""
