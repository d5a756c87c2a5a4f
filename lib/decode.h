/*
 * decode.h: JPEG and PNG bytes to pixels (lib/decode.c), for pxr-decode
 * and its unit test.
 */
#ifndef PXR_DECODE_H
#define PXR_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "pxr.h"

/* Pillow's decompression-bomb limit (Image.MAX_IMAGE_PIXELS). */
#define PXR_DECODE_MAX_PIXELS 178956970u

/* What to do with libjpeg's warnings (recoverable damage). */
enum pxr_decode_policy {
	PXR_DECODE_DEFAULT = 0, /* truncated data fails, other damage warns */
	PXR_DECODE_STRICT,      /* every warning fails */
	PXR_DECODE_LENIENT      /* every warning, truncation too, only warns */
};

/*
 * The DCT scales M/8 that --min-side may choose, as a bit mask (bit M).
 * libjpeg-turbo has SIMD code for 1/8, 2/8, 4/8 and 8/8 only; the other
 * scales were measured slower than the next larger SIMD scale on the
 * bench corpus (see bench/Makefile.decode).
 */
#define PXR_DECODE_SCALES ((1u << 1) | (1u << 2) | (1u << 4) | (1u << 8))

struct pxr_decode_opts {
	uint32_t min_side;   /* 0: decode at full size */
	uint64_t max_pixels; /* declared width x height above this fails */
	int gray;            /* keep grayscale images as one channel */
	int exif_rotate;     /* apply a JPEG's EXIF orientation */
	enum pxr_decode_policy policy;
	unsigned scales; /* allowed M of M/8, bit M set; 0: PXR_DECODE_SCALES */
};

struct pxr_decoder;

/* A decoder with its own reused output buffer; NULL with err filled. */
struct pxr_decoder *pxr_decoder_new(const struct pxr_decode_opts *opts,
    struct pxr_err *err);
void pxr_decoder_free(struct pxr_decoder *dec);

/*
 * Decodes the ENCODED record rec in place: on success rec becomes a PIXELS
 * record (width, height, channels, orig_width, orig_height set; index,
 * label and name kept) whose payload points into the decoder's buffer,
 * valid until the next call.  Returns 0, or 1 when the image was decoded
 * despite damage (PXR_FLAG_WARNING set, the warning text in err->msg), or
 * -1 with the reason in err->msg and rec unchanged.
 */
int pxr_decode(struct pxr_decoder *dec, struct pxr_record *rec,
    struct pxr_err *err);

/*
 * A part of the image to decode.  need is called with the size the image
 * decodes to (after DCT scaling) and fills the rectangle the caller will
 * use; after the decode, the record holds the part have (need, widened
 * to the codec's block boundaries, or the whole image) of that fw x fh
 * image.
 */
struct pxr_decode_part {
	void (*need)(void *ctx, uint32_t w, uint32_t h, struct pxr_rect *need);
	void *ctx;
	uint32_t fw, fh;      /* out: the whole decoded size */
	struct pxr_rect have; /* out: the part in the record */
};

/*
 * As pxr_decode, decoding only part of the image where the format allows:
 * a JPEG's rows outside the part are skipped after entropy decoding (so
 * damage anywhere is still found) and its columns outside cropped at iMCU
 * boundaries (jpeg_crop_scanline, jpeg_skip_scanlines).  A PNG, or a JPEG
 * turned by its EXIF orientation, is decoded whole.  part NULL: as
 * pxr_decode.
 */
int pxr_decode_part(struct pxr_decoder *dec, struct pxr_record *rec,
    struct pxr_decode_part *part, struct pxr_err *err);

/*
 * The M of the scale M/8 to decode a w x h JPEG at: the smallest allowed M
 * whose output (ceil(w*M/8) x ceil(h*M/8), as libjpeg computes it) still
 * has its shortest side >= min_side; 8 when min_side is 0 or no allowed
 * scale below 8/8 is large enough.
 */
unsigned pxr_decode_pick_scale(uint32_t w, uint32_t h, uint32_t min_side,
    unsigned scales);

/*
 * The EXIF orientation (1..8) of an APP1 segment's data (starting with
 * "Exif\0\0"), or 1 if it has none or is malformed.
 */
unsigned pxr_decode_exif_orientation(const unsigned char *p, size_t n);

/*
 * The same for a segment of n bytes of which the first have are at hand:
 * *need is how many it read (at most n); while have < *need the answer is
 * not known yet (1 is returned) and needs those bytes.
 */
unsigned pxr_decode_exif_orientation_n(const unsigned char *p, size_t have,
    size_t n, size_t *need);

/* Image formats told from the first bytes. */
enum pxr_decode_format { PXR_FMT_OTHER = 0, PXR_FMT_JPEG, PXR_FMT_PNG };
enum pxr_decode_format pxr_decode_sniff(const unsigned char *p, size_t n);

/*
 * Describes bytes that are not a JPEG or PNG image, for a failure reason:
 * "not an image: empty", "not an image: HTML text (starts with 0x3c
 * 0x21 ...)", "not a JPEG or PNG: GIF image", and so on.  Writes a
 * NUL-terminated string of at most size bytes into buf; returns buf.
 */
char *pxr_decode_describe(const unsigned char *p, size_t n, char *buf,
    size_t size);

/*
 * An image's stored size from its first bytes (dims.c): a JPEG's frame
 * header and, with exif, the orientation of its first Exif APP1 before
 * its first scan (as libjpeg saves the markers: one after the frame
 * header counts too); a PNG's IHDR.  Call first with d->next 0 and the bytes
 * from offset 0; each call takes n bytes p from file offset off.  1: known
 * (width, height as stored, orientation 1..8); 0: it needs d->want bytes from
 * offset d->next (call again with bytes from there, or from before it, that
 * cover them; a file that ends before them has a truncated header);
 * -1 with err: not a JPEG or PNG, or a header that says no size.
 */
struct pxr_dims {
	uint32_t width, height;
	unsigned orientation;
	enum pxr_decode_format format;
	uint64_t next;
	size_t want;
	int exif_seen;
	int sof_seen; /* the size known; an Exif APP1 looked for up to SOS */
};

int pxr_dims_scan(struct pxr_dims *d, const unsigned char *p, size_t n,
    uint64_t off, int exif, struct pxr_err *err);

#endif /* PXR_DECODE_H */
