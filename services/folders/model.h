#pragma once

#include <json-glib/json-glib.h>

#include "carrete-ids.h"
#include "carrete-json-writer.h"

G_BEGIN_DECLS

/* A folder row. */
typedef struct
{
  gint64 id;
  gint64 owner_id;
  char *name;
  char *visibility; /* "private" or "public" */
  char **tags;      /* normalised, never NULL */
  char *created_at; /* RFC 3339, UTC, milliseconds */
  char *updated_at;
  char *sort_key;   /* created_at to the microsecond, for keyset cursors */
  char *trashed_at; /* RFC 3339, milliseconds (exact); NULL unless in the trash */
  char *purge_at;
  char *role;              /* the caller's: "owner", "contributor", "viewer", "link" or NULL */
  gboolean allow_download; /* for "link": whether the link shows originals */
} FoldersFolder;

void folders_folder_free (FoldersFolder *folder);
gboolean folders_folder_is_public (const FoldersFolder *folder);
/* Whether the caller may see it: theirs, shared with them, or public. */
gboolean folders_folder_is_visible (const FoldersFolder *folder);

void folders_folder_write_json (CarreteJsonWriter *writer, const FoldersFolder *folder,
                                const CarreteIds *ids);
/* A page: {"items": [...], "next_cursor": ... or null}. */
void folders_folder_page_write_json (CarreteJsonWriter *writer, GPtrArray *folders,
                                     const char *next_cursor, const CarreteIds *ids);

/* A member of a folder: an account the owner shares it with. */
typedef struct
{
  gint64 user_id;
  char *username;   /* as when added; NULL when carrete-users was not asked */
  char *role;       /* "viewer" or "contributor" */
  char *added_at;   /* RFC 3339, UTC, milliseconds */
  char *sort_key;   /* added_at to the microsecond, for keyset cursors */
  gboolean created; /* a PUT added them (rather than changed their role) */
} FoldersMember;

void folders_member_free (FoldersMember *member);
void folders_member_write_json (CarreteJsonWriter *writer, const FoldersMember *member,
                                const CarreteIds *ids);
void folders_member_page_write_json (CarreteJsonWriter *writer, GPtrArray *members,
                                     const char *next_cursor, const CarreteIds *ids);

/* A share link (sql/folders/004_shares.sql): a folder or one photo for
 * whoever holds its token. */
typedef struct
{
  gint64 id;
  gint64 owner_id;
  gint64 folder_id; /* 0 for a photo's link */
  gint64 photo_id;  /* 0 for a folder's link */
  gboolean allow_download;
  char *label;      /* NULL when none */
  char *expires_at; /* RFC 3339, UTC, milliseconds; NULL: never */
  char *created_at;
  char *sort_key; /* created_at to the microsecond, for keyset cursors */
  gint64 use_count;
  char *last_used_at;  /* NULL until first used */
  char *password_hash; /* argon2id; NULL when the link has no password */
  char *token;         /* in full only in the answer that created it */
} FoldersShare;

void folders_share_free (FoldersShare *share);
/* The owner's view (the token and `url` only when known, i.e. at
 * creation). */
void folders_share_write_json (CarreteJsonWriter *writer, const FoldersShare *share,
                               const CarreteIds *ids);
void folders_share_page_write_json (CarreteJsonWriter *writer, GPtrArray *shares,
                                    const char *next_cursor, const CarreteIds *ids);
/* The link holder's view (GET /v1/shares/current): what it covers. */
void folders_share_write_access_json (CarreteJsonWriter *writer, const FoldersShare *share,
                                      const CarreteIds *ids);

/* What a PATCH changes; NULL members stay as they are. */
typedef struct
{
  char *name;
  char *visibility;
  char **tags;
} FoldersChanges;

void folders_changes_clear (FoldersChanges *changes);

typedef enum
{
  FOLDERS_MATCH_ALL,
  FOLDERS_MATCH_ANY,
} FoldersMatch;

/* One search of GET /v1/folders, validated and normalised. */
typedef struct
{
  gint64 owner_id;        /* the caller's own folders, or 0 for none */
  gboolean public_ones;   /* everyone's public folders too */
  gboolean shared_ones;   /* the folders shared with the caller too */
  gint64 caller_id;       /* 0 for an anonymous caller */
  char *scope;            /* as resolved: "mine", "public", "shared" or "all" */
  char *q;                /* name substring, or NULL */
  char **tags;            /* normalised, or NULL */
  FoldersMatch match;
  char *from;             /* RFC 3339, or NULL */
  char *to;
  guint limit;
  char *cursor;           /* as given, or NULL */
} FoldersSearch;

void folders_search_clear (FoldersSearch *search);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoldersFolder, folders_folder_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoldersMember, folders_member_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FoldersShare, folders_share_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FoldersChanges, folders_changes_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FoldersSearch, folders_search_clear)

G_END_DECLS
