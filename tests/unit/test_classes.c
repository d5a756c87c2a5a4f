/*
 * test_classes.c: the class list rule of lib/classes.h, each clause of
 * it: lines and their ends, blanks, comments, the id's escapes, commas,
 * the description, the bounds; the writer and its round trip through the
 * parser; a sheet's caption of a class.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classes.h"
#include "unit.h"

#define EXPECT_STR(a, b)                                                       \
	UNIT_CHECK(strcmp((a), (b)) == 0, "%s != %s (a=\"%s\", b=\"%s\")", #a, \
	    #b, (a), (b))

/* Parses the C string text as the file "f"; the result of the parse. */
static int
parse(struct pxr_classes *cl, const char *text, struct pxr_err *err)
{
	return pxr_classes_parse(cl, "f", text, strlen(text), err);
}

static void
test_synset_mapping(void)
{
	static const char text[] = "n01440764 tench, Tinca tinca\n"
				   "n01443537 goldfish, Carassius auratus\n"
				   "n01484850 great white shark\n";
	struct pxr_classes cl;
	struct pxr_err err;

	EXPECT_INT(parse(&cl, text, &err), 0);
	EXPECT_INT(cl.n, 3);
	EXPECT_STR(cl.v[0].id, "n01440764");
	EXPECT_STR(cl.v[0].desc, "tench, Tinca tinca");
	EXPECT_STR(cl.v[2].id, "n01484850");
	EXPECT_STR(cl.v[2].desc, "great white shark");
	EXPECT_INT(cl.v[2].line, 3);
	pxr_classes_free(&cl);
	EXPECT_INT(cl.n, 0);
	pxr_classes_free(&cl); /* an empty one is fine */
}

/* Blank lines, leading and trailing blanks, CRLF, comments: only the
 * class lines count, and each keeps its line number. */
static void
test_lines(void)
{
	static const char text[] = "# classes of the set\r\n"
				   "\n"
				   " \t \r\n"
				   "  cat\tsmall, furry  \t\r\n"
				   "\t# a comment after blanks\n"
				   "dog\r\n"
				   "\r\n"
				   "emu   ";
	struct pxr_classes cl;
	struct pxr_err err;

	EXPECT_INT(parse(&cl, text, &err), 0);
	EXPECT_INT(cl.n, 3);
	EXPECT_STR(cl.v[0].id, "cat");
	EXPECT_STR(cl.v[0].desc, "small, furry");
	EXPECT_INT(cl.v[0].line, 4);
	EXPECT_STR(cl.v[1].id, "dog");
	EXPECT_STR(cl.v[1].desc, "");
	EXPECT_INT(cl.v[1].line, 6);
	/* The last line, with no LF. */
	EXPECT_STR(cl.v[2].id, "emu");
	EXPECT_STR(cl.v[2].desc, "");
	EXPECT_INT(cl.v[2].line, 8);
	pxr_classes_free(&cl);

	/* No final newline, with a description; a CR without an LF. */
	EXPECT_INT(parse(&cl, "a x\nb y z", &err), 0);
	EXPECT_INT(cl.n, 2);
	EXPECT_STR(cl.v[1].id, "b");
	EXPECT_STR(cl.v[1].desc, "y z");
	pxr_classes_free(&cl);
	EXPECT_INT(parse(&cl, "a x\r", &err), 0);
	EXPECT_INT(cl.n, 1);
	EXPECT_STR(cl.v[0].desc, "x");
	pxr_classes_free(&cl);

	/* An empty file, one of blank lines, one of comments: no class,
	 * and no error here (the callers say). */
	EXPECT_INT(parse(&cl, "", &err), 0);
	EXPECT_INT(cl.n, 0);
	pxr_classes_free(&cl);
	EXPECT_INT(parse(&cl, "\n\r\n \t\n", &err), 0);
	EXPECT_INT(cl.n, 0);
	pxr_classes_free(&cl);
	EXPECT_INT(parse(&cl, "#a\n  #b c\n", &err), 0);
	EXPECT_INT(cl.n, 0);
	pxr_classes_free(&cl);
}

