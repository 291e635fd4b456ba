-- Folders.  owner_id is the users service's row id (another database, so
-- no foreign key); names are unique per owner regardless of case, with the
-- original spelling kept for display.
--
-- pg_trgm is a "trusted" extension since PostgreSQL 13: the owner of the
-- database (the service's role, as scripts/postgres.sh, the test harness
-- and the chart create it) may create it without being a superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE folders (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id    bigint NOT NULL,
  name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 128),
  visibility  text NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'public')),
  tags        text[] NOT NULL DEFAULT '{}'
              CHECK (cardinality(tags) <= 20 AND array_position(tags, NULL) IS NULL),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX folders_owner_name_key ON folders (owner_id, lower(name));

-- Listing one owner's folders, newest first, page after page (keyset).
CREATE INDEX folders_owner_created_idx ON folders (owner_id, created_at DESC, id DESC);
-- The same for everyone's public folders.
CREATE INDEX folders_public_created_idx ON folders (created_at DESC, id DESC)
  WHERE visibility = 'public';
-- Tag searches (@> for match=all, && for any).  For "my folders tagged a
-- and b" the planner ANDs this bitmap with the owner's btree above; a
-- btree_gin (owner_id, tags) index was tried and measured: the planner never
-- used its owner_id column (the btree is cheaper for that), so it only cost
-- size and an extension.  fastupdate is off because folders are read far
-- more often than written: no pending list to scan (or to make the planner
-- shy of the index) between vacuums.
CREATE INDEX folders_tags_idx ON folders USING gin (tags) WITH (fastupdate = off);
-- Case-insensitive substring search on the name (ILIKE '%…%').
CREATE INDEX folders_name_trgm_idx ON folders USING gin (name gin_trgm_ops)
  WITH (fastupdate = off);

-- The search statement has optional filters written as "$n IS NULL OR …".
-- A plan made for the values at hand folds the absent ones away and picks
-- the index that suits the filters given; a generic plan could not use any
-- of these indexes.  Applies to every new session of this database.  A role
-- that does not own the database cannot set it: searches still work, with
-- possibly slower plans, so the migration goes on.
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET plan_cache_mode = force_custom_plan', current_database());
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'cannot set plan_cache_mode on this database: %', SQLERRM;
END
$$;
