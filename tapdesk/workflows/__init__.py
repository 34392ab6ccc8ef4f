"""Qt-free use cases shared by the window and the CLI: read a person's facts, issue and revoke,
pre-check a roster, onboarding sessions. Each runs on whatever thread calls it (the window's
workers, or the CLI's one thread) and takes the real services as arguments."""
