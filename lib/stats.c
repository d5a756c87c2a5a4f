/*
 * stats.c: per-channel sums of an image's samples, for the set's mean and
 * standard deviation (pxr-pack; pack.h).
 */
#include <string.h>

#include "pack.h"

/*
 * Lanes of 48 bytes hold 16 whole RGB pixels: lane j always sees channel
 * j % 3, so the loops have no stride and the compiler vectorises them.
 * 32-bit lane sums are flushed to 64 bits before they could overflow
 * (BLOCKS steps of at most 255 * 255 each).
 */
#define LANES 48
#define BLOCKS 65536

static void
sums_rgb(const unsigned char *p, size_t n, uint64_t sum[3], uint64_t sq[3])
{
	size_t i = 0;

	while (n - i >= LANES) {
		uint32_t s[LANES] = { 0 }, q[LANES] = { 0 };
		size_t end = i + (size_t)BLOCKS * LANES;

		if (end > n - (n - i) % LANES)
			end = n - (n - i) % LANES;
		for (; i < end; i += LANES)
			for (int j = 0; j < LANES; j++) {
				s[j] += p[i + (size_t)j];
				q[j] += (uint32_t)p[i + (size_t)j] *
				    p[i + (size_t)j];
			}
		for (int j = 0; j < LANES; j++) {
			sum[j % 3] += s[j];
			sq[j % 3] += q[j];
		}
	}
	for (; i < n; i++) {
		sum[i % 3] += p[i];
		sq[i % 3] += (uint32_t)p[i] * p[i];
	}
}

void
pxr_pixel_sums(const unsigned char *p, size_t npix, uint32_t channels,
    uint64_t sum[3], uint64_t sq[3])
{
	memset(sum, 0, 3 * sizeof(*sum));
	memset(sq, 0, 3 * sizeof(*sq));
	if (channels == 3) {
		sums_rgb(p, npix * 3, sum, sq);
		return;
	}
	for (size_t i = 0; i < npix * channels; i++) {
		sum[i % channels] += p[i];
		sq[i % channels] += (uint32_t)p[i] * p[i];
	}
}
