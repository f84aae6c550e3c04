-- A user's own Talk settings (`POST /settings/user`), one row per key that was set; keys
-- without a row have their default.
CREATE TABLE user_settings (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key     TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);

-- Whether the attendee's read marker counts for others (0 public, 1 private): a copy of the
-- user's `read_status_privacy` on each of their attendees, so the common read marker is one
-- indexed query per room.
ALTER TABLE attendees ADD COLUMN read_privacy INTEGER NOT NULL DEFAULT 0;
