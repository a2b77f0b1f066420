"""The promo-day harness: a seeded day of orders replayed in minutes against the production shape
(PostgreSQL, Redis, gunicorn REST + gevent realtime, RQ workers, the scheduler) through the platform
simulators, packed by simulated PDA clients over HTTP. `bench/promo_day.py` is the command line."""
