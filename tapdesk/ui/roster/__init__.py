"""The new-hire-day window: a roster CSV, pre-checked in the background, as a queue."""
