"""Jobs parked in the database while the job queue (Redis) is unreachable, handed to it when it returns."""
