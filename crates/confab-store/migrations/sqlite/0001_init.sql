-- confab schema, SQLite. Times are unix seconds; flags are 0/1 integers.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL,
    email         TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE app_passwords (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE user_groups (
    id           TEXT PRIMARY KEY,
    display_name TEXT NOT NULL
);

CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);

CREATE TABLE app_config (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE rooms (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    token               TEXT NOT NULL UNIQUE,
    type                INTEGER NOT NULL,
    name                TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    password_hash       TEXT NOT NULL DEFAULT '',
    read_only           INTEGER NOT NULL DEFAULT 0,
    listable            INTEGER NOT NULL DEFAULT 0,
    lobby_state         INTEGER NOT NULL DEFAULT 0,
    lobby_timer         INTEGER NOT NULL DEFAULT 0,
    default_permissions INTEGER NOT NULL DEFAULT 0,
    call_permissions    INTEGER NOT NULL DEFAULT 0,
    message_expiration  INTEGER NOT NULL DEFAULT 0,
    object_type         TEXT NOT NULL DEFAULT '',
    object_id           TEXT NOT NULL DEFAULT '',
    breakout_room_mode   INTEGER NOT NULL DEFAULT 0,
    breakout_room_status INTEGER NOT NULL DEFAULT 0,
    sip_enabled         INTEGER NOT NULL DEFAULT 0,
    mention_permissions INTEGER NOT NULL DEFAULT 0,
    recording_consent   INTEGER NOT NULL DEFAULT 0,
    call_flag           INTEGER NOT NULL DEFAULT 0,
    call_start_time     INTEGER NOT NULL DEFAULT 0,
    last_activity       INTEGER NOT NULL DEFAULT 0,
    last_message_id     INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL,
    modified_at         INTEGER NOT NULL
);
CREATE INDEX rooms_object ON rooms (object_type, object_id);
CREATE INDEX rooms_lobby_timer ON rooms (lobby_timer) WHERE lobby_state = 1 AND lobby_timer > 0;

CREATE TABLE attendees (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    room_id              INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    actor_type           TEXT NOT NULL,
    actor_id             TEXT NOT NULL,
    display_name         TEXT NOT NULL DEFAULT '',
    participant_type     INTEGER NOT NULL,
    permissions          INTEGER NOT NULL DEFAULT 0,
    notification_level   INTEGER NOT NULL DEFAULT 0,
    notification_calls   INTEGER NOT NULL DEFAULT 1,
    favorite             INTEGER NOT NULL DEFAULT 0,
    archived             INTEGER NOT NULL DEFAULT 0,
    important            INTEGER NOT NULL DEFAULT 0,
    sensitive            INTEGER NOT NULL DEFAULT 0,
    last_read_message    INTEGER NOT NULL DEFAULT 0,
    last_mention_message INTEGER NOT NULL DEFAULT 0,
    last_mention_direct  INTEGER NOT NULL DEFAULT 0,
    invited_cloud_id     TEXT NOT NULL DEFAULT '',
    pin                  TEXT NOT NULL DEFAULT '',
    UNIQUE (room_id, actor_type, actor_id)
);
CREATE INDEX attendees_actor ON attendees (actor_type, actor_id);

CREATE TABLE sessions (
    id             TEXT PRIMARY KEY,
    attendee_id    INTEGER NOT NULL REFERENCES attendees (id) ON DELETE CASCADE,
    room_id        INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    client_session TEXT NOT NULL,
    in_call        INTEGER NOT NULL DEFAULT 0,
    last_ping      INTEGER NOT NULL,
    state          INTEGER NOT NULL DEFAULT 1,
    UNIQUE (room_id, client_session)
);
CREATE INDEX sessions_attendee ON sessions (attendee_id);

CREATE TABLE messages (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    room_id            INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    actor_type         TEXT NOT NULL,
    actor_id           TEXT NOT NULL,
    actor_display_name TEXT NOT NULL DEFAULT '',
    message            TEXT NOT NULL,
    message_type       TEXT NOT NULL,
    system_message     TEXT NOT NULL DEFAULT '',
    parameters         TEXT NOT NULL DEFAULT '{}',
    reference_id       TEXT NOT NULL DEFAULT '',
    parent_id          INTEGER NOT NULL DEFAULT 0,
    created_at         INTEGER NOT NULL,
    expires_at         INTEGER NOT NULL DEFAULT 0,
    silent             INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX messages_room ON messages (room_id, id);
