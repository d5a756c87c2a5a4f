/*
 * vipsloop: the libvips peer for bench/run.  Each file through
 * vips_thumbnail (shrink-on-load, then Lanczos3), the shortest side to
 * 256 and the centre 256x256 kept (crop=centre), then the centre
 * 224x224 of that, as uint8 RGB into X at the file's index: a raw
 * N x 224 x 224 x 3 tensor, as bench/peers.py writes.
 *
 *   vipsloop [-t times] X file...
 *
 * -t appends the loop's seconds (after vips_init, before exit) and the
 * peak RSS in KB to the file times, one line per run.  Not a product:
 * the first error ends it (exit 2).
 */
#include <sys/mman.h>
#include <sys/resource.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vips/vips.h>

#define SIDE 224
#define SHORT 256
#define IMG_BYTES ((size_t)SIDE * SIDE * 3)

static _Noreturn void
fail(const char *what, const char *path)
{
	fprintf(stderr, "vipsloop: %s: %s: %s\n", path, what,
	    vips_error_buffer());
	exit(2);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Thumbnail, crop and convert one file to 224x224 sRGB uint8 at dst. */
static void
one(const char *path, unsigned char *dst)
{
	VipsImage *t = NULL, *c = NULL, *s = NULL, *b = NULL;
	void *mem;
	size_t len;

	if (vips_thumbnail(path, &t, SHORT, "height", SHORT, "crop",
		VIPS_INTERESTING_CENTRE, NULL) != 0)
		fail("thumbnail", path);
	if (vips_extract_area(t, &c, (t->Xsize - SIDE) / 2,
		(t->Ysize - SIDE) / 2, SIDE, SIDE, NULL) != 0)
		fail("crop", path);
	if (c->Bands < 3 || c->Type == VIPS_INTERPRETATION_CMYK) {
		if (vips_colourspace(c, &s, VIPS_INTERPRETATION_sRGB, NULL) !=
		    0)
			fail("colourspace", path);
	} else {
		s = c;
		g_object_ref(s);
	}
	if (s->Bands > 3) {
		if (vips_extract_band(s, &b, 0, "n", 3, NULL) != 0)
			fail("bands", path);
	} else {
		b = s;
		g_object_ref(b);
	}
	if (b->BandFmt != VIPS_FORMAT_UCHAR)
		fail("not uint8", path);
	if ((mem = vips_image_write_to_memory(b, &len)) == NULL)
		fail("write", path);
	if (len != IMG_BYTES)
		fail("wrong size", path);
	memcpy(dst, mem, len);
	g_free(mem);
	g_object_unref(b);
	g_object_unref(s);
	g_object_unref(c);
	g_object_unref(t);
}

int
main(int argc, char **argv)
{
	const char *times = NULL;
	struct rusage ru;
	unsigned char *x;
	size_t n, size;
	double t0;
	int c, fd;
	FILE *f;

	if (VIPS_INIT(argv[0]) != 0)
		vips_error_exit(NULL);
	while ((c = getopt(argc, argv, "t:")) != -1) {
		if (c != 't') {
			fprintf(stderr, "usage: vipsloop [-t times] X file...\n");
			return 2;
		}
		times = optarg;
	}
	if (argc - optind < 2) {
		fprintf(stderr, "usage: vipsloop [-t times] X file...\n");
		return 2;
	}
	vips_concurrency_set(1);
	vips_cache_set_max(0);
	t0 = now();
	n = (size_t)(argc - optind - 1);
	size = n * IMG_BYTES;
	fd = open(argv[optind], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd == -1 || ftruncate(fd, (off_t)size) == -1 ||
	    (x = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 0)) == MAP_FAILED) {
		perror(argv[optind]);
		return 2;
	}
	for (size_t i = 0; i < n; i++)
		one(argv[optind + 1 + i], x + i * IMG_BYTES);
	munmap(x, size);
	close(fd);
	if (times != NULL) {
		getrusage(RUSAGE_SELF, &ru);
		if ((f = fopen(times, "a")) == NULL) {
			perror(times);
			return 2;
		}
		fprintf(f, "%.6f %ld\n", now() - t0, ru.ru_maxrss);
		fclose(f);
	}
	vips_shutdown();
	return 0;
}
