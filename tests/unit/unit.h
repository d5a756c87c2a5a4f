/*
 * unit.h: a minimal unit-test harness (after libarchive's assertions).  A
 * failure prints "file.c:LINE: a != b (a=..., b=...)"; main() ends with
 * UNIT_DONE(), which prints "N passed, N failed" and sets the exit status.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_passed, unit_failed;

#define UNIT_CHECK(cond, ...)                                                  \
	do {                                                                   \
		if (cond) {                                                    \
			unit_passed++;                                         \
		} else {                                                       \
			unit_failed++;                                         \
			fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);        \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
		}                                                              \
	} while (0)

#define EXPECT_INT(a, b)                                                       \
	UNIT_CHECK((long long)(a) == (long long)(b),                           \
	    "%s != %s (a=%lld, b=%lld)", #a, #b, (long long)(a),               \
	    (long long)(b))

#define EXPECT_STR_CONTAINS(hay, needle)                                       \
	UNIT_CHECK(strstr((hay), (needle)) != NULL,                            \
	    "%s does not contain \"%s\" (it is \"%s\")", #hay, (needle),       \
	    (hay))

#define UNIT_DONE()                                                            \
	do {                                                                   \
		printf("%s: %d passed, %d failed\n", __FILE__, unit_passed,    \
		    unit_failed);                                              \
		return unit_failed == 0 ? 0 : 1;                               \
	} while (0)

/* Makes a new folder "$TMPDIR/name-XXXXXX" (/tmp without TMPDIR) into dir,
 * of size bytes: its own, so that runs side by side never meet; exits 2
 * if it cannot. */
static inline void
unit_tmpdir(char *dir, size_t size, const char *name)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, size, "%s/%s-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp", name);
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		exit(2);
	}
}

#endif
