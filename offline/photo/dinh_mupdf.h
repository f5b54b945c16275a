// The wrappers in mupdf.c, as seen from Go. Their names start with dnph_ so
// that they cannot clash with meeting/pdf's dn_ wrappers when both packages
// are linked into the same binary.

#ifndef DINH_PHOTO_WRAP_H
#define DINH_PHOTO_WRAP_H

#include <stddef.h>

#include "mupdf.h"

#define DNPH_ERRLEN DINH_FZ_ERRLEN

// dnph_info describes an image as read from its header, before decoding.
typedef struct
{
	int w, h;        // pixel size
	int n;           // colour components, without alpha
	int orientation; // MuPDF's orientation code 0–8, see fz_image_orientation
} dnph_info;

int dnph_open(fz_context *ctx, const unsigned char *data, size_t len,
	fz_image **out, dnph_info *info, char *err);
int dnph_decode(fz_context *ctx, fz_image *image, int reqw, int reqh, int w, int h,
	int *decw, int *dech, fz_pixmap **out, char *err);
void dnph_export_gray(fz_context *ctx, fz_pixmap *pix, int exif, unsigned char *dst, int stride);
void dnph_export_ycc(fz_context *ctx, fz_pixmap *pix, int exif,
	unsigned char *yp, int ystride, unsigned char *cbp, unsigned char *crp, int cstride);
int dnph_encode(fz_context *ctx, fz_pixmap *pix, int quality,
	fz_buffer **out, unsigned char **data, size_t *len, char *err);
void dnph_size(fz_context *ctx, fz_pixmap *pix, int *w, int *h, int *n);

#endif
