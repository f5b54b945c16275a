// Thin C wrappers around MuPDF. Every call that can throw runs inside
// fz_try: an exception that escapes to the top of MuPDF's error stack makes
// the library call exit(), which would take the whole app down.
//
// Each wrapper returns 0 on success, or the MuPDF error code with the message
// copied into err (DNPH_ERRLEN bytes, always NUL-terminated). On failure
// nothing is left for the caller to drop.

#include <stdlib.h>
#include <string.h>

#include "mupdf.h"
#include "dinh_mupdf.h"

// dnph_open copies data into a MuPDF buffer (the JPEG decoder may patch the
// frame header in place, and the caller's bytes must stay untouched) and
// reads the image header without decoding the pixels.
int dnph_open(fz_context *ctx, const unsigned char *data, size_t len,
	fz_image **out, dnph_info *info, char *err)
{
	fz_buffer *buf = NULL;
	fz_image *image = NULL;
	fz_var(buf);
	fz_var(image);
	fz_try(ctx)
	{
		buf = fz_new_buffer_from_copied_data(ctx, data, len);
		image = fz_new_image_from_buffer(ctx, buf);
		info->w = image->w;
		info->h = image->h;
		info->n = image->n;
		info->orientation = fz_image_orientation(ctx, image);
	}
	fz_always(ctx)
		fz_drop_buffer(ctx, buf);
	fz_catch(ctx)
	{
		fz_drop_image(ctx, image);
		return dinh_fz_fail(ctx, err);
	}
	*out = image;
	return 0;
}

// dnph_flatten returns a copy of pix without alpha, composited on white.
// MuPDF's pixmaps hold premultiplied alpha, so a component c with alpha a
// becomes c + (255 - a). Only valid for additive colour spaces (gray, RGB).
static fz_pixmap *dnph_flatten(fz_context *ctx, fz_pixmap *pix)
{
	int w = fz_pixmap_width(ctx, pix);
	int h = fz_pixmap_height(ctx, pix);
	int n = fz_pixmap_components(ctx, pix);
	int sstride = fz_pixmap_stride(ctx, pix);
	const unsigned char *s = fz_pixmap_samples(ctx, pix);
	fz_pixmap *dst = fz_new_pixmap(ctx, fz_pixmap_colorspace(ctx, pix), w, h, NULL, 0);
	int dstride = fz_pixmap_stride(ctx, dst);
	unsigned char *d = fz_pixmap_samples(ctx, dst);
	int x, y, k, c = n - 1;

	for (y = 0; y < h; y++)
	{
		const unsigned char *sp = s + (size_t)y * sstride;
		unsigned char *dp = d + (size_t)y * dstride;
		for (x = 0; x < w; x++, sp += n, dp += c)
		{
			int bg = 255 - sp[c];
			for (k = 0; k < c; k++)
			{
				int v = sp[k] + bg;
				dp[k] = v > 255 ? 255 : v;
			}
		}
	}
	return dst;
}

// dnph_taps holds, for each pixel of one axis of a resampled image, the
// source pixels it averages and their weights, in 1/one.
typedef struct
{
	int *start;  // first source pixel
	int *count;  // number of source pixels
	int *weight; // count weights per pixel, at weight[pixel * max]
	int max;     // the most source pixels any pixel averages
} dnph_taps;

// dnph_new_taps computes an area (box) filter from src pixels down to dst:
// each result pixel is the mean of the source interval it covers, with
// the pixels at its ends weighted by how much of them it covers. The
// weights of each pixel add up to exactly one.
static void dnph_new_taps(fz_context *ctx, dnph_taps *t, int src, int dst, int one)
{
	double r = (double)src / dst;
	int o, k;

	t->max = (int)r + 2;
	t->start = fz_calloc(ctx, dst, sizeof(int));
	t->count = fz_calloc(ctx, dst, sizeof(int));
	t->weight = fz_calloc(ctx, (size_t)dst * t->max, sizeof(int));
	for (o = 0; o < dst; o++)
	{
		double a = o * r, b = (o + 1) * r;
		int s0 = (int)a, s1 = (int)b, sum = 0, big = 0;
		int *w = t->weight + (size_t)o * t->max;
		if (s1 < b)
			s1++;
		if (s1 > src)
			s1 = src;
		if (s1 - s0 > t->max)
			s1 = s0 + t->max;
		t->start[o] = s0;
		t->count[o] = s1 - s0;
		for (k = 0; k < s1 - s0; k++)
		{
			double lo = s0 + k > a ? s0 + k : a;
			double hi = s0 + k + 1 < b ? s0 + k + 1 : b;
			w[k] = (int)((hi - lo) / r * one + 0.5);
			sum += w[k];
			if (w[k] > w[big])
				big = k;
		}
		w[big] += one - sum;
	}
}

