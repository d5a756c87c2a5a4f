/*
 * decode.c: JPEG bytes (libjpeg-turbo, the classic jpeg_* API) to u8
 * pixels, RGB or gray, written straight into one reused buffer; and what
 * the PNG decoder (decode_png.c, libpng) shares with it: the decoder, the
 * format sniffing, the size checks and the buffers.
 *
 * libjpeg's error handler longjmps back here, and libpng's to decode_png.c:
 * the two libraries report errors no other way, and these two files are
 * the only ones in lib/ and cmd/ that use setjmp and longjmp.  libjpeg's
 * warnings are collected through the emit_message hook and judged by the
 * policy: "Premature end of JPEG file" (JWRN_JPEG_EOF: the data ends early
 * and libjpeg fills the rest with gray) fails unless the policy is
 * lenient; under the strict policy every warning fails.  Both cases stop
 * decoding at once, so a truncated image costs no more than the data it
 * holds.
 */
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>
#include <png.h>

#include "decode.h"

#include "decode_int.h"

/*
 * A progressive JPEG can hold any number of scans, each a pass over the
 * whole image's coefficients: a small file of thousands of scans takes
 * minutes.  Real ones have about 10; libjpeg-turbo's fuzzers and
 * TurboJPEG's scan limit stop at 500.
 */
#define MAX_SCANS 500

static void
jpeg_error_exit(j_common_ptr ci)
{
	struct jerr *je = (struct jerr *)ci->err;

	ci->err->format_message(ci, je->dec->fail);
	longjmp(je->jb, 1);
}

/* Warnings have level -1; levels 0 and up are trace messages. */
static void
jpeg_emit_message(j_common_ptr ci, int level)
{
	struct jerr *je = (struct jerr *)ci->err;
	struct pxr_decoder *dec = je->dec;
	char msg[JMSG_LENGTH_MAX];

	if (level >= 0)
		return;
	ci->err->num_warnings++;
	if (dec->nwarn++ == 0)
		ci->err->format_message(ci, dec->warn);
	if (ci->err->msg_code == JWRN_JPEG_EOF)
		dec->saw_eof = 1;
	if (dec->o.policy == PXR_DECODE_STRICT ||
	    (dec->saw_eof && dec->o.policy != PXR_DECODE_LENIENT)) {
		ci->err->format_message(ci, msg);
		snprintf(dec->fail, sizeof(dec->fail), "%s", msg);
		longjmp(je->jb, 1);
	}
}

/* Called as libjpeg reads input: stops a scan bomb. */
static void
jpeg_progress(j_common_ptr ci)
{
	struct jerr *je = (struct jerr *)ci->err;
	int scans = ((j_decompress_ptr)ci)->input_scan_number;

	if (ci->is_decompressor && scans > MAX_SCANS) {
		snprintf(je->dec->fail, sizeof(je->dec->fail),
		    "more than %d scans (a scan bomb), refused", MAX_SCANS);
		longjmp(je->jb, 1);
	}
}

struct pxr_decoder *
pxr_decoder_new(const struct pxr_decode_opts *opts, struct pxr_err *err)
{
	struct pxr_decoder *volatile dec;

	if ((dec = calloc(1, sizeof(*dec))) == NULL) {
		pxr_seterr(err, PXR_E_NOMEM, "out of memory");
		return NULL;
	}
	dec->o = *opts;
	if (dec->o.scales == 0)
		dec->o.scales = PXR_DECODE_SCALES;
	dec->cinfo.err = jpeg_std_error(&dec->jerr.pub);
	dec->jerr.pub.error_exit = jpeg_error_exit;
	dec->jerr.pub.emit_message = jpeg_emit_message;
	dec->jerr.dec = dec;
	dec->progress.progress_monitor = jpeg_progress;
	if (setjmp(dec->jerr.jb)) {
		/* Only out of memory can fail here. */
		pxr_seterr(err, PXR_E_NOMEM, "libjpeg: %s", dec->fail);
		free(dec);
		return NULL;
	}
	jpeg_create_decompress(&dec->cinfo);
	dec->have_cinfo = 1;
	return dec;
}

void
pxr_decoder_free(struct pxr_decoder *dec)
{
	if (dec == NULL)
		return;
	if (dec->have_cinfo)
		jpeg_destroy_decompress(&dec->cinfo);
	free(dec->scratch);
	free(dec->rows);
	free(dec->row);
	free(dec->tmp);
	free(dec->buf);
	free(dec);
}

