"""The job base shared by imports, syncs and downloads.

A job is a row the user can watch. django-q2 only wakes a worker with the row's id; the row is
the truth: a worker claims it with one conditional UPDATE, reports progress through heartbeats,
and records the outcome. Lost wake-ups and dead workers are mended by the sweep (tasks.py).
"""
