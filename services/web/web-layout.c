#define G_LOG_DOMAIN "carrete-web"

#include "web-layout.h"

#include "web-html.h"

/* Bumped with the assets so that browsers never mix old CSS with new
 * markup (assets are cached for a day). */
#define ASSET_VERSION "2"

void
web_layout_csrf_field (WebCtx *ctx, GString *out)
{
  web_append (out, "<input type=\"hidden\" name=\"csrf_token\" value=\"%s\">", ctx->csrf_token);
}

static void
render_header (WebCtx *ctx, GString *out)
{
  web_append (out, "<header class=\"topbar\"><nav class=\"topbar-inner\" aria-label=\"%s\">"
              "<a class=\"brand\" href=\"/\">Carrete</a>",
              T (ctx, "Main"));
  if (ctx->username != NULL && web_ctx_has_session (ctx))
    {
      web_append (out, "<a href=\"/upload\">%s</a><a href=\"/folders/new\">%s</a>"
                  "<a id=\"nav-shared\" href=\"/shared\">%s</a>"
                  "<a id=\"nav-trash\" href=\"/trash\">%s</a>",
                  T (ctx, "Upload"), T (ctx, "New folder"), T (ctx, "Shared with me"),
                  T (ctx, "Trash"));
      /* The account page only links the identity provider so far. */
      if (ctx->app->oidc_provider != NULL)
        web_append (out, "<a id=\"nav-account\" href=\"/account\">%s</a>", T (ctx, "Account"));
      web_append (out, "<span class=\"spacer\"></span><span id=\"current-user\">%s</span>"
                  "<form id=\"logout-form\" method=\"post\" action=\"/logout\">",
                  ctx->username);
      web_layout_csrf_field (ctx, out);
      web_append (out, "<button type=\"submit\" class=\"btn btn-link\">%s</button></form>",
                  T (ctx, "Sign out"));
    }
  else
    web_append (out, "<span class=\"spacer\"></span><a href=\"/login\">%s</a>"
                "<a href=\"/register\">%s</a>",
                T (ctx, "Sign in"), T (ctx, "Create account"));
  g_string_append (out, "</nav></header>\n");
}

static void
render_footer (WebCtx *ctx, GString *out)
{
  g_string_append (out, "<footer class=\"footer\">");
  if (!ctx->app->cookie_secure)
    web_append (out, "<p id=\"insecure-notice\">%s</p>",
                T (ctx, "This server runs on plain http: your session cookies travel "
                        "unencrypted. Use it only on a network you trust."));
  web_append (out, "<p><a href=\"?lang=en\" lang=\"en\" hreflang=\"en\">English</a> · "
              "<a href=\"?lang=es\" lang=\"es\" hreflang=\"es\">Español</a></p></footer>\n");
}

char *
web_layout_render (WebCtx *ctx, const char *title, const char *main_html)
{
  GString *out = g_string_sized_new (4096);

  web_append (out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              "<title>%s · Carrete</title>\n"
              "<link rel=\"stylesheet\" href=\"/static/carrete.css?v=" ASSET_VERSION "\">\n"
              "<script src=\"/static/upload.js?v=" ASSET_VERSION "\" defer></script>\n"
              "<script src=\"/static/thumbs.js?v=" ASSET_VERSION "\" defer></script>\n"
              "</head>\n<body>\n",
              ctx->lang, title);
  render_header (ctx, out);
  g_string_append (out, "<main class=\"container\">\n");
  g_string_append (out, main_html);
  g_string_append (out, "</main>\n");
  render_footer (ctx, out);
  g_string_append (out, "</body>\n</html>\n");
  return g_string_free (out, FALSE);
}
