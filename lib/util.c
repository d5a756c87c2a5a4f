/*
 * util.c: the vector level of the CPU, and the escaping of names for text
 * and JSON.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pxr.h"

/* The vector code this CPU can run (the levels of pxr.h). */
static int
cpu_simd_level(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
	__builtin_cpu_init();
	if (!__builtin_cpu_supports("avx2"))
		return PXR_SIMD_NONE;
	if (!__builtin_cpu_supports("avx512f") ||
	    !__builtin_cpu_supports("avx512bw") ||
	    !__builtin_cpu_supports("avx512vl"))
		return PXR_SIMD_AVX2;
	return __builtin_cpu_supports("avx512vbmi") ? PXR_SIMD_VBMI
						    : PXR_SIMD_AVX512;
#else
	return PXR_SIMD_NONE;
#endif
}

/* The CPU's level, capped by PXR_SIMD=N in the environment (a digit; for
 * the tests that compare the paths, and to measure each one's gain).
 * Asked once: the one cache of it (every caller asks here).  An atomic,
 * so that two threads asking at once, which both store the same value,
 * are no data race. */
int
pxr_simd_level(void)
{
	static atomic_int level = -1;
	int l = atomic_load_explicit(&level, memory_order_relaxed);

	if (l == -1) {
		const char *e = getenv("PXR_SIMD");

		l = cpu_simd_level();
		if (e != NULL && e[0] >= '0' && e[0] <= '9' && e[1] == '\0' &&
		    e[0] - '0' < l)
			l = e[0] - '0';
		atomic_store_explicit(&level, l, memory_order_relaxed);
	}
	return l;
}

void
pxr_fput_escaped(FILE *fp, const char *s, size_t len, int json)
{
	if (json)
		putc('"', fp);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '\\':
			fputs("\\\\", fp);
			break;
		case '\t':
			fputs("\\t", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		case '"':
			fputs(json ? "\\\"" : "\"", fp);
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(fp, json ? "\\u%04x" : "\\x%02x", c);
			else
				putc(c, fp);
		}
	}
	if (json)
		putc('"', fp);
}
