"""Low-level helpers below auth and store: where files go and keeping them private, logging
set-up, the shipped resources folder, and starting other programs from a frozen build. Nothing
here knows about passes."""