/* The id's escapes, and commas and '#' as ordinary characters. */
static void
test_escapes(void)
{
	static const char text[] = "zebra\\ crossing a folder\n"
				   "back\\\\slash\n"
				   "a,b\n"
				   "n01440764,tench\n"
				   "tab\\\there\n"
				   "\\#hash not a comment\n"
				   "a#b\n"
				   "\\ lead\\ and\\ trail\\ \n"
				   "x\\#y\n"
				   "dir\\\\ next, word\n";
	struct pxr_classes cl;
	struct pxr_err err;

	EXPECT_INT(parse(&cl, text, &err), 0);
	EXPECT_INT(cl.n, 10);
	EXPECT_STR(cl.v[0].id, "zebra crossing");
	EXPECT_STR(cl.v[0].desc, "a folder");
	EXPECT_STR(cl.v[1].id, "back\\slash");
	EXPECT_STR(cl.v[2].id, "a,b");
	EXPECT_STR(cl.v[2].desc, "");
	EXPECT_STR(cl.v[3].id, "n01440764,tench"); /* a comma is no blank */
	EXPECT_STR(cl.v[4].id, "tab\there");
	EXPECT_STR(cl.v[5].id, "#hash");
	EXPECT_STR(cl.v[5].desc, "not a comment");
	EXPECT_STR(cl.v[6].id, "a#b");
	EXPECT_STR(cl.v[7].id, " lead and trail ");
	EXPECT_STR(cl.v[8].id, "x#y");
	/* "\\" then a blank: the backslash is the id's last character. */
	EXPECT_STR(cl.v[9].id, "dir\\");
	EXPECT_STR(cl.v[9].desc, "next, word");
	pxr_classes_free(&cl);

	/* The description is free text: no escapes in it. */
	EXPECT_INT(parse(&cl, "id a\\b \\ c\n", &err), 0);
	EXPECT_STR(cl.v[0].desc, "a\\b \\ c");
	pxr_classes_free(&cl);
}

/* What the rule refuses, each naming the file and line. */
static void
test_refused(void)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "ok\nback\\slash\n",
		    "f:2: '\\' before 's' is not an escape (write '\\\\' for a "
		    "backslash)" },
		{ "a\\n b\n", "f:1: '\\' before 'n' is not an escape" },
		{ "\n\nend\\\n", "f:3: a '\\' ends the line" },
		{ "end\\\r\n", "f:1: a '\\' ends the line" },
		{ "a\rb c\n", "f:1: a CR in the class name" },
		{ "a\n#x\nb\0c\n", "f:3: a NUL byte" },
	};
	struct pxr_classes cl;
	struct pxr_err err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = strlen(bad[i].text);

		if (strstr(bad[i].msg, "NUL") != NULL)
			len += 3; /* the NUL and "c\n" */
		EXPECT_INT(pxr_classes_parse(&cl, "f", bad[i].text, len, &err),
		    -1);
		EXPECT_INT(err.code, PXR_E_FORMAT);
		EXPECT_STR_CONTAINS(err.msg, bad[i].msg);
		EXPECT_INT(cl.n, 0);
		EXPECT_INT(cl.v == NULL && cl.text == NULL, 1);
	}
}

