"""The order hub: one record per order from every source, its state machine, trail, holds and gifts."""
