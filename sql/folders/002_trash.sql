-- The trash.  A deleted folder keeps its row with `trashed_at` set until
-- `purge_at` (trashed_at + CARRETE_TRASH_DAYS, fixed when it was trashed);
-- every statement that serves clients reads live rows only.  Its photos
-- (those its recursive delete trashed) are in carrete-photos' trash with
-- the same deadline.
ALTER TABLE folders
  ADD COLUMN trashed_at timestamptz,
  ADD COLUMN purge_at   timestamptz,
  ADD CONSTRAINT folders_trashed_check CHECK ((trashed_at IS NULL) = (purge_at IS NULL));

-- Names are unique among live folders only: a folder in the trash does not
-- keep its name from a new one (restoring it then is a 409).
DROP INDEX folders_owner_name_key;
CREATE UNIQUE INDEX folders_owner_name_key ON folders (owner_id, lower(name))
  WHERE trashed_at IS NULL;

-- The owner's trash, newest first (keyset on trashed_at, id), and the purge.
CREATE INDEX folders_trash_idx ON folders (owner_id, trashed_at DESC, id DESC)
  WHERE trashed_at IS NOT NULL;
CREATE INDEX folders_purge_idx ON folders (purge_at) WHERE trashed_at IS NOT NULL;
