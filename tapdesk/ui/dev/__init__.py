"""Not for technicians: screenshots, the frozen build's self-test and benchmark probes."""