unsigned
pxr_decode_pick_scale(uint32_t w, uint32_t h, uint32_t min_side,
    unsigned scales)
{
	uint64_t side = w < h ? w : h;

	if (scales == 0)
		scales = PXR_DECODE_SCALES;
	if (min_side == 0)
		return 8;
	for (unsigned m = 1; m < 8; m++) {
		/* libjpeg: output size = ceil(size * M / 8). */
		if ((scales & (1u << m)) && (side * m + 7) / 8 >= min_side)
			return m;
	}
	return 8;
}

enum pxr_decode_format
pxr_decode_sniff(const unsigned char *p, size_t n)
{
	static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', '\r',
		'\n', 0x1a, '\n' };

	if (n >= 2 && p[0] == 0xff && p[1] == 0xd8)
		return PXR_FMT_JPEG;
	if (n >= 8 && memcmp(p, png_sig, 8) == 0)
		return PXR_FMT_PNG;
	return PXR_FMT_OTHER;
}

static const char *
what_bytes(const unsigned char *p, size_t n)
{
	size_t i, k;

	if (n >= 4 && memcmp(p, "GIF8", 4) == 0)
		return "a GIF image";
	if (n >= 12 && memcmp(p, "RIFF", 4) == 0 &&
	    memcmp(p + 8, "WEBP", 4) == 0)
		return "a WebP image";
	if (n >= 4 &&
	    (memcmp(p, "II*\0", 4) == 0 || memcmp(p, "MM\0*", 4) == 0))
		return "a TIFF image";
	if (n >= 2 && p[0] == 'B' && p[1] == 'M')
		return "a BMP image";
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return "gzip data";
	if (n >= 4 && memcmp(p, "PK\3\4", 4) == 0)
		return "a zip archive";
	if (n >= 4 && memcmp(p, "%PDF", 4) == 0)
		return "a PDF document";
	for (i = 0; i < n &&
	     (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n');
	     i++)
		;
	if (i < n && p[i] == '<')
		return "HTML or XML text";
	for (k = 0; k < n && k < 256; k++)
		if ((p[k] < 0x20 && p[k] != '\t' && p[k] != '\r' &&
			p[k] != '\n') ||
		    p[k] == 0x7f)
			break;
	if (k == n || k == 256)
		return "text";
	return "unknown data";
}

char *
pxr_decode_describe(const unsigned char *p, size_t n, char *buf, size_t size)
{
	size_t len;

	if (size == 0)
		return buf;
	if (n == 0) {
		snprintf(buf, size, "not an image: empty (0 bytes)");
		return buf;
	}
	snprintf(buf, size, "not an image: %s, %zu bytes, starts with",
	    what_bytes(p, n), n);
	for (size_t i = 0; i < n && i < 4; i++) {
		len = strlen(buf);
		snprintf(buf + len, size - len, " 0x%02x", p[i]);
	}
	return buf;
}

/* Grows *bufp, of *capp bytes, to hold len bytes (never shrinks it); 0,
 * or -1 if out of memory. */
int
decode_reserve(unsigned char **bufp, size_t *capp, size_t len)
{
	unsigned char *p;

	if (len <= *capp)
		return 0;
	if ((p = realloc(*bufp, len)) == NULL)
		return -1;
	*bufp = p;
	*capp = len;
	return 0;
}

/* Grows the PNG row pointer array to h entries. */
int
decode_reserve_rows(struct pxr_decoder *dec, size_t h)
{
	png_bytep *p;

	if (h <= dec->rowscap)
		return 0;
	if ((p = realloc(dec->rows, h * sizeof(*p))) == NULL)
		return -1;
	dec->rows = p;
	dec->rowscap = h;
	return 0;
}

/*
 * Checks the declared size before any pixel memory is allocated; fills
 * dec->fail and returns -1 when the image is refused.
 */
int
decode_check_size(struct pxr_decoder *dec, uint64_t w, uint64_t h, unsigned ch,
    const char *what)
{
	uint64_t pixels = w * h; /* both under 2^32: no overflow */

	if (w == 0 || h == 0) {
		snprintf(dec->fail, sizeof(dec->fail),
		    "%s declares an empty image (%" PRIu64 "x%" PRIu64 ")",
		    what, w, h);
		return -1;
	}
	if (pixels > dec->o.max_pixels) {
		snprintf(dec->fail, sizeof(dec->fail),
		    "%s declares %" PRIu64 "x%" PRIu64 " = %" PRIu64
		    " pixels, over the limit of %" PRIu64 " (--max-pixels)",
		    what, w, h, pixels, dec->o.max_pixels);
		return -1;
	}
	if (w > PXR_DIM_MAX || h > PXR_DIM_MAX ||
	    pixels * ch > PXR_PAYLOAD_MAX) {
		snprintf(dec->fail, sizeof(dec->fail),
		    "%s declares %" PRIu64 "x%" PRIu64
		    ", too large for a pxr record",
		    what, w, h);
		return -1;
	}
	return 0;
}

/*
 * Adobe CMYK as Pillow converts it: Pillow reads every CMYK JPEG as
 * "CMYK;I" (inverted, Adobe's convention), then convert("RGB") computes
 * R = nk - nk*C/255 with nk = 255 - K, rounded as its MULDIV255.  Here
 * the samples are libjpeg's, still inverted: C = 255 - c, nk = k.
 */
static void
cmyk_to_rgb(unsigned char *out, const unsigned char *in, uint32_t w)
{
	for (uint32_t x = 0; x < w; x++, in += 4, out += 3) {
		unsigned nk = in[3];

		for (int i = 0; i < 3; i++) {
			unsigned t = (255u - in[i]) * nk + 128;

			out[i] = (unsigned char)(nk - ((t + (t >> 8)) >> 8));
		}
	}
}

static uint32_t
get16(const unsigned char *p, int le)
{
	return le ? (uint32_t)p[0] | (uint32_t)p[1] << 8
		  : (uint32_t)p[0] << 8 | (uint32_t)p[1];
}

static uint32_t
get32(const unsigned char *p, int le)
{
	return le ? get16(p, 1) | get16(p + 2, 1) << 16
		  : get16(p, 0) << 16 | get16(p + 2, 0);
}

unsigned
pxr_decode_exif_orientation_n(const unsigned char *p, size_t have, size_t n,
    size_t *need)
{
	uint32_t off, count;
	int le;

	/* "Exif\0\0", then a TIFF header: byte order, 42, IFD0's offset. */
	*need = n < 6 + 8 ? n : 6 + 8;
	if (have < *need)
		return 1;
	if (n < 6 + 8 || memcmp(p, "Exif\0\0", 6) != 0)
		return 1;
	p += 6;
	n -= 6;
	if (p[0] == 'I' && p[1] == 'I')
		le = 1;
	else if (p[0] == 'M' && p[1] == 'M')
		le = 0;
	else
		return 1;
	if (get16(p + 2, le) != 42)
		return 1;
	off = get32(p + 4, le);
	if (off < 8 || off > n || n - off < 2)
		return 1;
	*need = 6 + (size_t)off + 2;
	if (have < *need)
		return 1;
	count = get16(p + off, le);
	for (uint32_t i = 0; i < count; i++) {
		size_t e = off + 2 + (size_t)i * 12;
		uint32_t v;

		if (e + 12 > n)
			break;
		*need = 6 + e + 12;
		if (have < *need)
			return 1;
		if (get16(p + e, le) != 0x0112)
			continue;
		/* Orientation: one SHORT, stored in the value field. */
		if (get16(p + e + 2, le) != 3)
			return 1;
		v = get16(p + e + 8, le);
		return v >= 1 && v <= 8 ? v : 1;
	}
	return 1;
}

unsigned
pxr_decode_exif_orientation(const unsigned char *p, size_t n)
{
	size_t need;

	return pxr_decode_exif_orientation_n(p, n, n, &need);
}

/* The orientation in the first Exif APP1 segment, 1 if none. */
static unsigned
jpeg_orientation(struct jpeg_decompress_struct *ci)
{
	for (jpeg_saved_marker_ptr m = ci->marker_list; m != NULL;
	     m = m->next) {
		if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6 &&
		    memcmp(m->data, "Exif\0\0", 6) == 0)
			return pxr_decode_exif_orientation(m->data,
			    m->data_length);
	}
	return 1;
}

