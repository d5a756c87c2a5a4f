/*
 * failstrdup.c: an LD_PRELOAD shim for the tests.  strdup(3) fails with
 * ENOMEM for any string that contains "pxr-oom", as it would when memory
 * runs out, so that a test can show what a program does then.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

char *
strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p;

	if (strstr(s, "pxr-oom") != NULL) {
		errno = ENOMEM;
		return NULL;
	}
	if ((p = malloc(n)) != NULL)
		memcpy(p, s, n);
	return p;
}
