-- Folder members: accounts the owner shares a folder with, as viewers
-- (read the folder and its photos) or contributors (also upload into it).
-- user_id is the users service's row id (another database, no foreign key);
-- username is the account's name when it was added (names never change),
-- so that listing members needs no call to carrete-users;
-- folder_created_at is the folder's (which never changes), so that "Shared
-- with me" pages in the folders' order straight from the index below.  002
-- is the trash's migration.
CREATE TABLE folder_members (
  folder_id  bigint NOT NULL REFERENCES folders (id) ON DELETE CASCADE,
  user_id    bigint NOT NULL,
  username   text,
  role       text NOT NULL CHECK (role IN ('viewer', 'contributor')),
  added_at   timestamptz NOT NULL DEFAULT now(),
  folder_created_at timestamptz NOT NULL,
  PRIMARY KEY (folder_id, user_id)
);

-- "Shared with me" (scope=shared), newest folder first, page after page
-- (keyset), each row then finding its folder by primary key; and a deleted
-- account's memberships.
CREATE INDEX folder_members_user_idx
  ON folder_members (user_id, folder_created_at DESC, folder_id DESC);
