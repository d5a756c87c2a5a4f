/*
 * args.c: the command line of every program from one table (fe.h): each
 * option's long name, letter, kind of value, destination and help text are
 * written once, in the program's table, and the getopt_long table, the
 * option letters, the parsing of values and the options part of --help
 * are made from it here, and its "goes with" rules checked: an option
 * that does something only with another, or only without, is refused
 * otherwise, in one form of message.  The values the family shares
 * (sides, sizes, numbers, filters, alignments, rounding rules, presets,
 * layouts, label types and bases) are parsed and refused here only, one
 * message each.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fe.h"
#include "pack.h"

/* No program has more (a longer table is a bug its first run reports). */
#define FE_MAX_OPTS 40

static struct fe_opt help_opt = { FE_ROW("help", 'h', FE_FLAG, NULL, NULL,
    "print this help and exit") };
static struct fe_opt version_opt = { FE_ROW("version", 'V', FE_FLAG, NULL, NULL,
    "print the version and exit") };

/* The words each kind of value named by words knows. */
static const char *const choices[] = {
	[FE_FILTER] = "triangle, lanczos3, box, gaussian, bicubic, hamming",
	[FE_ALIGN] = "center, seed, floor",
	[FE_ROUND] = "even, down, notebook, ffcv",
	/* NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one long text */
	[FE_LIKE] = "torchvision, notebook, notebook-geometry, timm, adm, edm, "
		    "edm-wide",
	[FE_LAYOUT] = "julia, nhwc, nchw",
	[FE_LTYPE] = "u16, i32, i64",
};

/* A value named by a word, by the library's own parser: 0 or -1. */
static int
parse_word(const struct fe_opt *o, const char *s)
{
	switch (o->kind) {
	case FE_FILTER:
		return pxr_filter_parse(s, o->to);
	case FE_ALIGN:
		return pxr_align_parse(s, o->to);
	case FE_ROUND:
		return pxr_round_parse(s, o->to);
	case FE_LIKE:
		return pxr_like_parse(s, o->to);
	case FE_LAYOUT:
		return pxr_layout_parse(s, o->to);
	default:
		return pxr_ltype_parse(s, o->to);
	}
}

/* "A<sep>B": two whole numbers; 0 or -1. */
static int
parse_pair(const char *s, char sep, uint64_t *a, uint64_t *b)
{
	char buf[64], *p;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	if ((p = strchr(buf, sep)) == NULL)
		return -1;
	*p++ = '\0';
	if (fe_parse_u64(buf, 0, UINT64_MAX, a) == -1 ||
	    fe_parse_u64(p, 0, UINT64_MAX, b) == -1)
		return -1;
	return 0;
}

/* A value that is not a whole number in its row's range: the range, but
 * for a row that takes any whole number. */
static _Noreturn void
bad_number(const struct fe_opt *o, const char *s)
{
	if (o->min == 0 && o->max == UINT64_MAX)
		fe_die(2, "--%s wants a whole number, not '%s'", o->name, s);
	if (o->min == 1 && o->max == UINT64_MAX)
		fe_die(2, "--%s wants a positive number, not '%s'", o->name, s);
	fe_die(2, "--%s wants a number from %llu to %llu, not '%s'", o->name,
	    (unsigned long long)o->min, (unsigned long long)o->max, s);
}

/* Puts the value s of option o where the table says. */
static void
take_value(const struct fe_opt *o, const char *s)
{
	int *n = o->to2; /* FE_LIST: the values so far */
	uint64_t v;

	if (s == NULL && o->kind != FE_FLAG) /* getopt gives one */
		PXR_BUG("an option's value missing");
	switch (o->kind) {
	case FE_FLAG:
		*(int *)o->to = 1;
		break;
	case FE_TEXT:
		*(const char **)o->to = s;
		break;
	case FE_NUMBER:
		if (fe_parse_u64(s, o->min, o->max, o->to) == -1)
			bad_number(o, s);
		break;
	case FE_SIDE:
		if (fe_parse_u64(s, 1, PXR_DIM_MAX, &v) == -1)
			fe_die(2,
			    "--%s wants a side of 1 to %u pixels, not "
			    "'%s'",
			    o->name, PXR_DIM_MAX, s);
		*(uint32_t *)o->to = (uint32_t)v;
		break;
	case FE_SIZE:
		/* "N or CxR" where the option calls its sides so. */
		if (fe_parse_size(s, o->to, o->to2) == -1)
			fe_die(2, "--%s wants N or %s, not '%s'", o->name,
			    strchr(o->arg, 'x') != NULL ? o->arg : "WxH", s);
		break;
	case FE_PAIR:
		if (parse_pair(s, o->sep, o->to, o->to2) == -1)
			fe_die(2, "--%s wants %s, not '%s'", o->name, o->arg,
			    s);
		break;
	case FE_LIST:
		if ((uint64_t)*n >= o->max)
			fe_die(2, "--%s given more than %llu times", o->name,
			    (unsigned long long)o->max);
		((const char **)o->to)[(*n)++] = s;
		break;
	case FE_BASE:
		if (strcmp(s, "0") != 0 && strcmp(s, "1") != 0)
			fe_die(2, "--base wants 0 or 1, not '%s'", s);
		*(int *)o->to = s[0] - '0';
		break;
	case FE_CALL:
		o->call(o->to, s);
		break;
	case FE_PCT:
		if (pxr_crop_pct_parse(s, o->to) == -1)
			fe_die(2,
			    "--%s wants a number above 0 and at most 1 "
			    "(0.875), not '%s'",
			    o->name, s);
		break;
	default:
		if (parse_word(o, s) == -1)
			fe_die(2, "unknown --%s '%s' (%s)", o->name, s,
			    choices[o->kind]);
	}
}

