#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The P-256 public key as JWK coordinates, read with OpenSSL from PEM. */
typedef struct
{
  char *x; /* base64url */
  char *y;
  char *thumbprint; /* RFC 7638, used as `kid` */
  struct evp_pkey_st *public_key; /* parsed once, for verification */
} CarreteJwk;

gboolean carrete_jwk_from_public_pem (const char *pem, gsize len, CarreteJwk *jwk,
                                      GError **error);
/* Checks that the private key PEM is a P-256 key whose public half is `jwk`. */
gboolean carrete_jwk_matches_private_pem (const CarreteJwk *jwk, const char *pem, gsize len,
                                          GError **error);
void carrete_jwk_clear (CarreteJwk *jwk);

G_END_DECLS
