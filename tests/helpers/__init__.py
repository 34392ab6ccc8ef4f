"""Small test doubles shared by every suite: clocks, keyrings, timers. Fakes, not mocks."""
