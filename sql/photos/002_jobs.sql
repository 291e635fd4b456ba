-- Background jobs, and thumbnails made by one instead of during the upload.
--
-- photos.thumbnails: `pending` until the photo's thumbnails job has made
-- them (width, height and taken_at are NULL until then), `ready`, or
-- `failed` with the reason in thumbnails_error (the decoder crashed, took
-- too long, or the bytes are not a decodable image).  Photos made before
-- this migration had their thumbnails made at upload: `ready`.
ALTER TABLE photos
  ADD COLUMN thumbnails text NOT NULL DEFAULT 'ready'
    CHECK (thumbnails IN ('pending', 'ready', 'failed')),
  ADD COLUMN thumbnails_error text;
ALTER TABLE photos ALTER COLUMN thumbnails SET DEFAULT 'pending';

-- A queue in the database: jobs survive restarts, and any number of
-- workers share it (a claim takes one due job with FOR UPDATE SKIP
-- LOCKED).
--
-- state: `queued`  waiting until run_after;
--        `running` a worker holds it until locked_until (its lease); a
--                  worker that dies leaves it to be claimed again then;
--        `done`, `failed` (last_error says why).
CREATE TABLE jobs (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN ('thumbnails')),
  -- A job goes with its photo.
  photo_id     bigint NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
  state        text NOT NULL DEFAULT 'queued'
               CHECK (state IN ('queued', 'running', 'done', 'failed')),
  attempts     integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  run_after    timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz,
  last_error   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (state <> 'running' OR locked_until IS NOT NULL)
);

-- The claim's queue: what is due, or running past its lease.
CREATE INDEX jobs_queued_idx ON jobs (run_after, id) WHERE state = 'queued';
CREATE INDEX jobs_running_idx ON jobs (locked_until, id) WHERE state = 'running';
CREATE INDEX jobs_photo_idx ON jobs (photo_id);
