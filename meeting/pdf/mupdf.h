// Declarations of the small part of the MuPDF C API that this package uses,
// copied from the MuPDF 1.24.9 headers that github.com/gen2brain/go-fitz
// v1.24.15 bundles together with its static library (include/mupdf/fitz).
// The library itself is linked through go-fitz's cgo flags.
//
// When go-fitz is upgraded, compare every declaration below with the new
// headers and update mupdfVersion in mupdf.go: fz_new_context_imp refuses a
// version string that differs from the library's, which Open reports as an
// error rather than running with a mismatched ABI.
//
// MuPDF is Copyright (C) Artifex Software, Inc., licensed under the
// AGPL-3.0-or-later.

#ifndef DINH_MUPDF_H
#define DINH_MUPDF_H

#include <setjmp.h>
#include <stddef.h>

// fitz/system.h
#if !defined(__STRICT_ANSI__) && (defined(__APPLE__) || (defined(__unix) && !defined(__EMSCRIPTEN__)))
#define fz_setjmp(BUF) sigsetjmp(BUF, 0)
typedef sigjmp_buf fz_jmp_buf;
#else
#define fz_setjmp(BUF) setjmp(BUF)
typedef jmp_buf fz_jmp_buf;
#endif

// Opaque types.
typedef struct fz_context fz_context;
typedef struct fz_document fz_document;
typedef struct fz_page fz_page;
typedef struct fz_device fz_device;
typedef struct fz_pixmap fz_pixmap;
typedef struct fz_colorspace fz_colorspace;
typedef struct fz_separations fz_separations;
typedef struct fz_font fz_font;
typedef struct fz_image fz_image;
typedef struct fz_pool fz_pool;
typedef struct fz_alloc_context fz_alloc_context;
typedef struct fz_locks_context fz_locks_context;

// fitz/geometry.h
typedef struct { float x, y; } fz_point;
typedef struct { float x0, y0; float x1, y1; } fz_rect;
typedef struct { int x0, y0; int x1, y1; } fz_irect;
typedef struct { float a, b, c, d, e, f; } fz_matrix;
typedef struct { fz_point ul, ur, ll, lr; } fz_quad;

// fitz/context.h
fz_context *fz_new_context_imp(const fz_alloc_context *alloc, const fz_locks_context *locks, size_t max_store, const char *version);
void fz_drop_context(fz_context *ctx);
typedef void (fz_error_cb)(void *user, const char *message);
typedef void (fz_warning_cb)(void *user, const char *message);
void fz_set_error_callback(fz_context *ctx, fz_error_cb *error_cb, void *user);
void fz_set_warning_callback(fz_context *ctx, fz_warning_cb *warning_cb, void *user);
void fz_set_aa_level(fz_context *ctx, int bits);

fz_jmp_buf *fz_push_try(fz_context *ctx);
int fz_do_try(fz_context *ctx);
int fz_do_always(fz_context *ctx);
int (fz_do_catch)(fz_context *ctx);
int fz_caught(fz_context *ctx);
const char *fz_caught_message(fz_context *ctx);
void fz_ignore_error(fz_context *ctx);

#define fz_try(ctx) if (!fz_setjmp(*fz_push_try(ctx))) if (fz_do_try(ctx)) do
#define fz_always(ctx) while (0); if (fz_do_always(ctx)) do
#define fz_catch(ctx) while (0); if ((fz_do_catch)(ctx))
#define fz_var(var) fz_var_imp((void *)&(var))
void fz_var_imp(void *);

enum fz_error_type
{
	FZ_ERROR_NONE,
	FZ_ERROR_GENERIC,
	FZ_ERROR_SYSTEM,
	FZ_ERROR_LIBRARY,
	FZ_ERROR_ARGUMENT,
	FZ_ERROR_LIMIT,
	FZ_ERROR_UNSUPPORTED,
	FZ_ERROR_FORMAT,
	FZ_ERROR_SYNTAX,
	FZ_ERROR_TRYLATER,
	FZ_ERROR_ABORT,
	FZ_ERROR_REPAIRED,
};

