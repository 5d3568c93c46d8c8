"""Live session events over WebSocket: `/ws/tech-spec/<session_id>` (README, "Events")."""