/* Lines and ids at their bounds are read; one byte over is refused. */
static void
test_bounds(void)
{
	size_t size = 3 * PXR_CLASS_LINE_MAX;
	char *text = malloc(size);
	struct pxr_classes cl;
	struct pxr_err err;
	size_t n;

	/* An id of PXR_CLASS_ID_MAX escaped spaces (twice as many bytes),
	 * then a description to make the line PXR_CLASS_LINE_MAX bytes. */
	memcpy(text, "first\n", 6);
	n = 6;
	for (size_t i = 0; i < PXR_CLASS_ID_MAX; i++, n += 2)
		memcpy(text + n, "\\ ", 2);
	text[n++] = ' ';
	while (n - 6 < PXR_CLASS_LINE_MAX)
		text[n++] = 'w';
	memcpy(text + n, "\r\nlast", 6);
	EXPECT_INT(pxr_classes_parse(&cl, "f", text, n + 6, &err), 0);
	EXPECT_INT(cl.n, 3);
	EXPECT_INT(strlen(cl.v[1].id), PXR_CLASS_ID_MAX);
	EXPECT_INT(strspn(cl.v[1].id, " "), PXR_CLASS_ID_MAX);
	EXPECT_INT(strlen(cl.v[1].desc),
	    PXR_CLASS_LINE_MAX - 2 * PXR_CLASS_ID_MAX - 1);
	EXPECT_STR(cl.v[2].id, "last");
	pxr_classes_free(&cl);

	/* One more byte on that line. */
	memcpy(text + n, "w\r\nlast", 7);
	EXPECT_INT(pxr_classes_parse(&cl, "f", text, n + 7, &err), -1);
	EXPECT_STR(err.msg, "f:2: line longer than 4096 bytes");
	EXPECT_INT(cl.n, 0);

	/* An id one byte over. */
	memset(text, 'i', PXR_CLASS_ID_MAX + 1);
	EXPECT_INT(pxr_classes_parse(&cl, "f", text, PXR_CLASS_ID_MAX, &err),
	    0);
	EXPECT_INT(strlen(cl.v[0].id), PXR_CLASS_ID_MAX);
	pxr_classes_free(&cl);
	EXPECT_INT(
	    pxr_classes_parse(&cl, "f", text, PXR_CLASS_ID_MAX + 1, &err), -1);
	EXPECT_STR(err.msg, "f:1: class name longer than 255 bytes");
	free(text);
}

/* The writer's ids come back whole from the parser. */
static void
test_round_trip(void)
{
	static const char *const ids[] = { "n01440764", "zebra crossing",
		"back\\slash", "a,b", "#hash", "a#b", "tab\there", " lead",
		"trail ", "\\", "\\\\ \\", "  ", "\\#", "caf\xc3\xa9" };
	size_t nids = sizeof(ids) / sizeof(ids[0]);
	char text[4096], esc[PXR_CLASS_ESC_SIZE], big[PXR_CLASS_ID_MAX + 2];
	struct pxr_classes cl;
	struct pxr_err err;
	size_t n = 0;

	for (size_t i = 0; i < nids; i++) {
		int k = pxr_class_escape(esc, sizeof(esc), ids[i], &err);

		EXPECT_INT(k, strlen(esc));
		/* Each with a description after it, as a synset list has. */
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "%s d%zu, e\n", esc, i);
	}
	EXPECT_INT(pxr_classes_parse(&cl, "f", text, n, &err), 0);
	EXPECT_INT(cl.n, nids);
	for (size_t i = 0; i < nids && i < cl.n; i++) {
		char d[16];

		snprintf(d, sizeof(d), "d%zu, e", i);
		EXPECT_STR(cl.v[i].id, ids[i]);
		EXPECT_STR(cl.v[i].desc, d);
	}
	pxr_classes_free(&cl);

	/* What the writer writes. */
	pxr_class_escape(esc, sizeof(esc), "zebra crossing", &err);
	EXPECT_STR(esc, "zebra\\ crossing");
	pxr_class_escape(esc, sizeof(esc), "back\\slash", &err);
	EXPECT_STR(esc, "back\\\\slash");
	pxr_class_escape(esc, sizeof(esc), "#a#b", &err);
	EXPECT_STR(esc, "\\#a#b");
	pxr_class_escape(esc, sizeof(esc), "a,b", &err);
	EXPECT_STR(esc, "a,b");

	/* The longest id, every byte escaped, alone on its line. */
	memset(big, ' ', PXR_CLASS_ID_MAX);
	big[PXR_CLASS_ID_MAX] = '\0';
	EXPECT_INT(pxr_class_escape(esc, sizeof(esc), big, &err),
	    2 * PXR_CLASS_ID_MAX);
	EXPECT_INT(pxr_classes_parse(&cl, "f", esc, strlen(esc), &err), 0);
	EXPECT_INT(cl.n, 1);
	EXPECT_STR(cl.v[0].id, big);
	pxr_classes_free(&cl);

	/* Ids that no class list holds, and a buffer too small. */
	EXPECT_INT(pxr_class_escape(esc, sizeof(esc), "", &err), -1);
	EXPECT_INT(pxr_class_escape(esc, sizeof(esc), "a\nb", &err), -1);
	EXPECT_INT(pxr_class_escape(esc, sizeof(esc), "a\r", &err), -1);
	EXPECT_STR_CONTAINS(err.msg, "cannot be written in a class list");
	big[PXR_CLASS_ID_MAX] = 'x';
	big[PXR_CLASS_ID_MAX + 1] = '\0';
	EXPECT_INT(pxr_class_escape(esc, sizeof(esc), big, &err), -1);
	EXPECT_INT(pxr_class_escape(esc, 4, "a b", &err), -1);
	EXPECT_INT(pxr_class_escape(esc, 5, "a b", &err), 4);
	EXPECT_STR(esc, "a\\ b");
}

