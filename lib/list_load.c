/*
 * list_load.c: the image list of a command line, from an index or from
 * its sources scanned.  It sits above the rest of the list: it calls down
 * to the index reader (list_index.c), the scan (list_scan.c) and the
 * table (list.c), and none of them calls it, so that the table is the
 * bottom of the list's files and nothing below calls back up.
 */
#include <string.h>

#include "list_int.h"

int
pxr_list_load(struct pxr_list *l, const char *from_index, int argc,
    char *const *argv, struct pxr_err *err)
{
	int status = 0;

	for (int i = 0; i < argc && argc > 1; i++)
		if (strcmp(argv[i], "-") == 0)
			return pxr_seterr(err, PXR_E_USAGE,
			    "- (stdin) cannot be mixed with other sources");
	if (from_index != NULL) {
		if (pxr_list_read_index(l, from_index, err) == -1)
			return -1;
		/* The index holds where the bytes are: a source given again
		 * must be one it was made from. */
		for (int i = 0; i < argc; i++)
			if (strcmp(argv[i], "-") != 0 &&
			    !pxr_list_has_source(l, argv[i]))
				return pxr_seterr(err, PXR_E_USAGE,
				    "%s: not a source of the index %s", argv[i],
				    from_index);
		return 0;
	}
	for (int i = 0; i < argc; i++)
		if (pxr_list_scan(l, argv[i], err) == -1) {
			list_lwarn(l, "%s", err->msg);
			status = 1;
		}
	pxr_list_sort(l);
	return status;
}
