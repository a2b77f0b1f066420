"""Packline server: the order hub, packing, labels, alerts and their adapters."""
