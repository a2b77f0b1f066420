"""The in-memory publisher that runs behind the Socket.IO one in the demo keeps the latest events only."""

from __future__ import annotations

from server.events import DomainEvent
from server.ports import RecordingPublisher


def test_a_long_running_recorder_keeps_only_the_latest_events() -> None:
    recorder = RecordingPublisher(keep=100)
    for i in range(1000):
        recorder.publish([DomainEvent("order_updated", {"i": i})])
    assert 100 <= len(recorder.events) <= 200
    assert recorder.events[-1].payload == {"i": 999}
    assert [e.payload["i"] for e in recorder.events] == list(range(1000 - len(recorder.events), 1000))