// fitz/document.h
void fz_register_document_handlers(fz_context *ctx);
fz_document *fz_open_document(fz_context *ctx, const char *filename);
void fz_drop_document(fz_context *ctx, fz_document *doc);
int fz_needs_password(fz_context *ctx, fz_document *doc);
int fz_authenticate_password(fz_context *ctx, fz_document *doc, const char *password);
int fz_count_pages(fz_context *ctx, fz_document *doc);
fz_page *fz_load_page(fz_context *ctx, fz_document *doc, int number);
void fz_drop_page(fz_context *ctx, fz_page *page);
fz_rect fz_bound_page(fz_context *ctx, fz_page *page);

// fitz/device.h
typedef struct
{
	int abort;
	int progress;
	size_t progress_max;
	int errors;
	int incomplete;
} fz_cookie;

void fz_run_page(fz_context *ctx, fz_page *page, fz_device *dev, fz_matrix transform, fz_cookie *cookie);
fz_device *fz_new_draw_device(fz_context *ctx, fz_matrix transform, fz_pixmap *dest);
void fz_close_device(fz_context *ctx, fz_device *dev);
void fz_drop_device(fz_context *ctx, fz_device *dev);

// fitz/color.h, fitz/pixmap.h
fz_colorspace *fz_device_rgb(fz_context *ctx);
fz_pixmap *fz_new_pixmap_with_bbox_and_data(fz_context *ctx, fz_colorspace *colorspace, fz_irect rect, fz_separations *seps, int alpha, unsigned char *samples);
void fz_clear_pixmap_with_value(fz_context *ctx, fz_pixmap *pix, int value);
void fz_drop_pixmap(fz_context *ctx, fz_pixmap *pix);

// fitz/structured-text.h
typedef struct fz_stext_char fz_stext_char;
typedef struct fz_stext_line fz_stext_line;
typedef struct fz_stext_block fz_stext_block;

enum
{
	FZ_STEXT_PRESERVE_LIGATURES = 1,
	FZ_STEXT_PRESERVE_WHITESPACE = 2,
	FZ_STEXT_PRESERVE_IMAGES = 4,
	FZ_STEXT_INHIBIT_SPACES = 8,
	FZ_STEXT_DEHYPHENATE = 16,
	FZ_STEXT_PRESERVE_SPANS = 32,
	FZ_STEXT_MEDIABOX_CLIP = 64,
	FZ_STEXT_USE_CID_FOR_UNKNOWN_UNICODE = 128,
};

typedef struct
{
	fz_pool *pool;
	fz_rect mediabox;
	fz_stext_block *first_block, *last_block;
} fz_stext_page;

enum
{
	FZ_STEXT_BLOCK_TEXT = 0,
	FZ_STEXT_BLOCK_IMAGE = 1
};

struct fz_stext_block
{
	int type;
	fz_rect bbox;
	union {
		struct { fz_stext_line *first_line, *last_line; } t;
		struct { fz_matrix transform; fz_image *image; } i;
	} u;
	fz_stext_block *prev, *next;
};

struct fz_stext_line
{
	int wmode;
	fz_point dir;
	fz_rect bbox;
	fz_stext_char *first_char, *last_char;
	fz_stext_line *prev, *next;
};

struct fz_stext_char
{
	int c;
	int bidi;
	int color;
	fz_point origin;
	fz_quad quad;
	float size;
	fz_font *font;
	fz_stext_char *next;
};

typedef struct
{
	int flags;
	float scale;
} fz_stext_options;

fz_stext_page *fz_new_stext_page(fz_context *ctx, fz_rect mediabox);
void fz_drop_stext_page(fz_context *ctx, fz_stext_page *page);
fz_device *fz_new_stext_device(fz_context *ctx, fz_stext_page *page, const fz_stext_options *options);

#endif
