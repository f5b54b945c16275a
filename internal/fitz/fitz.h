// The part of the MuPDF C API that every Đình package calling MuPDF needs,
// copied from the MuPDF 1.24.9 headers that github.com/gen2brain/go-fitz
// v1.24.15 bundles together with its static library (include/mupdf/fitz),
// and the helpers every wrapper file uses. Each package's own mupdf.h adds
// the declarations only it uses.
//
// When go-fitz is upgraded, compare every declaration here and in each
// mupdf.h with the new headers, and update Version in fitz.go:
// fz_new_context_imp refuses a version string that differs from the
// library's, which the packages report as an error rather than running
// with a mismatched ABI.
//
// MuPDF is Copyright (C) Artifex Software, Inc., licensed under the
// AGPL-3.0-or-later.

#ifndef DINH_FITZ_H
#define DINH_FITZ_H

#include <setjmp.h>
#include <stddef.h>
#include <string.h>

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
typedef struct fz_pixmap fz_pixmap;
typedef struct fz_colorspace fz_colorspace;
typedef struct fz_separations fz_separations;
typedef struct fz_image fz_image;
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

fz_jmp_buf *fz_push_try(fz_context *ctx);
int fz_do_try(fz_context *ctx);
int fz_do_always(fz_context *ctx);
int (fz_do_catch)(fz_context *ctx);
int fz_caught(fz_context *ctx);
const char *fz_caught_message(fz_context *ctx);
void fz_ignore_error(fz_context *ctx);
#if defined(__GNUC__)
__attribute__((noreturn))
#endif
void fz_throw(fz_context *ctx, int errcode, const char *fmt, ...);
#if defined(__GNUC__)
__attribute__((noreturn))
#endif
void fz_rethrow(fz_context *ctx);

#define fz_try(ctx) if (!fz_setjmp(*fz_push_try(ctx))) if (fz_do_try(ctx)) do
#define fz_always(ctx) while (0); if (fz_do_always(ctx)) do
#define fz_catch(ctx) while (0); if ((fz_do_catch)(ctx))
#define fz_var(var) fz_var_imp((void *)&(var))
void fz_var_imp(void *);

void *fz_calloc(fz_context *ctx, size_t count, size_t size);
void fz_free(fz_context *ctx, void *p);

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

// fitz/color.h, fitz/pixmap.h
fz_colorspace *fz_device_rgb(fz_context *ctx);
void fz_drop_pixmap(fz_context *ctx, fz_pixmap *pix);

// --- Đình's helpers -----------------------------------------------------------
// They are static inline so that each package gets its own copy and no
// symbol is defined twice when both packages are linked into one binary.

// DINH_FZ_ERRLEN is the size of the error buffer every wrapper fills.
#define DINH_FZ_ERRLEN 256

static inline void dinh_fz_quiet(void *user, const char *message)
{
	(void)user;
	(void)message;
}

static inline void dinh_fz_message(char *err, const char *msg)
{
	if (err)
	{
		strncpy(err, msg ? msg : "", DINH_FZ_ERRLEN - 1);
		err[DINH_FZ_ERRLEN - 1] = 0;
	}
}

// dinh_fz_fail is what a wrapper's fz_catch returns: the caught error's
// code (never 0) with its message copied into err.
static inline int dinh_fz_fail(fz_context *ctx, char *err)
{
	int code = fz_caught(ctx);
	dinh_fz_message(err, fz_caught_message(ctx));
	fz_ignore_error(ctx);
	return code != FZ_ERROR_NONE ? code : FZ_ERROR_GENERIC;
}

// dinh_fz_new_context makes a context that prints nothing on stderr, or
// returns NULL with the reason in err.
static inline fz_context *dinh_fz_new_context(size_t max_store, const char *version, char *err)
{
	fz_context *ctx = fz_new_context_imp(NULL, NULL, max_store, version);
	if (ctx == NULL)
	{
		dinh_fz_message(err, "cannot create mupdf context (library version differs from the headers, or out of memory)");
		return NULL;
	}
	fz_set_error_callback(ctx, dinh_fz_quiet, NULL);
	fz_set_warning_callback(ctx, dinh_fz_quiet, NULL);
	return ctx;
}

#endif
