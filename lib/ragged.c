/*
 * ragged.c: the layout of a variable-size set and its index (ragged.h).
 */
#include "ragged.h"

static uint64_t
get_le(const unsigned char *p, int bytes)
{
	uint64_t v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void
put_le(unsigned char *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

uint64_t
pxr_ragged_layout(const struct pxr_image_dims *dims, uint64_t n,
    const struct pxr_shape *s, int exif, unsigned channels,
    struct pxr_ragged_row *rows)
{
	uint64_t off = 0;

	for (uint64_t i = 0; i < n; i++) {
		uint32_t w = dims[i].width, h = dims[i].height, ow = 0, oh = 0;

		if (exif && dims[i].orientation >= 5) {
			w = dims[i].height;
			h = dims[i].width;
		}
		if (!dims[i].ok || pxr_shape_size(s, w, h, &ow, &oh) == -1)
			ow = oh = 0;
		rows[i] = (struct pxr_ragged_row){ off, oh, ow };
		off += (uint64_t)ow * oh * channels;
	}
	return off;
}

void
pxr_ragged_encode(const struct pxr_ragged_row *rows, uint64_t n,
    unsigned char *buf)
{
	for (uint64_t i = 0; i < n; i++, buf += PXR_RAGGED_ROW) {
		put_le(buf, rows[i].offset, 8);
		put_le(buf + 8, rows[i].height, 4);
		put_le(buf + 12, rows[i].width, 4);
	}
}

int
pxr_ragged_decode(const unsigned char *buf, uint64_t len, uint64_t n,
    unsigned channels, uint64_t x_bytes, struct pxr_ragged_row *rows,
    struct pxr_err *err)
{
	uint64_t end = 0;

	if (len / PXR_RAGGED_ROW != n || len % PXR_RAGGED_ROW != 0)
		return pxr_seterr(err, PXR_E_FORMAT,
		    "an index of %llu bytes, not %llu rows of %d",
		    (unsigned long long)len, (unsigned long long)n,
		    PXR_RAGGED_ROW);
	for (uint64_t i = 0; i < n; i++, buf += PXR_RAGGED_ROW) {
		struct pxr_ragged_row r = { get_le(buf, 8),
			(uint32_t)get_le(buf + 8, 4),
			(uint32_t)get_le(buf + 12, 4) };
		uint64_t size = (uint64_t)r.width * r.height * channels;

		if (r.offset != end || r.width > PXR_DIM_MAX ||
		    r.height > PXR_DIM_MAX ||
		    (r.width == 0) != (r.height == 0) || size > x_bytes - end)
			return pxr_seterr(err, PXR_E_FORMAT,
			    "index row %llu: %ux%u at %llu, where the image "
			    "before ends at %llu (X: %llu bytes)",
			    (unsigned long long)i, r.width, r.height,
			    (unsigned long long)r.offset,
			    (unsigned long long)end,
			    (unsigned long long)x_bytes);
		rows[i] = r;
		end += size;
	}
	if (end != x_bytes)
		return pxr_seterr(err, PXR_E_FORMAT,
		    "the index's images end at %llu, X has %llu bytes",
		    (unsigned long long)end, (unsigned long long)x_bytes);
	return 0;
}

uint64_t
pxr_ragged_largest(const struct pxr_ragged_row *rows, uint64_t n,
    unsigned channels)
{
	uint64_t most = 0;

	for (uint64_t i = 0; i < n; i++) {
		uint64_t b =
		    (uint64_t)rows[i].width * rows[i].height * channels;

		if (b > most)
			most = b;
	}
	return most;
}
