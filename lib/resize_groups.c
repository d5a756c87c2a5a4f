/*
 * resize_groups.c: the tables of the VBMI horizontal pass
 * (lib/resize_vbmi.c).  Kept out of that file because it is compiled for
 * AVX-512, and pxr_hgroups_free runs on every CPU (resize.c frees its
 * coefficient cache with it).
 */
#include <stdlib.h>
#include <string.h>

#include "resize_simd.h"

/* Builds the tables for output columns x0 .. x0+n-1.  -1: out of memory,
 * or a group's input span is over 128 bytes (g->ok stays 0). */
int
pxr_hgroups_build(struct pxr_hgroups *g, const int *bounds, const int32_t *kk,
    int ksize, uint32_t x0, uint32_t n)
{
	int ngroups = (int)((n + 15) / 16), taps = 0;

	pxr_hgroups_free(g);
	g->x0 = x0;
	g->n = n;
	g->built = 1;
	for (uint32_t xx = x0; xx < x0 + n; xx++)
		if (bounds[xx * 2 + 1] > taps)
			taps = bounds[xx * 2 + 1];
	if (ngroups == 0 || taps == 0)
		return -1; /* nothing to build tables for (not used so) */
	for (int gi = 0; gi < ngroups; gi++) {
		uint32_t first = x0 + (uint32_t)gi * 16, last = first + 15;

		if (last > x0 + n - 1)
			last = x0 + n - 1;
		if ((bounds[last * 2] + bounds[last * 2 + 1] -
			bounds[first * 2]) *
			3 >
		    128)
			return -1;
	}
	g->base = calloc((size_t)ngroups, sizeof(*g->base));
	g->span = calloc((size_t)ngroups, sizeof(*g->span));
	g->idx = calloc((size_t)ngroups * taps, 64);
	g->w = calloc((size_t)ngroups * taps * 16, sizeof(int32_t));
	if (g->base == NULL || g->span == NULL || g->idx == NULL ||
	    g->w == NULL) {
		pxr_hgroups_free(g);
		g->built = 1;
		return -1;
	}
	for (int gi = 0; gi < ngroups; gi++) {
		uint32_t first = x0 + (uint32_t)gi * 16;
		int base = bounds[first * 2], end = base;

		for (int l = 0; l < 16 && first + l < x0 + n; l++) {
			uint32_t xx = first + (uint32_t)l;
			int xmin = bounds[xx * 2], xmax = bounds[xx * 2 + 1];

			if (xmin + xmax > end)
				end = xmin + xmax;
			for (int t = 0; t < xmax; t++) {
				unsigned char *ix =
				    g->idx + ((size_t)gi * taps + t) * 64;

				for (int c = 0; c < 3; c++)
					ix[c * 16 + l] =
					    (unsigned char)((xmin - base + t) *
						    3 +
						c);
				g->w[((size_t)gi * taps + t) * 16 + l] =
				    kk[xx * (size_t)ksize + t];
			}
		}
		g->base[gi] = base;
		g->span[gi] = (end - base) * 3;
	}
	g->ngroups = ngroups;
	g->taps = taps;
	g->ok = 1;
	return 0;
}

void
pxr_hgroups_free(struct pxr_hgroups *g)
{
	free(g->base);
	free(g->span);
	free(g->idx);
	free(g->w);
	memset(g, 0, sizeof(*g));
}
