"""Packing at a station: pack sessions, scan events and the server-driven answer every PDA scan gets."""
