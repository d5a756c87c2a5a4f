/*
 * fuzz_dims.c: libFuzzer target for pxr_dims_scan (lib/dims.c).  The input
 * is a file's first bytes; its first byte also sets a window size.  The
 * scan over the whole input and the scan fed one window at a time from the
 * offsets it asks for must agree (the same answer, size and orientation),
 * with and without EXIF; every request stays inside what the scan can use
 * (want bytes from next, next not behind the window it was given).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "pxr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* -1, 0 (it asks for bytes past the end) or 1. */
static int
whole(const uint8_t *p, size_t n, int exif, struct pxr_dims *d)
{
	struct pxr_err err;
	int r;

	memset(d, 0, sizeof(*d));
	r = pxr_dims_scan(d, p, n, 0, exif, &err);
	if (r == 0 && d->next + d->want <= n)
		abort(); /* asked for bytes it was given */
	return r;
}

static int
windows(const uint8_t *p, size_t n, size_t window, int exif, struct pxr_dims *d)
{
	struct pxr_err err;
	uint64_t off = 0;

	memset(d, 0, sizeof(*d));
	for (size_t calls = 0; calls <= n + 2; calls++) {
		size_t w = window > d->want ? window : d->want, k;
		int r;

		k = off >= n ? 0 : n - off < w ? n - off : w;
		if (calls > 0 && k < d->want)
			return 0; /* the bytes end first */
		if ((r = pxr_dims_scan(d, p + off, k, off, exif, &err)) != 0)
			return r;
		if (d->next < off && calls > 0)
			abort(); /* went back: could loop */
		if (d->next == off && d->want <= k)
			abort(); /* asked again for what it had */
		off = d->next;
	}
	abort(); /* more calls than bytes: no progress */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pxr_dims a, b;
	size_t window = size > 0 ? (size_t)data[0] % 64 + 1 : 1;

	for (int exif = 0; exif < 2; exif++) {
		int ra = whole(data, size, exif, &a);
		int rb = windows(data, size, window, exif, &b);

		if (ra != rb)
			abort();
		if (ra == 1 &&
		    (a.width != b.width || a.height != b.height ||
			a.orientation != b.orientation || a.format != b.format))
			abort();
	}
	return 0;
}
