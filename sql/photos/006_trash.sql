-- The trash.  A deleted photo becomes `trashed` instead of going at once:
-- every statement that serves clients reads `ready` rows only, so a
-- trashed photo vanishes from listings, gets, tag filters and duplicate
-- checks (the one-copy index below is on `ready` rows, so a twin may be
-- uploaded meanwhile; restoring then meets the index: 409).  Its row and
-- objects stay, and so does its room in the account's quota (the usage
-- triggers count every state), until the sweeper takes it at `expires_at`
-- (trashed_at + CARRETE_TRASH_DAYS, fixed when it was trashed): the sweeper
-- already removes every row that is not `ready` once it expires.
--
-- trashed_with: the folder whose recursive delete trashed it, so that
-- restoring (or deleting for good) that folder takes exactly these photos,
-- and not those trashed on their own before.
ALTER TABLE photos DROP CONSTRAINT photos_state_check;
ALTER TABLE photos ADD CONSTRAINT photos_state_check
  CHECK (state IN ('pending', 'ready', 'deleting', 'trashed'));
ALTER TABLE photos
  ADD COLUMN trashed_at   timestamptz,
  ADD COLUMN trashed_with bigint,
  ADD CONSTRAINT photos_trashed_check CHECK (state <> 'trashed' OR trashed_at IS NOT NULL);

-- The owner's trash, newest first (keyset on trashed_at, id).
CREATE INDEX photos_trash_idx ON photos (owner_id, trashed_at DESC, id DESC)
  WHERE state = 'trashed';
CREATE INDEX photos_trashed_with_idx ON photos (owner_id, trashed_with)
  WHERE state = 'trashed' AND trashed_with IS NOT NULL;
