-- A wall too wide for one photo is photographed in overlapping shots, and
-- a note in an overlap is found on each. duplicate_of names the same
-- physical note on an earlier photo of the wall (its first appearance);
-- such a note is shown but not read, grouped or counted. When that note
-- is deleted, the duplicate stops being one (SET NULL) rather than
-- pointing at nothing or vanishing with it; ReplaceNotes points it at
-- the re-found note with the same index first.
ALTER TABLE notes ADD COLUMN duplicate_of INTEGER REFERENCES notes (id) ON DELETE SET NULL;
CREATE INDEX notes_duplicate_of ON notes (duplicate_of) WHERE duplicate_of IS NOT NULL;
