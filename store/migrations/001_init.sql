-- Workshops, photos (with their original bytes), notes (with their crops),
-- clusters, and the facilitator's login and share links.
-- Times are TEXT in UTC, fixed width (2006-01-02T15:04:05.000000000Z), so
-- they sort as text. JSON columns hold small lists (legend, polygon, words).

CREATE TABLE workshops (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	title      TEXT NOT NULL,
	case_name  TEXT NOT NULL DEFAULT '',
	date       TEXT NOT NULL DEFAULT '',
	legend     TEXT NOT NULL DEFAULT '[]',
	vocabulary TEXT NOT NULL DEFAULT '[]',
	join_code  TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

CREATE TABLE photos (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	workshop_id  INTEGER NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
	wall         TEXT NOT NULL DEFAULT '',
	filename     TEXT NOT NULL DEFAULT '',
	content_type TEXT NOT NULL DEFAULT '',
	size         INTEGER NOT NULL,
	width        INTEGER NOT NULL DEFAULT 0,
	height       INTEGER NOT NULL DEFAULT 0,
	status       TEXT NOT NULL,
	notes_found  INTEGER NOT NULL DEFAULT 0,
	notes_read   INTEGER NOT NULL DEFAULT 0,
	quality      TEXT NOT NULL DEFAULT '{}',
	error        TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL
);
CREATE INDEX photos_workshop ON photos (workshop_id, id);

-- The original bytes live apart from the row, so listing photos never
-- reads megabytes.
CREATE TABLE photo_data (
	photo_id INTEGER PRIMARY KEY REFERENCES photos (id) ON DELETE CASCADE,
	data     BLOB NOT NULL
);

CREATE TABLE clusters (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	workshop_id    INTEGER NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
	label          TEXT NOT NULL DEFAULT '',
	keywords       TEXT NOT NULL DEFAULT '[]',
	theme          TEXT NOT NULL DEFAULT '',
	representative INTEGER REFERENCES notes (id) ON DELETE SET NULL,
	unsorted       INTEGER NOT NULL DEFAULT 0,
	locked         INTEGER NOT NULL DEFAULT 0,
	renamed        INTEGER NOT NULL DEFAULT 0,
	position       INTEGER NOT NULL DEFAULT 0,
	updated_at     TEXT NOT NULL
);
CREATE INDEX clusters_workshop ON clusters (workshop_id, position, id);
-- At most one Unsorted ("Overig") cluster per workshop.
CREATE UNIQUE INDEX clusters_one_unsorted ON clusters (workshop_id) WHERE unsorted;

CREATE TABLE notes (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	photo_id    INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
	workshop_id INTEGER NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
	idx         INTEGER NOT NULL,
	polygon     TEXT NOT NULL DEFAULT '[]',
	bbox        TEXT NOT NULL DEFAULT '[0,0,0,0]',
	color       TEXT NOT NULL DEFAULT 'other',
	rgb         TEXT NOT NULL DEFAULT '',
	x           REAL NOT NULL DEFAULT 0,
	y           REAL NOT NULL DEFAULT 0,
	neighbours  TEXT NOT NULL DEFAULT '[]',
	text        TEXT NOT NULL DEFAULT '',
	confidence  REAL NOT NULL DEFAULT 0,
	review      INTEGER NOT NULL DEFAULT 0,
	words       TEXT NOT NULL DEFAULT '[]',
	read        INTEGER NOT NULL DEFAULT 0,
	edited      INTEGER NOT NULL DEFAULT 0,
	cluster_id  INTEGER REFERENCES clusters (id) ON DELETE SET NULL,
	pinned      INTEGER NOT NULL DEFAULT 0,
	updated_at  TEXT NOT NULL,
	UNIQUE (photo_id, idx)
);
CREATE INDEX notes_workshop ON notes (workshop_id, photo_id, idx);
CREATE INDEX notes_cluster ON notes (cluster_id);

CREATE TABLE note_crops (
	note_id INTEGER PRIMARY KEY REFERENCES notes (id) ON DELETE CASCADE,
	data    BLOB NOT NULL
);

-- curation_log holds, per facilitator action, the state it replaced, so
-- the action can be undone.
CREATE TABLE curation_log (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	workshop_id INTEGER NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
	action      TEXT NOT NULL,
	before      TEXT NOT NULL,
	created_at  TEXT NOT NULL
);
CREATE INDEX curation_log_workshop ON curation_log (workshop_id, id);

-- The one facilitator password (bcrypt).
CREATE TABLE facilitator (
	id            INTEGER PRIMARY KEY CHECK (id = 1),
	password_hash TEXT NOT NULL,
	updated_at    TEXT NOT NULL
);

-- Sessions are found by the SHA-256 of their token; the token itself is
-- never stored.
CREATE TABLE sessions (
	token_hash BLOB PRIMARY KEY,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE share_links (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	workshop_id INTEGER NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
	token       TEXT NOT NULL UNIQUE,
	created_at  TEXT NOT NULL,
	revoked     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX share_links_workshop ON share_links (workshop_id, id);
