-- An upload may carry an Idempotency-Key: the sender's name for it. A
-- sender whose answer was lost (the network cut after the photo was
-- stored) sends the photo again under the same key, and the second
-- sending finds the first instead of storing a copy. Keys are unique per
-- workshop; photos without a key (NULL) are not held to it.
ALTER TABLE photos ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX photos_idempotency ON photos (workshop_id, idempotency_key)
	WHERE idempotency_key IS NOT NULL;
