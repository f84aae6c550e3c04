-- Chat: reactions, edits and expiry.

ALTER TABLE messages ADD COLUMN reactions TEXT NOT NULL DEFAULT '{}';
ALTER TABLE messages ADD COLUMN last_edit_actor_type TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN last_edit_actor_id TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN last_edit_actor_display_name TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN last_edit_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX messages_expiry ON messages (expires_at) WHERE expires_at > 0;

CREATE TABLE reactions (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id         INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    actor_type         TEXT NOT NULL,
    actor_id           TEXT NOT NULL,
    actor_display_name TEXT NOT NULL DEFAULT '',
    reaction           TEXT NOT NULL,
    created_at         INTEGER NOT NULL,
    UNIQUE (message_id, actor_type, actor_id, reaction)
);
