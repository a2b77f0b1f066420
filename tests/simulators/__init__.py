"""Tests of the loopback simulators of the outside systems."""
