-- Custom conversation pictures: one per room at most. `version` changes with every new
-- picture (clients put it into the picture's URL). An emoji picture keeps its emoji and its
-- background colour (six hex digits, or '' for the viewer's theme colour); an uploaded
-- picture its MIME type and bytes.

CREATE TABLE room_avatars (
    room_id INTEGER PRIMARY KEY REFERENCES rooms (id) ON DELETE CASCADE,
    version TEXT NOT NULL,
    kind    TEXT NOT NULL,
    emoji   TEXT NOT NULL DEFAULT '',
    color   TEXT NOT NULL DEFAULT '',
    mime_type TEXT NOT NULL DEFAULT '',
    content BLOB
);
