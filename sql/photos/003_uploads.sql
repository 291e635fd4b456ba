-- Resumable uploads: a multipart upload in storage (`storage_upload_id`,
-- to the object `object_prefix`/original) that the client fills part by
-- part through presigned URLs, until it completes it (the row becomes a
-- pending photo, in the same statement) or it is aborted.
--
-- state: `open`        parts may be sent; GET, /parts, /complete, DELETE see it;
--        `completing`  claimed by a complete under way (until `expires_at`,
--                      then the sweeper aborts it);
--        `aborting`    DELETE or the sweeper is removing it; the sweeper
--                      finishes the job after `expires_at`.
-- `expires_at`: when the sweeper aborts it (creation + CARRETE_UPLOAD_TTL
-- while open).
CREATE TABLE uploads (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id          bigint NOT NULL,
  folder_id         bigint,
  name              text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
  object_prefix     text NOT NULL UNIQUE,
  content_type      text NOT NULL,
  size              bigint NOT NULL CHECK (size > 0),
  part_size         bigint NOT NULL CHECK (part_size > 0),
  part_count        integer NOT NULL CHECK (part_count BETWEEN 1 AND 10000),
  storage_upload_id text NOT NULL,
  state             text NOT NULL DEFAULT 'open'
                    CHECK (state IN ('open', 'completing', 'aborting')),
  created_at        timestamptz NOT NULL DEFAULT now(),
  expires_at        timestamptz NOT NULL
);

-- The sweeper's queue.
CREATE INDEX uploads_expires_idx ON uploads (expires_at);
