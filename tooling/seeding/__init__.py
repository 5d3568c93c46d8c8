"""Bulk generation of realistic tech-spec data for `manage.py seed_data`.

config      what a run produces (scale, averages, status mix, time base)
vocabulary  the words rows are made of
functions   deterministic hash-based draws, as temporary SQL functions
statements  the INSERT ... SELECT per table, all derived from one batch's shape
writer      one batch = one transaction; verify/bootstrap job sources
runner      clear, prepare, batches on one or more connections, analyse
clear       --clear: techspec rows and the marked stub jobs only
progress    per-table rows, rows/s and ETA on a terminal
"""
