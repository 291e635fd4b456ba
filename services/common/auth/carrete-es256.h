#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ECDSA P-256 / SHA-256 verification of a JOSE signature (the 64-byte
 * r || s form of RFC 7518 §3.4) with an already-parsed OpenSSL key, so that
 * verifying a token costs one signature check and no key parsing. */
#define CARRETE_ES256_SIGNATURE_BYTES 64

typedef struct evp_pkey_st CarreteEs256Key;

gboolean carrete_es256_verify (CarreteEs256Key *key, const char *data, gsize len,
                               const guint8 signature[CARRETE_ES256_SIGNATURE_BYTES]);

G_END_DECLS
