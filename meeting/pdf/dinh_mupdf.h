// The wrappers in mupdf.c, as seen from Go.

#ifndef DINH_WRAP_H
#define DINH_WRAP_H

#include <stddef.h>

#include "mupdf.h"

#define DN_ERRLEN DINH_FZ_ERRLEN

// dn_char is one character of extracted text with its bounding box in page
// space, and the block and line it belongs to.
typedef struct
{
	int c;
	int block;
	int line;
	float x0, y0, x1, y1;
} dn_char;

fz_context *dn_new_context(size_t max_store, const char *version, char *err);
int dn_open(fz_context *ctx, const char *path, fz_document **out, char *err);
int dn_needs_password(fz_context *ctx, fz_document *doc, int *out, char *err);
int dn_authenticate(fz_context *ctx, fz_document *doc, const char *password, int *out, char *err);
int dn_count_pages(fz_context *ctx, fz_document *doc, int *out, char *err);
int dn_bound_page(fz_context *ctx, fz_document *doc, int number, fz_rect *out, char *err);
int dn_render(fz_context *ctx, fz_document *doc, int number, float scale,
	unsigned char *samples, int w, int h, fz_cookie *cookie, char *err);
int dn_text(fz_context *ctx, fz_document *doc, int number, fz_cookie *cookie,
	dn_char **out, int *count, fz_rect *bounds, char *err);

#endif
