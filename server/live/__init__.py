"""Read side of the live warehouse: ship-deadline countdowns and the lead screen's board.

Shared by the REST resync endpoint (server.api.live_routes) and the Socket.IO tier (server.realtime),
which may not import each other; plain SQLAlchemy, no web framework."""