static void
test_captions(void)
{
	static const char text[] = "n01440764 tench, Tinca tinca\n"
				   "n01484850 great white shark\n"
				   "zebra\\ crossing\n"
				   "back\\\\slash\n"
				   "a,b\n"
				   "n01443537 , no words before the comma\n"
				   "n01491361 tiger shark  , Galeocerdo\n";
	static const char *const want[] = { "tench", "great white shark",
		"zebra crossing", "back\\slash", "a,b", "n01443537",
		"tiger shark" };
	struct pxr_classes cl;
	struct pxr_err err;
	char cap[256];

	EXPECT_INT(parse(&cl, text, &err), 0);
	EXPECT_INT(cl.n, 7);
	for (size_t i = 0; i < 7 && i < cl.n; i++) {
		pxr_class_caption(&cl.v[i], cap, sizeof(cap));
		EXPECT_STR(cap, want[i]);
	}
	pxr_class_caption(&cl.v[1], cap, 6); /* cut to fit */
	EXPECT_STR(cap, "great");
	pxr_classes_free(&cl);
}

/* pxr_classes_read: a file, a missing one, one over the bound. */
static void
test_read(void)
{
	char dir[4096], path[4200];
	struct pxr_classes cl;
	struct pxr_err err;
	FILE *fp;
	int fd;

	unit_tmpdir(dir, sizeof(dir), "test_classes");
	snprintf(path, sizeof(path), "%s/classes.txt", dir);
	fp = fopen(path, "w");
	fputs("zebra\\ crossing\r\nback\\\\slash\na,b", fp);
	fclose(fp);
	EXPECT_INT(pxr_classes_read(&cl, path, &err), 0);
	EXPECT_INT(cl.n, 3);
	EXPECT_STR(cl.v[0].id, "zebra crossing");
	EXPECT_STR(cl.v[1].id, "back\\slash");
	EXPECT_STR(cl.v[2].id, "a,b");
	pxr_classes_free(&cl);

	/* A bad line names the file. */
	fp = fopen(path, "w");
	fputs("ok\nback\\slash\n", fp);
	fclose(fp);
	EXPECT_INT(pxr_classes_read(&cl, path, &err), -1);
	EXPECT_STR_CONTAINS(err.msg, "/classes.txt:2: '\\' before 's'");

	/* A sparse file one byte over the bound. */
	fd = open(path, O_WRONLY | O_TRUNC);
	EXPECT_INT(ftruncate(fd, (off_t)PXR_CLASSES_FILE_MAX + 1), 0);
	close(fd);
	EXPECT_INT(pxr_classes_read(&cl, path, &err), -1);
	EXPECT_STR_CONTAINS(err.msg,
	    "/classes.txt: larger than 67108864 bytes");
	EXPECT_INT(cl.n, 0);
	unlink(path);

	EXPECT_INT(pxr_classes_read(&cl, path, &err), -1);
	EXPECT_INT(err.code, PXR_E_IO);
	EXPECT_STR_CONTAINS(err.msg, "/classes.txt: No such file or directory");
	rmdir(dir);
}

int
main(void)
{
	test_synset_mapping();
	test_lines();
	test_escapes();
	test_refused();
	test_bounds();
	test_round_trip();
	test_captions();
	test_read();
	UNIT_DONE();
}
