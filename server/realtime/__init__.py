"""Socket.IO adapter: connect auth and rooms, domain events emitted after commit, countdown ticks.

Deliberately empty: workers import `server.realtime.publisher` and must not pull in the web app; the app
wires the tier through `server.realtime.setup`."""
