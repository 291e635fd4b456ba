#pragma once

#include "web-ctx.h"

G_BEGIN_DECLS

/* The whole HTML document around a page's <main> content: head, header
 * with the signed-in user and the sign-out form, the plain-http notice,
 * the language switch.  `title` is plain text; `main_html` is markup
 * already escaped by its page. */
char *web_layout_render (WebCtx *ctx, const char *title, const char *main_html);

/* The hidden CSRF field every form carries. */
void web_layout_csrf_field (WebCtx *ctx, GString *out);

G_END_DECLS