static void dnph_drop_taps(fz_context *ctx, dnph_taps *t)
{
	fz_free(ctx, t->start);
	fz_free(ctx, t->count);
	fz_free(ctx, t->weight);
}

// Weights are in 1/2^12 down the columns and 1/2^10 along the rows, so
// that a sample, at most 255 · 2^12 · 2^10 < 2^31, fits an int.
#define DNPH_ONE_Y (1 << 12)
#define DNPH_ONE_X (1 << 10)

// dnph_resample returns a w×h copy of pix (any components, premultiplied
// alpha is fine) reduced with an area filter, one result row at a time:
// first the source rows it covers are averaged, then the columns. It
// replaces fz_scale_pixmap, which took about 34 ms for the reduction most
// phone photos need after the decoder's (2016×1512 to 2000×1500), twice
// as long as this.
static fz_pixmap *dnph_resample(fz_context *ctx, fz_pixmap *pix, int w, int h)
{
	int sw = fz_pixmap_width(ctx, pix);
	int sh = fz_pixmap_height(ctx, pix);
	int n = fz_pixmap_components(ctx, pix);
	int sstride = fz_pixmap_stride(ctx, pix);
	const unsigned char *s = fz_pixmap_samples(ctx, pix);
	fz_pixmap *dst = NULL;
	dnph_taps tx = { 0 }, ty = { 0 };
	int *row = NULL;
	fz_var(dst);
	fz_var(row);
	fz_var(tx);
	fz_var(ty);
	fz_try(ctx)
	{
		int x, y, k, c, dstride;
		size_t rowlen = (size_t)sw * n, i;
		unsigned char *d;
		dnph_new_taps(ctx, &tx, sw, w, DNPH_ONE_X);
		dnph_new_taps(ctx, &ty, sh, h, DNPH_ONE_Y);
		row = fz_calloc(ctx, rowlen, sizeof(int));
		dst = fz_new_pixmap(ctx, fz_pixmap_colorspace(ctx, pix), w, h, NULL, fz_pixmap_alpha(ctx, pix));
		d = fz_pixmap_samples(ctx, dst);
		dstride = fz_pixmap_stride(ctx, dst);
		for (y = 0; y < h; y++)
		{
			const int *wy = ty.weight + (size_t)y * ty.max;
			const unsigned char *sp = s + (size_t)ty.start[y] * sstride;
			unsigned char *dp = d + (size_t)y * dstride;
			int wk = wy[0];
			for (i = 0; i < rowlen; i++)
				row[i] = sp[i] * wk;
			for (k = 1; k < ty.count[y]; k++)
			{
				sp += sstride;
				wk = wy[k];
				for (i = 0; i < rowlen; i++)
					row[i] += sp[i] * wk;
			}
			if (n == 3)
			{
				for (x = 0; x < w; x++, dp += 3)
				{
					const int *wx = tx.weight + (size_t)x * tx.max;
					const int *rp = row + (size_t)tx.start[x] * 3;
					int a0 = 1 << 21, a1 = 1 << 21, a2 = 1 << 21;
					for (k = 0; k < tx.count[x]; k++, rp += 3)
					{
						a0 += rp[0] * wx[k];
						a1 += rp[1] * wx[k];
						a2 += rp[2] * wx[k];
					}
					dp[0] = (unsigned char)(a0 >> 22);
					dp[1] = (unsigned char)(a1 >> 22);
					dp[2] = (unsigned char)(a2 >> 22);
				}
				continue;
			}
			for (x = 0; x < w; x++)
			{
				const int *wx = tx.weight + (size_t)x * tx.max;
				const int *rp = row + (size_t)tx.start[x] * n;
				for (c = 0; c < n; c++)
				{
					int acc = 1 << 21;
					for (k = 0; k < tx.count[x]; k++)
						acc += rp[k * n + c] * wx[k];
					*dp++ = (unsigned char)(acc >> 22);
				}
			}
		}
	}
	fz_always(ctx)
	{
		fz_free(ctx, row);
		dnph_drop_taps(ctx, &tx);
		dnph_drop_taps(ctx, &ty);
	}
	fz_catch(ctx)
	{
		fz_drop_pixmap(ctx, dst);
		fz_rethrow(ctx);
	}
	return dst;
}

