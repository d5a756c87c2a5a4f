/*
 * util.c: small helpers shared by the cmd/ programs: strict number parsing
 * (a number must parse completely, style(9)) and the --version text.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <jpeglib.h>
#include <png.h>

#include "pxr.h"

int
pxr_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
pxr_parse_size(const char *s, uint32_t *w, uint32_t *h)
{
	char buf[64], *x;
	uint64_t a, b;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	if ((x = strchr(buf, 'x')) == NULL) {
		if (pxr_parse_u64(buf, 1, PXR_DIM_MAX, &a) == -1)
			return -1;
		*w = *h = (uint32_t)a;
		return 0;
	}
	*x = '\0';
	if (pxr_parse_u64(buf, 1, PXR_DIM_MAX, &a) == -1 ||
	    pxr_parse_u64(x + 1, 1, PXR_DIM_MAX, &b) == -1)
		return -1;
	*w = (uint32_t)a;
	*h = (uint32_t)b;
	return 0;
}

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
 * the tests that compare the paths, and to measure each one's gain). */
int
pxr_simd_level(void)
{
	const char *e = getenv("PXR_SIMD");
	int cpu = cpu_simd_level();

	if (e != NULL && e[0] >= '0' && e[0] <= '9' && e[1] == '\0' &&
	    e[0] - '0' < cpu)
		return e[0] - '0';
	return cpu;
}

void
pxr_print_version(void)
{
	printf("%s (pxr) %s\n", pxr_getprogname(), PXR_VERSION_STRING);
	printf("pxr stream format %d; libjpeg-turbo %d.%d.%d; %s; libpng %s\n",
	    PXR_FORMAT_VERSION, LIBJPEG_TURBO_VERSION_NUMBER / 1000000,
	    LIBJPEG_TURBO_VERSION_NUMBER / 1000 % 1000,
	    LIBJPEG_TURBO_VERSION_NUMBER % 1000, archive_version_string(),
	    png_get_libpng_ver(NULL));
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

char *
pxr_read_all(const char *path, size_t max, size_t *len, struct pxr_err *err)
{
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0, cap = 0;
	char *buf = NULL;

	if (fd == -1) {
		pxr_seterr(err, PXR_E_IO, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		ssize_t n;

		if (got + 1 >= cap) {
			size_t want = cap ? cap * 2 : 65536;
			char *p;

			if (want > max + 2)
				want = max + 2;
			if (want <= cap) {
				pxr_seterr(err, PXR_E_FORMAT,
				    "%s: larger than %zu bytes", path, max);
				goto fail;
			}
			if ((p = realloc(buf, want)) == NULL) {
				pxr_seterr(err, PXR_E_NOMEM, "%s: out of memory",
				    path);
				goto fail;
			}
			buf = p;
			cap = want;
		}
		n = read(fd, buf + got, cap - got - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			pxr_seterr(err, PXR_E_IO, "%s: %s", path,
			    strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > max) {
			pxr_seterr(err, PXR_E_FORMAT,
			    "%s: larger than %zu bytes", path, max);
			goto fail;
		}
	}
	if (fd != 0)
		close(fd);
	buf[got] = '\0';
	*len = got;
	return buf;
fail:
	if (fd != 0)
		close(fd);
	free(buf);
	return NULL;
}
