// Declarations of the part of the MuPDF C API that only this package uses,
// on top of internal/fitz/fitz.h, copied from the same MuPDF 1.24.9 headers
// (see fitz.h for what to do when go-fitz is upgraded). The library itself
// is linked through go-fitz's cgo flags. A mismatched version matters most
// for struct fz_image, whose leading fields (w, h, n, orientation) are read
// directly because MuPDF 1.24 has no accessor for an image's pixel size.
//
// MuPDF is Copyright (C) Artifex Software, Inc., licensed under the
// AGPL-3.0-or-later.

#ifndef DINH_PHOTO_MUPDF_H
#define DINH_PHOTO_MUPDF_H

#include <stdint.h>

#include "fitz.h"

// Opaque types.
typedef struct fz_default_colorspaces fz_default_colorspaces;
typedef struct fz_output fz_output;

// fitz/store.h
typedef struct fz_storable fz_storable;
typedef void (fz_store_drop_fn)(fz_context *, fz_storable *);
typedef int (fz_store_droppable_fn)(fz_context *, fz_storable *);
struct fz_storable {
	int refs;
	fz_store_drop_fn *drop;
	fz_store_droppable_fn *droppable;
};
typedef struct
{
	fz_storable storable;
	short store_key_refs;
} fz_key_storable;

// fitz/buffer.h
typedef struct fz_buffer fz_buffer; // a public struct, used through functions only
void fz_drop_buffer(fz_context *ctx, fz_buffer *buf);
size_t fz_buffer_storage(fz_context *ctx, fz_buffer *buf, unsigned char **datap);
fz_buffer *fz_new_buffer(fz_context *ctx, size_t capacity);
fz_buffer *fz_new_buffer_from_copied_data(fz_context *ctx, const unsigned char *data, size_t size);

// fitz/output.h
fz_output *fz_new_output_with_buffer(fz_context *ctx, fz_buffer *buf);
void fz_close_output(fz_context *, fz_output *);
void fz_drop_output(fz_context *, fz_output *);

// fitz/color.h
enum
{
	FZ_RI_PERCEPTUAL,
	FZ_RI_RELATIVE_COLORIMETRIC,
	FZ_RI_SATURATION,
	FZ_RI_ABSOLUTE_COLORIMETRIC,
};
typedef struct
{
	uint8_t ri;	/* rendering intent */
	uint8_t bp;	/* black point compensation */
	uint8_t op;	/* overprinting */
	uint8_t opm;	/* overprint mode */
} fz_color_params;
enum { FZ_MAX_COLORS = 32 };
int fz_colorspace_n(fz_context *ctx, fz_colorspace *cs);
int fz_colorspace_is_gray(fz_context *ctx, fz_colorspace *cs);
fz_colorspace *fz_device_gray(fz_context *ctx);

// fitz/pixmap.h
int fz_pixmap_width(fz_context *ctx, const fz_pixmap *pix);
int fz_pixmap_height(fz_context *ctx, const fz_pixmap *pix);
fz_pixmap *fz_new_pixmap(fz_context *ctx, fz_colorspace *cs, int w, int h, fz_separations *seps, int alpha);
fz_colorspace *fz_pixmap_colorspace(fz_context *ctx, const fz_pixmap *pix);
int fz_pixmap_components(fz_context *ctx, const fz_pixmap *pix);
int fz_pixmap_alpha(fz_context *ctx, const fz_pixmap *pix);
unsigned char *fz_pixmap_samples(fz_context *ctx, const fz_pixmap *pix);
int fz_pixmap_stride(fz_context *ctx, const fz_pixmap *pix);
fz_pixmap *fz_convert_pixmap(fz_context *ctx, const fz_pixmap *pix, fz_colorspace *cs_des, fz_colorspace *prf, fz_default_colorspaces *default_cs, fz_color_params color_params, int keep_alpha);

// fitz/image.h
typedef fz_pixmap *(fz_image_get_pixmap_fn)(fz_context *ctx, fz_image *im, fz_irect *subarea, int w, int h, int *l2factor);
typedef size_t (fz_image_get_size_fn)(fz_context *, fz_image *);
typedef void (fz_drop_image_fn)(fz_context *ctx, fz_image *image);
struct fz_image
{
	fz_key_storable key_storable;
	int w, h;
	uint8_t n;
	uint8_t bpc;
	unsigned int imagemask:1;
	unsigned int interpolate:1;
	unsigned int use_colorkey:1;
	unsigned int use_decode:1;
	unsigned int decoded:1;
	unsigned int scalable:1;
	uint8_t orientation;
	fz_image *mask;
	int xres; /* As given in the image, not necessarily as rendered */
	int yres; /* As given in the image, not necessarily as rendered */
	fz_colorspace *colorspace;
	fz_drop_image_fn *drop_image;
	fz_image_get_pixmap_fn *get_pixmap;
	fz_image_get_size_fn *get_size;
	int colorkey[FZ_MAX_COLORS * 2];
	float decode[FZ_MAX_COLORS * 2];
};
fz_pixmap *fz_get_pixmap_from_image(fz_context *ctx, fz_image *image, const fz_irect *subarea, fz_matrix *ctm, int *w, int *h);
void fz_drop_image(fz_context *ctx, fz_image *image);
fz_image *fz_new_image_from_buffer(fz_context *ctx, fz_buffer *buffer);
uint8_t fz_image_orientation(fz_context *ctx, fz_image *image);

// fitz/write-pixmap.h
void fz_write_pixmap_as_jpeg(fz_context *ctx, fz_output *out, fz_pixmap *pix, int quality, int invert_cmyk);

#endif