/* The rows of the table, and -h and -V; their number. */
static size_t
all_rows(struct fe_opt *opts, struct fe_opt **rows)
{
	size_t n = 0;

	for (struct fe_opt *o = opts; o->name != NULL; o++) {
		if (n == FE_MAX_OPTS - 2)
			PXR_BUG("a table of more options than FE_MAX_OPTS");
		rows[n++] = o;
	}
	rows[n++] = &help_opt;
	rows[n++] = &version_opt;
	return n;
}

static int
by_name(const void *a, const void *b)
{
	const struct fe_opt *x = *(const struct fe_opt *const *)a;
	const struct fe_opt *y = *(const struct fe_opt *const *)b;

	return strcmp(x->name, y->name);
}

/* Exits 0 when what was printed reached stdout, else 2. */
static void
exit_flushed(void)
{
	exit(fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2);
}

/* The row of the option called name, or NULL. */
static const struct fe_opt *
find(const struct fe_opt *opts, const char *name)
{
	for (const struct fe_opt *o = opts; o->name != NULL; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

/* The next name of a rule's list (fe.h: names, ' ' between) into name,
 * and s past it; 0 at the list's end. */
static int
next_name(const char **s, char *name, size_t size)
{
	size_t len = strcspn(*s, " ");

	if (len == 0)
		return 0;
	if (len >= size)
		PXR_BUG("a goes-with rule names too long an option");
	memcpy(name, *s, len);
	name[len] = '\0';
	*s += len + ((*s)[len] == ' ');
	return 1;
}

/* The row a rule names; one not in the table is a bug. */
static const struct fe_opt *
rule_row(const struct fe_opt *opts, const char *name)
{
	const struct fe_opt *o = find(opts, name);

	if (o == NULL)
		PXR_BUG("a goes-with rule names an option not in the table");
	return o;
}

/* A rule's names as words: "--a", "--a or --b", "--a, --b or --c". */
static void
rule_words(const char *names, char *buf, size_t size)
{
	size_t used = 0;
	char name[32];

	buf[0] = '\0';
	for (const char *s = names; next_name(&s, name, sizeof(name));) {
		const char *sep = ", ";

		if (used == 0)
			sep = "";
		else if (*s == '\0') /* the last */
			sep = " or ";
		used += (size_t)snprintf(buf + used, size - used, "%s--%s", sep,
		    name);
		if (used >= size)
			PXR_BUG("a goes-with rule too long");
	}
}

/* Each option's "goes with" rule (fe.h), checked where the option is
 * given: exit 2, the message and the usage, where it is broken. */
static void
check_rules(const struct fe_prog *p, const struct fe_opt *opts)
{
	char name[32], words[160];

	for (const struct fe_opt *o = opts; o->name != NULL; o++) {
		const char *s = o->with;
		int with = s == NULL;

		if (o->with != NULL && o->not_with != NULL)
			PXR_BUG("a row with both kinds of goes-with rule");
		while (s != NULL && next_name(&s, name, sizeof(name)))
			with |= rule_row(opts, name)->given > 0;
		if (o->given > 0 && !with) {
			rule_words(o->with, words, sizeof(words));
			fe_usage(p, "--%s goes with %s", o->name, words);
		}
		for (s = o->not_with;
		     s != NULL && next_name(&s, name, sizeof(name));)
			if (rule_row(opts, name)->given > 0 && o->given > 0)
				fe_usage(p, "--%s does not go with --%s",
				    o->name, name);
	}
}

/* "  -a, --align A" or "      --at X,Y": an option's head in --help. */
static int
head(const struct fe_opt *o, char *buf, size_t size)
{
	char letter[8] = "    ";

	if (o->letter != 0)
		snprintf(letter, sizeof(letter), "-%c, ", o->letter);
	return snprintf(buf, size, "  %s--%s%s%s", letter, o->name,
	    o->arg != NULL ? " " : "", o->arg != NULL ? o->arg : "");
}

/* The rule of row o of opts as --help says it, "with --a:" or "not with
 * --b:", into buf (empty for a row with none, or whose rule names hidden
 * options only: a program that always has them). */
static void
rule_help(const struct fe_opt *opts, const struct fe_opt *o, char *buf,
    size_t size)
{
	const char *s = o->with != NULL ? o->with : o->not_with;
	char words[160], name[32];
	int shown = 0;

	buf[0] = '\0';
	while (s != NULL && next_name(&s, name, sizeof(name)))
		shown |= !rule_row(opts, name)->hidden;
	if (shown) {
		rule_words(o->with != NULL ? o->with : o->not_with, words,
		    sizeof(words));
		snprintf(buf, size, "%swith %s:", o->with != NULL ? "" : "not ",
		    words);
	}
}

void
fe_usage_options(const struct fe_opt *opts, char *buf, size_t size)
{
	struct fe_opt *rows[FE_MAX_OPTS];
	size_t n = all_rows((struct fe_opt *)(uintptr_t)opts, rows), used;

	qsort(rows, n, sizeof(struct fe_opt *), by_name);
	used = (size_t)snprintf(buf, size, "[-h]");
	for (size_t i = 0; i < n && used < size; i++)
		if (!rows[i]->hidden && rows[i]->letter != 'h' &&
		    rows[i]->letter != 'V')
			used += (size_t)snprintf(buf + used, size - used,
			    " [--%s%s%s]", rows[i]->name,
			    rows[i]->arg != NULL ? " " : "",
			    rows[i]->arg != NULL ? rows[i]->arg : "");
}

static void
print_help(const struct fe_prog *p, struct fe_opt *opts)
{
	struct fe_opt *rows[FE_MAX_OPTS];
	size_t n = all_rows(opts, rows);
	int width = 0;
	char buf[80], rule[192];

	qsort(rows, n, sizeof(struct fe_opt *), by_name);
	for (size_t i = 0; i < n; i++)
		if (!rows[i]->hidden && head(rows[i], buf, sizeof(buf)) > width)
			width = head(rows[i], buf, sizeof(buf));
	fputs(p->usage, stdout);
	fputs(p->about, stdout);
	for (size_t i = 0; i < n; i++) {
		const char *line = rows[i]->help;

		if (rows[i]->hidden)
			continue;
		head(rows[i], buf, sizeof(buf));
		rule_help(opts, rows[i], rule, sizeof(rule));
		printf("%-*s%s", width + 2, buf, rule);
		/* A rule too long for the first line has a line of its own. */
		if (width + 3 + strlen(rule) + strcspn(line, "\n") > 80)
			printf("\n%*s", width + 2, "");
		else if (rule[0] != '\0')
			putchar(' ');
		for (size_t len; *line != '\0'; line += len + 1) {
			len = strcspn(line, "\n");
			printf("%.*s\n", (int)len, line);
			if (line[len] == '\0')
				break;
			printf("%*s", width + 2, "");
		}
	}
	fputs(p->exits, stdout);
	exit_flushed();
}

/* Whether name (up to a '=') is the long name of one of the n rows. */
static int
is_option(struct fe_opt *const *rows, size_t n, const char *name)
{
	size_t len = strcspn(name, "=");

	for (size_t i = 0; i < n; i++)
		if (strlen(rows[i]->name) == len &&
		    strncmp(rows[i]->name, name, len) == 0)
			return 1;
	return 0;
}

/* getopt's ':' (a value missing) or '?' (an unknown option) for word, the
 * last word it read: the message and the usage, exit 2. */
static _Noreturn void
bad_option(const struct fe_prog *p, struct fe_opt *const *rows, size_t n, int c,
    const char *word)
{
	if (c == ':' && optopt != 0) {
		for (size_t i = 0; i < n; i++)
			if (rows[i]->letter == optopt)
				fe_usage(p, "-%c wants a value", optopt);
		for (size_t i = 0; i < n; i++)
			if (256 + (int)i == optopt)
				fe_usage(p, "--%s wants a value",
				    rows[i]->name);
	}
	if (c == ':')
		fe_usage(p, "%s wants a value", word);
	if (optopt != 0 && strncmp(word, "--", 2) != 0)
		fe_usage(p, "unknown option -%c", optopt);
	fe_usage(p, "unknown option %s", word);
}

/* An option given, and its value, which is taken once the rules hold. */
struct taken {
	struct fe_opt *o;
	const char *value;
};

int
fe_parse(const struct fe_prog *p, struct fe_opt *opts, int argc, char **argv)
{
	struct fe_opt *rows[FE_MAX_OPTS];
	struct option longopts[FE_MAX_OPTS + 1] = { { NULL, 0, NULL, 0 } };
	char letters[2 * FE_MAX_OPTS + 1];
	size_t n = all_rows(opts, rows), used = 1, ntaken = 0, most = 1;
	struct taken *taken;
	char *slash;
	int c;

	for (int i = 1; i < argc; i++) /* each option takes a letter at least */
		most += strlen(argv[i]);
	letters[0] = ':'; /* a missing value: ':', not '?' */
	if ((taken = calloc(most, sizeof(*taken))) == NULL)
		fe_die(2, "out of memory");
	for (size_t i = 0; i < n; i++) {
		int arg =
		    rows[i]->kind == FE_FLAG ? no_argument : required_argument;

		longopts[i].name = rows[i]->name;
		longopts[i].has_arg = arg;
		longopts[i].val =
		    rows[i]->letter ? rows[i]->letter : 256 + (int)i;
		if (rows[i]->letter != 0) {
			letters[used++] = (char)rows[i]->letter;
			if (arg == required_argument)
				letters[used++] = ':';
		}
	}
	letters[used] = '\0';
	/* getopt names the program by argv[0]: by its base name, as every
	 * other message does, not by the path it was run by. */
	if ((slash = strrchr(argv[0], '/')) != NULL)
		argv[0] = slash + 1;
	opterr = 0; /* its messages are ours: one form in the family */
	while ((c = getopt_long(argc, argv, letters, longopts, NULL)) != -1) {
		size_t i = 0;

		if (c == ':' || c == '?')
			bad_option(p, rows, n, c, argv[optind - 1]);
		while (i < n && longopts[i].val != c)
			i++;
		if (i == n)
			PXR_BUG("getopt_long gave an option not in the table");
		/* A value that is one of the options: the value is missing
		 * ("--out --size 5"). */
		if (optarg != NULL && strncmp(optarg, "--", 2) == 0 &&
		    is_option(rows, n, optarg + 2))
			fe_usage(p, "--%s wants a value", rows[i]->name);
		if (rows[i] == &help_opt)
			print_help(p, opts);
		if (rows[i] == &version_opt) {
			fe_print_version();
			exit_flushed();
		}
		taken[ntaken].o = rows[i];
		taken[ntaken++].value = optarg;
		rows[i]->given++;
	}
	check_rules(p, opts);
	for (size_t i = 0; i < ntaken; i++)
		take_value(taken[i].o, taken[i].value);
	free(taken);
	return optind;
}

int
fe_given(const struct fe_opt *opts, const char *name)
{
	const struct fe_opt *o = find(opts, name);

	if (o == NULL)
		PXR_BUG("fe_given: an option not in the table");
	return o->given;
}

void
fe_like(const struct fe_opt *opts, enum pxr_like like, struct pxr_shape *s)
{
	struct pxr_shape preset = *s;

	pxr_like_defaults(like, &preset);
	if (!fe_given(opts, "filter"))
		s->filter = preset.filter;
	/* A filter given names the resampling: the notebook's own chain
	 * gives way to it (the notebook's geometry with that filter). */
	s->notebook = preset.notebook && !fe_given(opts, "filter");
	if (!fe_given(opts, "round"))
		s->round = preset.round;
	if (!fe_given(opts, "align"))
		s->co.align = preset.co.align;
	s->square |= preset.square;
	s->halve |= preset.halve;
	s->wide |= preset.wide;
}

void
fe_crop_pct(const struct fe_prog *p, const struct fe_opt *opts, double pct,
    struct pxr_shape *s)
{
	static const char *const sides[] = { "long", "max-side", "short",
		"size" };
	const struct fe_opt *o;

	if (!fe_given(opts, "crop-pct"))
		return;
	for (size_t i = 0; i < sizeof(sides) / sizeof(sides[0]); i++)
		if ((o = find(opts, sides[i])) != NULL && o->given > 0)
			fe_usage(p,
			    "--crop-pct gives the short side: not with --%s",
			    sides[i]);
	if (s->co.w != s->co.h)
		fe_usage(p, "--crop-pct wants a square --crop N, not %ux%u",
		    s->co.w, s->co.h);
	s->target = PXR_TARGET_SHORT;
	if ((s->n = pxr_crop_pct_short(s->co.w, pct)) == 0)
		fe_die(2,
		    "--crop %u at --crop-pct %g: the short side is over "
		    "%u pixels",
		    s->co.w, pct, PXR_DIM_MAX);
}
