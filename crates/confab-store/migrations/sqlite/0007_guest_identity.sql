-- Guests keep who they are across sessions: the client (web-session cookie) a guest or email
-- guest connected with stays bound to their attendee in that room until the attendee goes.

CREATE TABLE client_bindings (
    room_id        INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    client_session TEXT NOT NULL,
    attendee_id    INTEGER NOT NULL REFERENCES attendees (id) ON DELETE CASCADE,
    PRIMARY KEY (room_id, client_session)
);
CREATE INDEX client_bindings_attendee ON client_bindings (attendee_id);

-- Guests connected before this migration keep their identity.
INSERT INTO client_bindings (room_id, client_session, attendee_id)
SELECT s.room_id, s.client_session, s.attendee_id
FROM sessions s JOIN attendees a ON a.id = s.attendee_id
WHERE a.actor_type IN ('guests', 'emails');

-- The secret of an email guest's invitation: with it (and their address) a browser joins as
-- that email guest, and stays bound to them.
CREATE TABLE attendee_invitations (
    attendee_id  INTEGER PRIMARY KEY REFERENCES attendees (id) ON DELETE CASCADE,
    access_token TEXT NOT NULL
);
