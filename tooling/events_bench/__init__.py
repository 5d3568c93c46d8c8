"""`make events-bench`: many sockets on the events WebSocket, steady writers, a reconnect storm.

sockets.py opens and follows the sockets and writes at a fixed rate; report.py runs it end
to end on a seeded database and renders its section of docs/PERFORMANCE.md.
"""