/*
 * Writes the w x h image src into dst as EXIF orientation o (2..8) asks,
 * which is what Pillow's ImageOps.exif_transpose() does: 2 mirror, 3
 * rotate 180, 4 flip, 5 transpose, 6 rotate 90 clockwise, 7 transverse,
 * 8 rotate 90 counter-clockwise.  5..8 swap width and height.
 */
void
decode_orient(unsigned char *dst, const unsigned char *src, uint32_t w,
    uint32_t h, unsigned ch, unsigned o)
{
	size_t dw = o >= 5 ? h : w;

	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++) {
			const unsigned char *s = src + ((size_t)y * w + x) * ch;
			uint32_t dx, dy;
			unsigned char *d;

			switch (o) {
			case 2:
				dx = w - 1 - x, dy = y;
				break;
			case 3:
				dx = w - 1 - x, dy = h - 1 - y;
				break;
			case 4:
				dx = x, dy = h - 1 - y;
				break;
			case 5:
				dx = y, dy = x;
				break;
			case 6:
				dx = h - 1 - y, dy = x;
				break;
			case 7:
				dx = h - 1 - y, dy = w - 1 - x;
				break;
			default:
				dx = y, dy = w - 1 - x;
				break;
			}
			d = dst + ((size_t)dy * dw + dx) * ch;
			for (unsigned c = 0; c < ch; c++)
				d[c] = s[c];
		}
	}
}

