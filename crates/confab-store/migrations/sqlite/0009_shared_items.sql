-- Shared items (upstream's attachments): one row per message that shares an object, with the
-- item type it is listed under (poll, location, deckcard, other, ...), so a room's shared items
-- of one type are read from an index and not found by scanning its messages. A row goes with
-- its message (cleared history, expiry, a deleted room); deleting a message, which leaves a
-- placeholder, removes its row explicitly.
-- Pinned messages are listed through their pins, not here.

CREATE TABLE attachments (
    message_id   INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    room_id      INTEGER NOT NULL,
    object_type  TEXT NOT NULL,
    actor_type   TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    message_time INTEGER NOT NULL
);
CREATE INDEX attachments_room_type ON attachments (room_id, object_type, message_id);

-- Polls posted to the chat before the index existed.
INSERT INTO attachments (message_id, room_id, object_type, actor_type, actor_id, message_time)
    SELECT id, room_id, 'poll', actor_type, actor_id, created_at FROM messages
    WHERE message_type = 'object_shared' AND parameters LIKE '%"type":"talk-poll"%';
