"""Loopback HTTP servers that behave like Packline's outside systems (platforms, ERP, WMS, courier, CRM, robots).

Start one with ``simulators.<name>.start(port=0)`` or all with ``simulators.runner.start_all()``.
"""