/*
 * Reads scanlines of a started decompression, up to but not including
 * row end (at most the output height), into dec->buf (the first one read
 * goes to its first row).  0, or -1 with dec->fail set when libjpeg gives
 * no row: its source has suspended, for want of data.  jpeg_mem_src never
 * does (at the end of the data it inserts an EOI and warns, and the rows
 * come out gray), but the loop must not wait for ever on a source that
 * does.
 */
int
decode_jpeg_rows(struct pxr_decoder *dec, unsigned ch, int cmyk, unsigned end)
{
	struct jpeg_decompress_struct *ci = &dec->cinfo;
	size_t stride = (size_t)ci->output_width * ch;
	unsigned top = ci->output_scanline;
	JSAMPROW rows[16];

	while (ci->output_scanline < end) {
		unsigned y = ci->output_scanline - top, n;

		if (cmyk) {
			rows[0] = dec->row;
			n = jpeg_read_scanlines(ci, rows, 1);
			if (n == 1)
				cmyk_to_rgb(dec->buf + y * stride, dec->row,
				    ci->output_width);
		} else {
			n = end - ci->output_scanline;
			if (n > 16)
				n = 16;
			for (unsigned i = 0; i < n; i++)
				rows[i] = dec->buf + (y + i) * stride;
			n = jpeg_read_scanlines(ci, rows, n);
		}
		if (n == 0) {
			snprintf(dec->fail, sizeof(dec->fail),
			    "JPEG data ends early (no rows after row %u of %u)",
			    ci->output_scanline, ci->output_height);
			return -1;
		}
	}
	return 0;
}

/*
 * Decodes the rows and columns of need only, where need is not the whole
 * image: the columns are widened to iMCU boundaries by
 * jpeg_crop_scanline, the rows above and below are skipped.  Skipped rows
 * are still entropy-decoded, so damage anywhere in the file is found as a
 * whole decode finds it; only their IDCT, upsampling and colour
 * conversion are saved.  *have is what was decoded.  0, or -1 with
 * dec->fail set.
 */
static int
read_part(struct pxr_decoder *dec, unsigned ch, int cmyk,
    const struct pxr_rect *need, struct pxr_rect *have)
{
	struct jpeg_decompress_struct *ci = &dec->cinfo;
	/* The chroma upsampler treats the ends of a cropped row as the
	 * image's edges: the columns within a chroma sample of them differ
	 * from a whole decode's (pxr-decode.bats finds them when there is
	 * no margin).  A margin of one iMCU (8 pixels at 4:4:4, 16 at 4:2:0,
	 * 32 at 4:1:1, fewer when DCT-scaled) keeps them well clear of what
	 * the caller uses. */
	JDIMENSION margin =
	    (JDIMENSION)(ci->max_h_samp_factor * ci->min_DCT_scaled_size);
	JDIMENSION x = need->x > margin ? need->x - margin : 0;
	JDIMENSION end = need->x + need->w + margin, w;

	if (end > ci->output_width)
		end = ci->output_width;
	w = end - x;
	*have = (struct pxr_rect){ 0, 0, ci->output_width, ci->output_height };
	if (x != 0 || w != ci->output_width) {
		jpeg_crop_scanline(ci, &x, &w);
		have->x = x;
		have->w = w;
	}
	if (need->y > 0)
		jpeg_skip_scanlines(ci, need->y);
	have->y = ci->output_scanline;
	if (decode_jpeg_rows(dec, ch, cmyk, need->y + need->h) == -1)
		return -1;
	have->h = ci->output_scanline - have->y;
	if (ci->output_scanline < ci->output_height)
		jpeg_skip_scanlines(ci,
		    ci->output_height - ci->output_scanline);
	return 0;
}

