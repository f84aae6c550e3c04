-- Polls and their votes.

CREATE TABLE polls (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    room_id            INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    question           TEXT NOT NULL,
    options            TEXT NOT NULL,
    result_mode        INTEGER NOT NULL,
    max_votes          INTEGER NOT NULL,
    status             INTEGER NOT NULL,
    actor_type         TEXT NOT NULL,
    actor_id           TEXT NOT NULL,
    actor_display_name TEXT NOT NULL DEFAULT '',
    created_at         INTEGER NOT NULL
);
CREATE INDEX polls_room ON polls (room_id, status);

CREATE TABLE poll_votes (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    poll_id            INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    actor_type         TEXT NOT NULL,
    actor_id           TEXT NOT NULL,
    actor_display_name TEXT NOT NULL DEFAULT '',
    option_id          INTEGER NOT NULL,
    UNIQUE (poll_id, actor_type, actor_id, option_id)
);
