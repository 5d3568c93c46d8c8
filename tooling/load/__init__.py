"""`make load`: wrk and load_mix.lua against gunicorn on a seeded throwaway database.

server.py starts gunicorn and runs wrk, probes.py reads CPU use from /proc, mix.py
builds the request mix (tokens, Lua data) and reads the results back, report.py
renders them, run.py ties one run together and compare.py alternates two shapes.
"""
