-- Bans (API v1, capability `ban-v1`): whom a moderator keeps out of a conversation. A ban
-- names a user, a guest or an email guest by actor id, or a remote address or range (`ip`),
-- each at most once per room. Names are kept as they were when the ban was made.
CREATE TABLE bans (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    room_id                INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    moderator_actor_type   TEXT NOT NULL,
    moderator_actor_id     TEXT NOT NULL,
    moderator_display_name TEXT NOT NULL DEFAULT '',
    banned_actor_type      TEXT NOT NULL,
    banned_actor_id        TEXT NOT NULL,
    banned_display_name    TEXT NOT NULL DEFAULT '',
    banned_time            INTEGER NOT NULL,
    internal_note          TEXT NOT NULL DEFAULT '',
    UNIQUE (room_id, banned_actor_type, banned_actor_id)
);

-- The clients (web-session cookies) that were bound to a guest or email guest when they were
-- banned: a guest has no account, so the browser they used is how they are recognised.
CREATE TABLE ban_clients (
    ban_id         INTEGER NOT NULL REFERENCES bans (id) ON DELETE CASCADE,
    client_session TEXT NOT NULL,
    PRIMARY KEY (ban_id, client_session)
);
CREATE INDEX ban_clients_client ON ban_clients (client_session);
