/*
 * dims.c: an image's size from its first bytes, without decoding it: a
 * JPEG's frame header (SOF), with its EXIF orientation when asked, or a
 * PNG's IHDR.  For the plan of a variable-size set (#28), which must know
 * every image's output size before any is decoded, from a cold disk: so a
 * call takes whatever bytes of the file are at hand and says which it
 * needs next, and the reader fetches only those.
 */
#include <string.h>

#include "decode.h"
#include "pxr.h"

static uint32_t
be16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t
be32(const unsigned char *p)
{
	return be16(p) << 16 | be16(p + 2);
}

/* Is m a start-of-frame marker (SOF0..15 but DHT, JPG, DAC)? */
static int
is_sof(unsigned m)
{
	return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

static int
bad(struct pxr_dims *d, struct pxr_err *err, const char *why)
{
	d->next = 0;
	return pxr_seterr(err, PXR_E_IMAGE, "%s", why);
}

/* Asks for want bytes from offset at; returns 0. */
static int
more(struct pxr_dims *d, uint64_t at, size_t want)
{
	d->next = at;
	d->want = want;
	return 0;
}

static int
png(struct pxr_dims *d, const unsigned char *p, size_t n, uint64_t off,
    struct pxr_err *err)
{
	/* The signature (8), then IHDR first: length 13, "IHDR", width,
	 * height (big-endian). */
	if (off > 0 || n < 24)
		return more(d, 0, 24);
	if (be32(p + 8) != 13 || memcmp(p + 12, "IHDR", 4) != 0)
		return bad(d, err, "PNG without IHDR first");
	d->width = be32(p + 16);
	d->height = be32(p + 20);
	if (d->width == 0 || d->height == 0 || d->width > 0x7fffffff ||
	    d->height > 0x7fffffff)
		return bad(d, err, "PNG of a zero or impossible size");
	d->format = PXR_FMT_PNG;
	return 1;
}

int
pxr_dims_scan(struct pxr_dims *d, const unsigned char *p, size_t n,
    uint64_t off, int exif, struct pxr_err *err)
{
	uint64_t pos;

	if (d->next == 0 && off == 0) {
		enum pxr_decode_format f = pxr_decode_sniff(p, n);

		memset(d, 0, sizeof(*d));
		d->orientation = 1;
		if (f == PXR_FMT_PNG)
			return png(d, p, n, off, err);
		if (f != PXR_FMT_JPEG) {
			char what[128];

			return bad(d, err,
			    pxr_decode_describe(p, n, what, sizeof(what)));
		}
		d->format = PXR_FMT_JPEG;
		d->next = 2; /* after SOI */
	}
	if (d->format == PXR_FMT_PNG)
		return png(d, p, n, off, err);
	pos = d->next;
	for (;;) {
		const unsigned char *q;
		uint32_t len;
		unsigned m;

		if (pos < off || pos - off + 4 > n)
			return more(d, pos, 4);
		q = p + (pos - off);
		/* As libjpeg's next_marker: bytes other than 0xff before a
		 * marker are skipped (with a warning there), so are fill
		 * bytes and 0xff 0x00. */
		if (q[0] != 0xff || q[1] == 0xff) {
			pos++;
			continue;
		}
		m = q[1];
		if (m == 0x00) {
			pos += 2;
			continue;
		}
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd7)) {
			pos += 2; /* TEM, RSTn: no parameters */
			continue;
		}
		if ((m == 0xd8 || m == 0xd9 || m == 0xda) && d->sof_seen) {
			d->next = 0; /* no Exif APP1 before the scan */
			return 1;
		}
		if (m == 0xd8 || m == 0xd9 || m == 0xda)
			return bad(d, err,
			    m == 0xda ? "JPEG: scan before any frame header"
				      : "JPEG: no frame header");
		len = be16(q + 2);
		if (len < 2)
			return bad(d, err, "JPEG: a segment shorter than 2");
		if (is_sof(m) && !d->sof_seen) {
			if (pos - off + 2 + 7 > n)
				return more(d, pos, 2 + 7);
			d->height = be16(q + 5);
			d->width = be16(q + 7);
			if (d->width == 0 || d->height == 0)
				return bad(d, err,
				    "JPEG: frame of a zero size (DNL)");
			if (!exif || d->exif_seen) {
				d->next = 0;
				return 1;
			}
			/* libjpeg saves the APPn markers up to the first
			 * scan: an Exif APP1 after the frame header turns
			 * the image too. */
			d->sof_seen = 1;
		}
		if (exif && !d->exif_seen && m == 0xe1 && len >= 2 + 6) {
			/* The first Exif APP1 sets the orientation, as the
			 * decoder's (pxr_decode_exif_orientation). */
			size_t have =
			    pos - off + 4 <= n ? n - (pos - off + 4) : 0;
			size_t seg = len - 2, need;

			if (have < 6)
				return more(d, pos, 4 + 6);
			if (memcmp(q + 4, "Exif\0\0", 6) == 0) {
				unsigned o = pxr_decode_exif_orientation_n(
				    q + 4, have < seg ? have : seg, seg, &need);

				if (need > have)
					return more(d, pos, 4 + need);
				d->orientation = o;
				d->exif_seen = 1;
				if (d->sof_seen) {
					d->next = 0;
					return 1;
				}
			}
		}
		pos += 2 + (uint64_t)len;
	}
}
