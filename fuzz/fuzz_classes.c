/*
 * fuzz_classes.c: libFuzzer target for the class list parser and writer
 * of lib/classes.c.  The input is parsed as a class list; every class it
 * gives must keep the rule's promises (an id of 1 to PXR_CLASS_ID_MAX
 * bytes, no CR or LF in it, a description without blanks at its ends),
 * and the writer's escaping of the ids, parsed again, must give the same
 * ids back.  Bounded: both passes are linear in the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classes.h"
#include "pxr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
blank(char c)
{
	return c == ' ' || c == '\t';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pxr_classes cl, again;
	struct pxr_err err;
	char *text, cap[64];
	size_t n = 0;

	if (pxr_classes_parse(&cl, "fuzz", (const char *)data, size, &err) ==
	    -1) {
		if (cl.n != 0 || cl.v != NULL || cl.text != NULL)
			PXR_BUG("a failed parse left classes");
		return 0;
	}
	if ((text = malloc(cl.n * (PXR_CLASS_ESC_SIZE + 1) + 1)) == NULL) {
		pxr_classes_free(&cl);
		return 0;
	}
	for (size_t i = 0; i < cl.n; i++) {
		const struct pxr_class *c = &cl.v[i];
		size_t idl = strlen(c->id), dl = strlen(c->desc);
		int k;

		if (idl == 0 || idl > PXR_CLASS_ID_MAX ||
		    strpbrk(c->id, "\r\n") != NULL)
			PXR_BUG("an id the rule does not allow");
		if (dl > 0 && (blank(c->desc[0]) || blank(c->desc[dl - 1])))
			PXR_BUG("a description with blanks at an end");
		if (c->line == 0 || (i > 0 && c->line <= cl.v[i - 1].line))
			PXR_BUG("line numbers out of order");
		if ((k = pxr_class_escape(text + n, PXR_CLASS_ESC_SIZE, c->id,
			 &err)) == -1)
			PXR_BUG("a parsed id the writer refuses");
		n += (size_t)k;
		text[n++] = '\n';
		pxr_class_caption(c, cap, sizeof(cap));
	}
	if (pxr_classes_parse(&again, "again", text, n, &err) == -1)
		PXR_BUG("the writer's list does not parse");
	if (again.n != cl.n)
		PXR_BUG("the writer's list has other classes");
	for (size_t i = 0; i < cl.n; i++)
		if (strcmp(again.v[i].id, cl.v[i].id) != 0 ||
		    again.v[i].desc[0] != '\0')
			PXR_BUG("an id not given back whole");
	pxr_classes_free(&again);
	pxr_classes_free(&cl);
	free(text);
	return 0;
}