// dnph_decode decodes image, with the decoder's own subsampling when reqw
// and reqh are positive (MuPDF picks the largest power-of-two reduction
// that keeps at least reqw+2 × reqh+2 pixels; JPEG does it in the DCT),
// then reduces the result to exactly w × h (never larger than decoded), flattens any alpha on white and
// converts it to device gray or device RGB. decw × dech is the size the
// decoder produced.
int dnph_decode(fz_context *ctx, fz_image *image, int reqw, int reqh, int w, int h,
	int *decw, int *dech, fz_pixmap **out, char *err)
{
	fz_pixmap *pix = NULL;
	fz_pixmap *tmp = NULL;
	fz_var(pix);
	fz_var(tmp);
	fz_try(ctx)
	{
		fz_colorspace *cs, *want;
		fz_color_params params = { FZ_RI_RELATIVE_COLORIMETRIC, 1, 0, 0 }; // fz_default_color_params
		int ncs;

		if (reqw > 0 && reqh > 0)
		{
			fz_matrix ctm = { (float)reqw, 0, 0, (float)reqh, 0, 0 };
			pix = fz_get_pixmap_from_image(ctx, image, NULL, &ctm, NULL, NULL);
		}
		else
			pix = fz_get_pixmap_from_image(ctx, image, NULL, NULL, NULL, NULL);
		*decw = fz_pixmap_width(ctx, pix);
		*dech = fz_pixmap_height(ctx, pix);

		cs = fz_pixmap_colorspace(ctx, pix);
		if (cs == NULL)
			fz_throw(ctx, FZ_ERROR_UNSUPPORTED, "image has no colour space");
		ncs = fz_colorspace_n(ctx, cs);
		if (fz_pixmap_components(ctx, pix) != ncs + fz_pixmap_alpha(ctx, pix))
			fz_throw(ctx, FZ_ERROR_UNSUPPORTED, "image has spot colours");

		if (*decw < w || *dech < h)
			fz_throw(ctx, FZ_ERROR_LIBRARY, "decoded to %dx%d, less than %dx%d", *decw, *dech, w, h);
		if (*decw != w || *dech != h)
		{
			tmp = dnph_resample(ctx, pix, w, h);
			fz_drop_pixmap(ctx, pix);
			pix = tmp;
			tmp = NULL;
		}

		// Gray and RGB are additive: flatten before converting, so that
		// the colour conversion never sees alpha.
		if (fz_pixmap_alpha(ctx, pix) && (ncs == 1 || ncs == 3))
		{
			tmp = dnph_flatten(ctx, pix);
			fz_drop_pixmap(ctx, pix);
			pix = tmp;
			tmp = NULL;
		}

		want = fz_colorspace_is_gray(ctx, cs) ? fz_device_gray(ctx) : fz_device_rgb(ctx);
		if (cs != want)
		{
			tmp = fz_convert_pixmap(ctx, pix, want, NULL, NULL, params, 1);
			fz_drop_pixmap(ctx, pix);
			pix = tmp;
			tmp = NULL;
		}

		if (fz_pixmap_alpha(ctx, pix))
		{
			tmp = dnph_flatten(ctx, pix);
			fz_drop_pixmap(ctx, pix);
			pix = tmp;
			tmp = NULL;
		}
	}
	fz_catch(ctx)
	{
		fz_drop_pixmap(ctx, tmp);
		fz_drop_pixmap(ctx, pix);
		return dinh_fz_fail(ctx, err);
	}
	*out = pix;
	return 0;
}

