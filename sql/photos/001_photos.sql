-- Photos: metadata only; the bytes live in storage under `object_prefix`
-- (original and two JPEG thumbnails).  The prefix is random, so object
-- keys reveal nothing about ids or owners.
--
-- state: `pending`  bytes not yet stored or verified (a direct upload
--                   waiting for its PUT, or a streamed one in progress);
--                   `expires_at` says when the sweeper may remove it.
--        `ready`    every object exists; the only state clients see.
--        `deleting` objects are being removed; a retried DELETE or the
--                   sweeper finishes the job.
CREATE TABLE photos (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id      bigint NOT NULL,
  folder_id     bigint,
  name          text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
  object_prefix text NOT NULL UNIQUE,
  content_type  text NOT NULL,
  size          bigint NOT NULL DEFAULT 0 CHECK (size >= 0),
  sha256        bytea CHECK (sha256 IS NULL OR length(sha256) = 32),
  width         integer,
  height        integer,
  taken_at      timestamptz,
  uploaded_at   timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  -- What "sort by date" and from/to use: when it was taken, or else when
  -- it was uploaded.
  shot_at       timestamptz GENERATED ALWAYS AS (coalesce(taken_at, uploaded_at)) STORED,
  state         text NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'ready', 'deleting')),
  expires_at    timestamptz
);

-- One copy of the same bytes per folder (and per owner outside folders).
CREATE UNIQUE INDEX photos_same_content_key
  ON photos (owner_id, coalesce(folder_id, 0), sha256) WHERE state = 'ready';

-- Keyset pagination for each sort order, owner-scoped.
CREATE INDEX photos_owner_shot_idx ON photos (owner_id, shot_at, id) WHERE state = 'ready';
CREATE INDEX photos_owner_uploaded_idx ON photos (owner_id, uploaded_at, id) WHERE state = 'ready';
CREATE INDEX photos_owner_name_idx ON photos (owner_id, name, id) WHERE state = 'ready';
CREATE INDEX photos_folder_shot_idx ON photos (folder_id, shot_at, id) WHERE state = 'ready';

-- The sweeper's queue: pending uploads past their deadline, unfinished
-- deletions.
CREATE INDEX photos_unfinished_idx ON photos (expires_at) WHERE state <> 'ready';
CREATE INDEX photos_folder_uploaded_idx ON photos (folder_id, uploaded_at, id) WHERE state = 'ready';
CREATE INDEX photos_folder_name_idx ON photos (folder_id, name, id) WHERE state = 'ready';
