-- Storage quotas.  What an account uses is kept in `usage` by triggers, so
-- every path that adds, resizes or removes a photo or an open resumable
-- upload (uploads, thumbnails, deletions, the sweepers, a restore) keeps it
-- true without knowing about it; an upload is admitted against it in the
-- statement that reserves its row (store.c, uploads-store.c), which locks
-- the account's usage row so that two uploads at once cannot both fit in
-- the same room.  A photo counts its original and its thumbnails, whatever
-- its state; an open resumable upload counts its announced size.
ALTER TABLE photos
  ADD COLUMN thumbnails_size bigint NOT NULL DEFAULT 0 CHECK (thumbnails_size >= 0);

-- An account's own quota, set by an administrator; without a row, the
-- service's CARRETE_DEFAULT_QUOTA_BYTES applies.  0 means no limit.
CREATE TABLE quotas (
  owner_id    bigint PRIMARY KEY,
  quota_bytes bigint NOT NULL CHECK (quota_bytes >= 0),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE usage (
  owner_id bigint PRIMARY KEY,
  bytes    bigint NOT NULL DEFAULT 0
);

-- Each function keeps the search path it was made with: a restore runs
-- with an empty one (pg_dump's), and its deletions fire the triggers.
CREATE FUNCTION usage_add(owner bigint, delta bigint) RETURNS void
LANGUAGE sql SET search_path FROM CURRENT AS $$
  INSERT INTO usage (owner_id, bytes) VALUES (owner, delta)
  ON CONFLICT (owner_id) DO UPDATE SET bytes = usage.bytes + EXCLUDED.bytes
$$;

CREATE FUNCTION photos_usage_trigger() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM usage_add(OLD.owner_id, -(OLD.size + OLD.thumbnails_size));
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM usage_add(NEW.owner_id, NEW.size + NEW.thumbnails_size);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER photos_usage AFTER INSERT OR DELETE OR UPDATE OF owner_id, size, thumbnails_size
  ON photos FOR EACH ROW EXECUTE FUNCTION photos_usage_trigger();

CREATE FUNCTION uploads_usage_trigger() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM usage_add(OLD.owner_id, -OLD.size);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM usage_add(NEW.owner_id, NEW.size);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER uploads_usage AFTER INSERT OR DELETE OR UPDATE OF owner_id, size
  ON uploads FOR EACH ROW EXECUTE FUNCTION uploads_usage_trigger();

-- Whether `wanted` more bytes fit in the account's quota (its own, else
-- `default_quota`; 0 = no limit).  It locks the account's usage row until
-- the calling statement's transaction ends, so that a concurrent admission
-- waits and then reads the usage this one leaves.
CREATE FUNCTION usage_admits(owner bigint, wanted bigint, default_quota bigint) RETURNS boolean
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  used  bigint;
  quota bigint;
BEGIN
  quota := coalesce((SELECT quota_bytes FROM quotas WHERE owner_id = owner), default_quota);
  IF quota = 0 THEN
    RETURN true; -- no limit: nothing to lock
  END IF;
  INSERT INTO usage (owner_id) VALUES (owner) ON CONFLICT (owner_id) DO NOTHING;
  SELECT bytes INTO used FROM usage WHERE owner_id = owner FOR UPDATE;
  -- Read again under the lock: an administrator may have changed it meanwhile.
  quota := coalesce((SELECT quota_bytes FROM quotas WHERE owner_id = owner), default_quota);
  RETURN quota = 0 OR used + wanted <= quota;
END
$$;

-- What was there before this migration (thumbnails then had no size).
INSERT INTO usage (owner_id, bytes)
  SELECT owner_id, sum(bytes) FROM (
    SELECT owner_id, size AS bytes FROM photos
    UNION ALL SELECT owner_id, size FROM uploads) AS rows
  GROUP BY owner_id;