/* Chooses libjpeg's output space for the image's colour space; returns
 * the channels stored (CMYK and YCCK are read as CMYK and made RGB row by
 * row). */
static unsigned
jpeg_out_space(struct jpeg_decompress_struct *ci, int gray)
{
	switch (ci->jpeg_color_space) {
	case JCS_GRAYSCALE:
		ci->out_color_space = gray ? JCS_GRAYSCALE : JCS_RGB;
		return gray ? 1 : 3;
	case JCS_CMYK:
	case JCS_YCCK:
		ci->out_color_space = JCS_CMYK; /* made RGB row by row */
		return 3;
	default:
		ci->out_color_space = JCS_RGB;
		return 3;
	}
}

/* The buffers for the output size: the pixels, the rotated copy, the
 * CMYK row.  0 or -1. */
static int
jpeg_reserve(struct pxr_decoder *dec, unsigned ch, int cmyk,
    unsigned orientation)
{
	struct jpeg_decompress_struct *ci = &dec->cinfo;
	size_t len = (size_t)ci->output_width * ci->output_height * ch;

	if (decode_reserve(&dec->buf, &dec->cap, len) == -1 ||
	    (orientation != 1 &&
		decode_reserve(&dec->tmp, &dec->tmpcap, len) == -1) ||
	    (cmyk &&
		decode_reserve(&dec->row, &dec->rowcap,
		    (size_t)ci->output_width * 4) == -1))
		return -1;
	return 0;
}

/*
 * Whether need lies inside a w x h image and is not empty.  Each test
 * subtracts only what it has just shown to be smaller, so that no sum
 * wraps (need.x + need.w may exceed 2^32).
 */
static int
part_inside(const struct pxr_rect *need, uint32_t w, uint32_t h)
{
	return need->w > 0 && need->h > 0 && need->w <= w && need->h <= h &&
	    need->x <= w - need->w && need->y <= h - need->h;
}

/* Reads the pixels (of the part asked for, if part) into dec->buf, *len
 * their bytes.  0, or -1 with dec->fail set. */
static int
jpeg_read_image(struct pxr_decoder *dec, unsigned ch, int cmyk,
    unsigned orientation, struct pxr_decode_part *part, size_t *len)
{
	struct jpeg_decompress_struct *ci = &dec->cinfo;
	struct pxr_rect need = { 0, 0, ci->output_width, ci->output_height };

	if (part == NULL) {
		*len = (size_t)ci->output_width * ci->output_height * ch;
		return decode_jpeg_rows(dec, ch, cmyk, ci->output_height);
	}
	part->fw = ci->output_width;
	part->fh = ci->output_height;
	/* The part is asked in the decoded image's frame; an EXIF rotation
	 * turns it, so rotated images are decoded whole.  So is a part that
	 * is empty or not inside the image. */
	if (orientation == 1)
		part->need(part->ctx, part->fw, part->fh, &need);
	if (!part_inside(&need, part->fw, part->fh))
		need = (struct pxr_rect){ 0, 0, part->fw, part->fh };
	if (read_part(dec, ch, cmyk, &need, &part->have) == -1)
		return -1;
	*len = (size_t)part->have.w * part->have.h * ch;
	return 0;
}

/* Makes rec the decoded image (turned by its EXIF orientation). */
static void
jpeg_to_record(struct pxr_decoder *dec, struct pxr_record *rec, unsigned ch,
    size_t len, unsigned orientation, struct pxr_decode_part *part)
{
	struct jpeg_decompress_struct *ci = &dec->cinfo;

	rec->kind = PXR_KIND_PIXELS;
	rec->width = ci->output_width;
	rec->height = part != NULL ? part->have.h : ci->output_height;
	rec->channels = ch;
	rec->orig_width = ci->image_width;
	rec->orig_height = ci->image_height;
	rec->payload = dec->buf;
	rec->payload_len = len;
	if (orientation == 1)
		return;
	decode_orient(dec->tmp, dec->buf, rec->width, rec->height, ch,
	    orientation);
	rec->payload = dec->tmp;
	if (orientation >= 5) {
		rec->width = ci->output_height;
		rec->height = ci->output_width;
		rec->orig_width = ci->image_height;
		rec->orig_height = ci->image_width;
	}
	if (part != NULL) {
		part->fw = rec->width;
		part->fh = rec->height;
		part->have = (struct pxr_rect){ 0, 0, rec->width, rec->height };
	}
}