// dnph_walk sets where the pixel at (x, y) of the upright picture is read
// from in pix: samples + origin + x*dx + y*dy, for the Exif orientation
// exif (1–8). It returns the upright size; for 5–8 width and height swap.
static void dnph_walk(fz_context *ctx, fz_pixmap *pix, int exif,
	ptrdiff_t *origin, ptrdiff_t *dx, ptrdiff_t *dy, int *dw, int *dh)
{
	int w = fz_pixmap_width(ctx, pix);
	int h = fz_pixmap_height(ctx, pix);
	ptrdiff_t n = fz_pixmap_components(ctx, pix);
	ptrdiff_t s = fz_pixmap_stride(ctx, pix);
	ptrdiff_t right = (ptrdiff_t)(w - 1) * n, bottom = (ptrdiff_t)(h - 1) * s;

	*dw = exif >= 5 ? h : w;
	*dh = exif >= 5 ? w : h;
	switch (exif)
	{
	case 2: *origin = right; *dx = -n; *dy = s; break;
	case 3: *origin = bottom + right; *dx = -n; *dy = -s; break;
	case 4: *origin = bottom; *dx = n; *dy = -s; break;
	case 5: *origin = 0; *dx = s; *dy = n; break;
	case 6: *origin = bottom; *dx = -s; *dy = n; break;
	case 7: *origin = bottom + right; *dx = -s; *dy = -n; break;
	case 8: *origin = right; *dx = s; *dy = -n; break;
	default: *origin = 0; *dx = n; *dy = s; break;
	}
}

// Both exports work in DNPH_BLOCK×DNPH_BLOCK blocks of the result, so that
// a rotation reads the source in cache-friendly runs. Even, for 4:2:0.
#define DNPH_BLOCK 64

// dnph_export_gray copies pix (gray, no alpha), upright for exif, into
// dst, the pixels of a Go image.Gray with stride bytes per row.
void dnph_export_gray(fz_context *ctx, fz_pixmap *pix, int exif, unsigned char *dst, int stride)
{
	const unsigned char *s = fz_pixmap_samples(ctx, pix);
	ptrdiff_t origin, dx, dy;
	int dw, dh, x, y, bx, by;

	dnph_walk(ctx, pix, exif, &origin, &dx, &dy, &dw, &dh);
	for (by = 0; by < dh; by += DNPH_BLOCK)
	{
		int ey = by + DNPH_BLOCK < dh ? by + DNPH_BLOCK : dh;
		for (bx = 0; bx < dw; bx += DNPH_BLOCK)
		{
			int ex = bx + DNPH_BLOCK < dw ? bx + DNPH_BLOCK : dw;
			for (y = by; y < ey; y++)
			{
				const unsigned char *sp = s + origin + y * dy + bx * dx;
				unsigned char *dp = dst + (size_t)y * stride + bx;
				for (x = bx; x < ex; x++, sp += dx)
					*dp++ = *sp;
			}
		}
	}
}

#define DNPH_Y(R, G, B) ((unsigned char)((19595 * (R) + 38470 * (G) + 7471 * (B) + (1 << 15)) >> 16))

static unsigned char dnph_clamp(int v)
{
	return v < 0 ? 0 : v > 255 ? 255 : (unsigned char)v;
}

