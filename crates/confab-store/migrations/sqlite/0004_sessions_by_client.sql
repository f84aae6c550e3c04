-- The room list shows the caller's own session in every room: look sessions up by client.
CREATE INDEX sessions_client_session ON sessions (client_session);