int
decode_warned(struct pxr_decoder *dec, struct pxr_record *rec,
    struct pxr_err *err)
{
	if (dec->nwarn == 0)
		return 0;
	rec->flags |= PXR_FLAG_WARNING;
	if (dec->nwarn > 1)
		pxr_seterr(err, PXR_E_IMAGE, "%s (and %u more warnings)",
		    dec->warn, dec->nwarn - 1);
	else
		pxr_seterr(err, PXR_E_IMAGE, "%s", dec->warn);
	return 1;
}

static int
decode_jpeg(struct pxr_decoder *dec, struct pxr_record *rec,
    struct pxr_decode_part *part, struct pxr_err *err)
{
	struct jpeg_decompress_struct *ci = &dec->cinfo;
	volatile unsigned ch = 3;
	volatile int cmyk = 0;
	volatile unsigned orientation = 1;
	size_t len;

	dec->nwarn = 0;
	dec->saw_eof = 0;
	dec->fail[0] = '\0';
	if (setjmp(dec->jerr.jb)) {
		jpeg_abort_decompress(ci);
		return pxr_seterr(err, PXR_E_IMAGE, "%s", dec->fail);
	}
	/*
	 * A fresh object for every image: libjpeg keeps the Huffman and
	 * quantization tables of the last image in the object, and an image
	 * that lacks a DHT (Motion-JPEG) or DQT segment would silently be
	 * decoded with them instead of the standard tables or an error.
	 */
	jpeg_destroy_decompress(ci);
	jpeg_create_decompress(ci);
	ci->progress = &dec->progress;
	jpeg_mem_src(ci, rec->payload, (unsigned long)rec->payload_len);
	if (dec->o.exif_rotate)
		jpeg_save_markers(ci, JPEG_APP0 + 1, 0xffff);
	jpeg_read_header(ci, TRUE);
	if (dec->o.exif_rotate)
		orientation = jpeg_orientation(ci);
	ch = jpeg_out_space(ci, dec->o.gray);
	cmyk = ci->out_color_space == JCS_CMYK;
	if (decode_check_size(dec, ci->image_width, ci->image_height, ch,
		"JPEG") == -1) {
		jpeg_abort_decompress(ci);
		return pxr_seterr(err, PXR_E_IMAGE, "%s", dec->fail);
	}
	ci->scale_num = pxr_decode_pick_scale(ci->image_width, ci->image_height,
	    dec->o.min_side, dec->o.scales);
	ci->scale_denom = 8;
	jpeg_calc_output_dimensions(ci);
	if (jpeg_reserve(dec, ch, cmyk, orientation) == -1) {
		jpeg_abort_decompress(ci);
		return pxr_seterr(err, PXR_E_NOMEM,
		    "out of memory for %ux%u pixels", ci->output_width,
		    ci->output_height);
	}
	jpeg_start_decompress(ci);
	if (jpeg_read_image(dec, ch, cmyk, orientation, part, &len) == -1) {
		jpeg_abort_decompress(ci);
		return pxr_seterr(err, PXR_E_IMAGE, "%s", dec->fail);
	}
	jpeg_finish_decompress(ci);
	jpeg_to_record(dec, rec, ch, len, orientation, part);
	return decode_warned(dec, rec, err);
}

int
pxr_decode(struct pxr_decoder *dec, struct pxr_record *rec, struct pxr_err *err)
{
	return pxr_decode_part(dec, rec, NULL, err);
}

int
pxr_decode_part(struct pxr_decoder *dec, struct pxr_record *rec,
    struct pxr_decode_part *part, struct pxr_err *err)
{
	char what[160];
	int r;

	switch (pxr_decode_sniff(rec->payload, rec->payload_len)) {
	case PXR_FMT_JPEG:
		return decode_jpeg(dec, rec, part, err);
	case PXR_FMT_PNG:
		r = decode_png_image(dec, rec, err);
		if (r >= 0 && part != NULL) {
			part->fw = rec->width;
			part->fh = rec->height;
			part->have =
			    (struct pxr_rect){ 0, 0, rec->width, rec->height };
		}
		return r;
	default:
		return pxr_seterr(err, PXR_E_IMAGE, "%s",
		    pxr_decode_describe(rec->payload, rec->payload_len, what,
			sizeof(what)));
	}
}
