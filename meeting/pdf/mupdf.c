// Thin C wrappers around MuPDF. Every call that can throw runs inside
// fz_try: an exception that escapes to the top of MuPDF's error stack makes
// the library call exit(), which would take the whole app down.
//
// Each wrapper returns 0 on success, or the MuPDF error code with the message
// copied into err (DN_ERRLEN bytes, always NUL-terminated).

#include <stdlib.h>
#include <string.h>

#include "mupdf.h"
#include "dinh_mupdf.h"

fz_context *dn_new_context(size_t max_store, const char *version, char *err)
{
	fz_context *ctx = dinh_fz_new_context(max_store, version, err);
	if (ctx == NULL)
		return NULL;
	fz_try(ctx)
		fz_register_document_handlers(ctx);
	fz_catch(ctx)
	{
		dinh_fz_fail(ctx, err);
		fz_drop_context(ctx);
		return NULL;
	}
	return ctx;
}

int dn_open(fz_context *ctx, const char *path, fz_document **out, char *err)
{
	fz_document *doc = NULL;
	fz_var(doc);
	fz_try(ctx)
		doc = fz_open_document(ctx, path);
	fz_catch(ctx)
		return dinh_fz_fail(ctx, err);
	*out = doc;
	return 0;
}

int dn_needs_password(fz_context *ctx, fz_document *doc, int *out, char *err)
{
	int v = 0;
	fz_var(v);
	fz_try(ctx)
		v = fz_needs_password(ctx, doc);
	fz_catch(ctx)
		return dinh_fz_fail(ctx, err);
	*out = v;
	return 0;
}

int dn_authenticate(fz_context *ctx, fz_document *doc, const char *password, int *out, char *err)
{
	int v = 0;
	fz_var(v);
	fz_try(ctx)
		v = fz_authenticate_password(ctx, doc, password);
	fz_catch(ctx)
		return dinh_fz_fail(ctx, err);
	*out = v;
	return 0;
}

int dn_count_pages(fz_context *ctx, fz_document *doc, int *out, char *err)
{
	int n = 0;
	fz_var(n);
	fz_try(ctx)
		n = fz_count_pages(ctx, doc);
	fz_catch(ctx)
		return dinh_fz_fail(ctx, err);
	*out = n;
	return 0;
}

int dn_bound_page(fz_context *ctx, fz_document *doc, int number, fz_rect *out, char *err)
{
	fz_page *page = NULL;
	fz_var(page);
	fz_try(ctx)
	{
		page = fz_load_page(ctx, doc, number);
		*out = fz_bound_page(ctx, page);
	}
	fz_always(ctx)
		fz_drop_page(ctx, page);
	fz_catch(ctx)
		return dinh_fz_fail(ctx, err);
	return 0;
}

int dn_render(fz_context *ctx, fz_document *doc, int number, float scale,
	unsigned char *samples, int w, int h, fz_cookie *cookie, char *err)
{
	fz_page *page = NULL;
	fz_pixmap *pix = NULL;
	fz_device *dev = NULL;
	fz_var(page);
	fz_var(pix);
	fz_var(dev);
	fz_try(ctx)
	{
		fz_rect b;
		fz_matrix ctm;
		fz_irect box = { 0, 0, w, h };

		page = fz_load_page(ctx, doc, number);
		b = fz_bound_page(ctx, page);
		ctm.a = scale; ctm.b = 0;
		ctm.c = 0; ctm.d = scale;
		ctm.e = -b.x0 * scale; ctm.f = -b.y0 * scale;

		// The pixmap borrows the caller's buffer (the Pix of an
		// image.RGBA): RGB plus alpha is exactly RGBA byte order.
		pix = fz_new_pixmap_with_bbox_and_data(ctx, fz_device_rgb(ctx), box, NULL, 1, samples);
		fz_clear_pixmap_with_value(ctx, pix, 0xff);
		dev = fz_new_draw_device(ctx, (fz_matrix){ 1, 0, 0, 1, 0, 0 }, pix);
		fz_run_page(ctx, page, dev, ctm, cookie);
		fz_close_device(ctx, dev);
	}
	fz_always(ctx)
	{
		fz_drop_device(ctx, dev);
		fz_drop_pixmap(ctx, pix);
		fz_drop_page(ctx, page);
	}
	fz_catch(ctx)
		return dinh_fz_fail(ctx, err);
	return 0;
}

static void dn_quad_bbox(fz_quad q, dn_char *c)
{
	float x0 = q.ul.x, x1 = q.ul.x, y0 = q.ul.y, y1 = q.ul.y;
	fz_point p[3] = { q.ur, q.ll, q.lr };
	int i;
	for (i = 0; i < 3; i++)
	{
		if (p[i].x < x0) x0 = p[i].x;
		if (p[i].x > x1) x1 = p[i].x;
		if (p[i].y < y0) y0 = p[i].y;
		if (p[i].y > y1) y1 = p[i].y;
	}
	c->x0 = x0; c->y0 = y0; c->x1 = x1; c->y1 = y1;
}

int dn_text(fz_context *ctx, fz_document *doc, int number, fz_cookie *cookie,
	dn_char **out, int *count, fz_rect *bounds, char *err)
{
	fz_page *page = NULL;
	fz_stext_page *text = NULL;
	fz_device *dev = NULL;
	dn_char *chars = NULL;
	int n = 0;
	fz_var(page);
	fz_var(text);
	fz_var(dev);
	fz_var(chars);
	fz_var(n);
	fz_try(ctx)
	{
		fz_stext_options opts = { FZ_STEXT_MEDIABOX_CLIP, 0 };
		fz_stext_block *block;
		fz_stext_line *line;
		fz_stext_char *ch;
		int b = 0, l = 0, cap = 0;

		page = fz_load_page(ctx, doc, number);
		*bounds = fz_bound_page(ctx, page);
		text = fz_new_stext_page(ctx, *bounds);
		dev = fz_new_stext_device(ctx, text, &opts);
		fz_run_page(ctx, page, dev, (fz_matrix){ 1, 0, 0, 1, 0, 0 }, cookie);
		fz_close_device(ctx, dev);

		for (block = text->first_block; block; block = block->next)
			if (block->type == FZ_STEXT_BLOCK_TEXT)
				for (line = block->u.t.first_line; line; line = line->next)
					for (ch = line->first_char; ch; ch = ch->next)
						cap++;
		if (cap > 0)
		{
			chars = malloc(sizeof(dn_char) * cap);
			if (chars == NULL)
				cap = 0;
		}
		for (block = text->first_block; block && n < cap; block = block->next)
		{
			if (block->type != FZ_STEXT_BLOCK_TEXT)
				continue;
			for (line = block->u.t.first_line; line && n < cap; line = line->next)
			{
				for (ch = line->first_char; ch && n < cap; ch = ch->next)
				{
					dn_char *c = &chars[n++];
					c->c = ch->c;
					c->block = b;
					c->line = l;
					dn_quad_bbox(ch->quad, c);
				}
				l++;
			}
			b++;
		}
	}
	fz_always(ctx)
	{
		fz_drop_device(ctx, dev);
		fz_drop_stext_page(ctx, text);
		fz_drop_page(ctx, page);
	}
	fz_catch(ctx)
	{
		free(chars);
		return dinh_fz_fail(ctx, err);
	}
	*out = chars;
	*count = n;
	return 0;
}
