/*
 * jpegloop: the plain libjpeg-turbo decode loop pxr-decode is measured
 * against (issue 4: at least 0.95x its images/s at the same scale).
 *
 *   jpegloop [-m M | -S size] file...   decode each file, print a summary
 *   jpegloop -w file...                 write the files as a pxr stream of
 *                                       encoded records (the same input
 *                                       for pxr-decode)
 *
 * The loop reads each file into one reused buffer, decodes it from memory
 * with one reused decompress object (the usual way), to RGB (CMYK for CMYK
 * files) into one reused output buffer, and does nothing with the pixels.
 * -m M decodes every image at M/8; -S size picks per image the smallest of
 * 1/8, 2/8, 4/8, 8/8 whose shorter side is >= size, as pxr-decode --min-side does.
 * Build: make -f bench/Makefile.decode B=build-decode.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <getopt.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jpeglib.h>

#include "fe.h"
#include "pxr.h"

struct jerr {
	struct jpeg_error_mgr pub;
	jmp_buf jb;
};

static void
error_exit(j_common_ptr ci)
{
	longjmp(((struct jerr *)ci->err)->jb, 1);
}

static void
quiet(j_common_ptr ci, int level)
{
	(void)ci;
	(void)level;
}

/* Reads path into *buf (grown as needed); returns the length or -1. */
static ssize_t
slurp(const char *path, unsigned char **buf, size_t *cap)
{
	struct stat st;
	ssize_t n, got = 0;
	int fd;

	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &st) == -1)
		return -1;
	if ((size_t)st.st_size > *cap) {
		free(*buf);
		*cap = (size_t)st.st_size;
		if ((*buf = malloc(*cap)) == NULL)
			exit(2);
	}
	while (got < st.st_size &&
	    (n = read(fd, *buf + got, (size_t)st.st_size - got)) > 0)
		got += n;
	close(fd);
	return got;
}

static unsigned
pick(unsigned w, unsigned h, unsigned side)
{
	unsigned short_side = w < h ? w : h;

	for (unsigned m = 1; m < 8; m *= 2)
		if ((short_side * m + 7) / 8 >= side)
			return m;
	return 8;
}

static int
write_stream(int argc, char **argv)
{
	unsigned char *buf = NULL;
	size_t cap = 0;
	struct pxr_writer *wr;
	struct pxr_record rec;
	struct pxr_err err;
	ssize_t n;

	if ((wr = pxr_writer_open(NULL, 0, &err)) == NULL)
		fe_die(2, "%s", err.msg);
	for (int i = 0; i < argc; i++) {
		if ((n = slurp(argv[i], &buf, &cap)) == -1)
			fe_die(2, "%s: cannot read", argv[i]);
		pxr_record_init(&rec);
		rec.kind = PXR_KIND_ENCODED;
		rec.index = (uint64_t)i;
		rec.name = argv[i];
		rec.name_len = strlen(argv[i]);
		rec.payload = buf;
		rec.payload_len = (size_t)n;
		if (pxr_write(wr, &rec, &err) == -1)
			fe_die(2, "%s", err.msg);
	}
	if (pxr_writer_close(wr, &err) == -1)
		fe_die(2, "%s", err.msg);
	free(buf);
	return 0;
}

struct loop {
	unsigned char *out;
	size_t outcap;
	unsigned long long pixels;
	unsigned m, side;
};

/* Decodes one JPEG of n bytes; 0, or -1 if libjpeg failed. */
static int
decode_one(struct jpeg_decompress_struct *ci, struct jerr *je, struct loop *lp,
    const unsigned char *in, size_t n)
{
	JSAMPROW rows[16];
	size_t stride;

	if (setjmp(je->jb)) {
		jpeg_abort_decompress(ci);
		return -1;
	}
	jpeg_mem_src(ci, in, (unsigned long)n);
	jpeg_read_header(ci, TRUE);
	ci->out_color_space = (ci->jpeg_color_space == JCS_CMYK ||
				  ci->jpeg_color_space == JCS_YCCK)
	    ? JCS_CMYK
	    : JCS_RGB;
	ci->scale_num = lp->side
	    ? pick(ci->image_width, ci->image_height, lp->side)
	    : lp->m;
	ci->scale_denom = 8;
	jpeg_start_decompress(ci);
	stride = (size_t)ci->output_width * ci->output_components;
	if (stride * ci->output_height > lp->outcap) {
		free(lp->out);
		lp->outcap = stride * ci->output_height;
		if ((lp->out = malloc(lp->outcap)) == NULL)
			exit(2);
	}
	while (ci->output_scanline < ci->output_height) {
		unsigned y = ci->output_scanline, k = ci->output_height - y;

		if (k > 16)
			k = 16;
		for (unsigned j = 0; j < k; j++)
			rows[j] = lp->out + (y + j) * stride;
		jpeg_read_scanlines(ci, rows, k);
	}
	lp->pixels += (unsigned long long)ci->output_width * ci->output_height;
	jpeg_finish_decompress(ci);
	return 0;
}

int
main(int argc, char **argv)
{
	struct jpeg_decompress_struct ci;
	struct jerr je;
	struct loop lp = { NULL, 0, 0, 8, 0 };
	unsigned char *in = NULL;
	size_t incap = 0;
	unsigned long long ok = 0, failed = 0;
	int c, wmode = 0;

	fe_start(argv[0]);
	while ((c = getopt(argc, argv, "m:S:w")) != -1) {
		switch (c) {
		case 'm':
			lp.m = (unsigned)atoi(optarg);
			break;
		case 'S':
			lp.side = (unsigned)atoi(optarg);
			break;
		case 'w':
			wmode = 1;
			break;
		default:
			fputs("usage: jpegloop [-m M | -S size | -w] file...\n",
			    stderr);
			return 2;
		}
	}
	if (wmode)
		return write_stream(argc - optind, argv + optind);
	ci.err = jpeg_std_error(&je.pub);
	je.pub.error_exit = error_exit;
	je.pub.emit_message = quiet;
	jpeg_create_decompress(&ci);
	for (int i = optind; i < argc; i++) {
		ssize_t n = slurp(argv[i], &in, &incap);

		if (n < 2 || in[0] != 0xff || in[1] != 0xd8 ||
		    decode_one(&ci, &je, &lp, in, (size_t)n) == -1)
			failed++;
		else
			ok++;
	}
	jpeg_destroy_decompress(&ci);
	fprintf(stderr, "jpegloop: %llu decoded (%llu pixels), %llu failed\n",
	    ok, lp.pixels, failed);
	free(in);
	free(lp.out);
	return 0;
}
