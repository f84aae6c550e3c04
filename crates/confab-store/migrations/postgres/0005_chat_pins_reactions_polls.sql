-- Pinned messages: who pinned a message, when, and until when; the order pins were made in;
-- and the pin each attendee hid for themselves.

ALTER TABLE messages ADD COLUMN pinned_actor_type TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN pinned_actor_id TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN pinned_actor_display_name TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN pinned_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN pinned_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN pin_seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX messages_pinned ON messages (room_id, pin_seq) WHERE pin_seq > 0;
CREATE INDEX messages_pin_expiry ON messages (pinned_until) WHERE pinned_until > 0;

ALTER TABLE attendees ADD COLUMN hidden_pinned_id BIGINT NOT NULL DEFAULT 0;

-- The `reaction` system message each reaction left, rewritten when the reaction is removed.
ALTER TABLE reactions ADD COLUMN note_id BIGINT NOT NULL DEFAULT 0;

-- Polls are shared objects, not comments: they cannot be edited.
UPDATE messages SET message_type = 'object_shared'
    WHERE message_type = 'comment' AND message = '{object}' AND parameters LIKE '%"type":"talk-poll"%';