// dnph_export_ycc converts pix (RGB, no alpha), upright for exif, to the
// planes of a Go image.YCbCr with 4:2:0 chroma: luma is full size with
// ystride bytes per row, each chroma plane half size (rounded up) with
// cstride. The arithmetic is image/color.RGBToYCbCr's (JFIF full range);
// chroma is that of the mean of each 2×2 block. Doing this here, in one
// pass with the rotation, leaves the encoder planes it can use as they
// are.
void dnph_export_ycc(fz_context *ctx, fz_pixmap *pix, int exif,
	unsigned char *yp, int ystride, unsigned char *cbp, unsigned char *crp, int cstride)
{
	const unsigned char *s = fz_pixmap_samples(ctx, pix);
	ptrdiff_t origin, dx, dy;
	int dw, dh, x, y, bx, by, i, j;

	dnph_walk(ctx, pix, exif, &origin, &dx, &dy, &dw, &dh);
	for (by = 0; by < dh; by += DNPH_BLOCK)
	{
		int ey = by + DNPH_BLOCK < dh ? by + DNPH_BLOCK : dh;
		for (bx = 0; bx < dw; bx += DNPH_BLOCK)
		{
			int ex = bx + DNPH_BLOCK < dw ? bx + DNPH_BLOCK : dw;
			for (y = by; y < ey; y += 2)
			{
				int rows = y + 1 < dh ? 2 : 1;
				const unsigned char *s0 = s + origin + y * dy;
				unsigned char *l0 = yp + (size_t)y * ystride;
				unsigned char *cb = cbp + (size_t)(y / 2) * cstride;
				unsigned char *cr = crp + (size_t)(y / 2) * cstride;
				for (x = bx; x < ex; x += 2)
				{
					int cols = x + 1 < dw ? 2 : 1;
					int r = 0, g = 0, b = 0;
					if (rows == 2 && cols == 2)
					{
						// The usual case, unrolled.
						const unsigned char *p00 = s0 + x * dx, *p01 = p00 + dx;
						const unsigned char *p10 = p00 + dy, *p11 = p01 + dy;
						l0[x] = DNPH_Y(p00[0], p00[1], p00[2]);
						l0[x + 1] = DNPH_Y(p01[0], p01[1], p01[2]);
						l0[x + ystride] = DNPH_Y(p10[0], p10[1], p10[2]);
						l0[x + 1 + ystride] = DNPH_Y(p11[0], p11[1], p11[2]);
						r = (p00[0] + p01[0] + p10[0] + p11[0] + 2) >> 2;
						g = (p00[1] + p01[1] + p10[1] + p11[1] + 2) >> 2;
						b = (p00[2] + p01[2] + p10[2] + p11[2] + 2) >> 2;
					}
					else
					{
						int cnt = rows * cols;
						for (j = 0; j < rows; j++)
						{
							const unsigned char *sp = s0 + j * dy + x * dx;
							unsigned char *lp = l0 + (size_t)j * ystride + x;
							for (i = 0; i < cols; i++, sp += dx)
							{
								lp[i] = DNPH_Y(sp[0], sp[1], sp[2]);
								r += sp[0];
								g += sp[1];
								b += sp[2];
							}
						}
						r = (r + cnt / 2) / cnt;
						g = (g + cnt / 2) / cnt;
						b = (b + cnt / 2) / cnt;
					}
					cb[x / 2] = dnph_clamp((-11056 * r - 21712 * g + 32768 * b + (257 << 15)) >> 16);
					cr[x / 2] = dnph_clamp((32768 * r - 27440 * g - 5328 * b + (257 << 15)) >> 16);
				}
			}
		}
	}
}

// dnph_encode writes pix (gray or RGB, no alpha) as a JPEG into a new buffer
// and returns the buffer with its data and length. MuPDF's writer always
// produces a progressive JPEG without chroma subsampling, slowly; Prepare
// encodes in Go instead (encode.go), and this wrapper is kept for
// BenchmarkEncode, which shows why.
int dnph_encode(fz_context *ctx, fz_pixmap *pix, int quality,
	fz_buffer **out, unsigned char **data, size_t *len, char *err)
{
	fz_buffer *buf = NULL;
	fz_output *o = NULL;
	fz_var(buf);
	fz_var(o);
	fz_try(ctx)
	{
		size_t guess = (size_t)fz_pixmap_width(ctx, pix) * fz_pixmap_height(ctx, pix) *
			fz_pixmap_components(ctx, pix) / 6 + 4096;
		buf = fz_new_buffer(ctx, guess);
		o = fz_new_output_with_buffer(ctx, buf);
		// invert_cmyk only matters for CMYK, which never gets here.
		fz_write_pixmap_as_jpeg(ctx, o, pix, quality, 0);
		fz_close_output(ctx, o);
	}
	fz_always(ctx)
		fz_drop_output(ctx, o);
	fz_catch(ctx)
	{
		fz_drop_buffer(ctx, buf);
		return dinh_fz_fail(ctx, err);
	}
	*len = fz_buffer_storage(ctx, buf, data);
	*out = buf;
	return 0;
}

void dnph_size(fz_context *ctx, fz_pixmap *pix, int *w, int *h, int *n)
{
	*w = fz_pixmap_width(ctx, pix);
	*h = fz_pixmap_height(ctx, pix);
	*n = fz_pixmap_components(ctx, pix);
}
