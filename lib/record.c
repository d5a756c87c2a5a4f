/*
 * record.c: records of the pxr stream (pxr(5)): made empty or made
 * failures, their fields checked against the bounds in pxr.h (the reader
 * checks them before it allocates or trusts anything, the writer before it
 * writes), their header encoded; and what the reader and the writer
 * share.  The reader is record_read.c, the writer record_write.c, and
 * record_forward.c writes what a reader read with its payload unread.
 */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include "record_int.h"

void
pxr_record_init(struct pxr_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->label = PXR_LABEL_NONE;
	rec->name = "";
}

const char *
pxr_kind_name(enum pxr_kind kind)
{
	switch (kind) {
	case PXR_KIND_ENCODED:
		return "encoded";
	case PXR_KIND_PIXELS:
		return "pixels";
	case PXR_KIND_FAILURE:
		return "failure";
	}
	return "unknown";
}

void
pxr_record_fail(struct pxr_record *rec, const char *fmt, ...)
{
	char tmp[PXR_REASON_MAX];
	va_list ap;
	size_t n;

	/* Format into tmp first: the arguments may point into rec->reason. */
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	n = strlen(tmp);
	memcpy(rec->reason, tmp, n + 1);
	rec->kind = PXR_KIND_FAILURE;
	rec->flags = 0;
	rec->width = rec->height = rec->channels = 0;
	rec->payload = (const unsigned char *)rec->reason;
	rec->payload_len = n;
}

int
pxr_record_check(const struct pxr_record *rec, struct pxr_err *err)
{
	if (rec->kind != PXR_KIND_ENCODED && rec->kind != PXR_KIND_PIXELS &&
	    rec->kind != PXR_KIND_FAILURE)
		return pxr_seterr(err, PXR_E_KIND, "unknown record kind %u",
		    (unsigned)rec->kind);
	if (rec->flags & ~PXR_FLAGS_KNOWN)
		return pxr_seterr(err, PXR_E_FIELD, "unknown flags 0x%x",
		    rec->flags);
	if (rec->index > PXR_INDEX_MAX)
		return pxr_seterr(err, PXR_E_FIELD,
		    "index %llu exceeds the maximum %llu",
		    (unsigned long long)rec->index,
		    (unsigned long long)PXR_INDEX_MAX);
	if (rec->label < PXR_LABEL_NONE)
		return pxr_seterr(err, PXR_E_FIELD,
		    "label %ld is negative (only -1, none, is allowed)",
		    (long)rec->label);
	if (rec->name_len > PXR_NAME_MAX)
		return pxr_seterr(err, PXR_E_FIELD,
		    "name length %zu exceeds the maximum %u", rec->name_len,
		    PXR_NAME_MAX);
	if (rec->name_len > 0 && memchr(rec->name, '\0', rec->name_len))
		return pxr_seterr(err, PXR_E_FIELD, "name holds a NUL byte");
	if (rec->payload_len > PXR_PAYLOAD_MAX)
		return pxr_seterr(err, PXR_E_FIELD,
		    "payload length %zu exceeds the maximum %llu",
		    rec->payload_len, (unsigned long long)PXR_PAYLOAD_MAX);
	if (rec->kind == PXR_KIND_PIXELS) {
		uint64_t want;

		if (rec->channels != 1 && rec->channels != 3)
			return pxr_seterr(err, PXR_E_FIELD,
			    "pixel record with %u channels (1 or 3 allowed)",
			    rec->channels);
		if (rec->width == 0 || rec->height == 0 ||
		    rec->width > PXR_DIM_MAX || rec->height > PXR_DIM_MAX)
			return pxr_seterr(err, PXR_E_FIELD,
			    "pixel size %ux%u out of range (1 to %u a side)",
			    rec->width, rec->height, PXR_DIM_MAX);
		/* Each side is at most 2^20, so the product fits 64 bits. */
		want = (uint64_t)rec->width * rec->height * rec->channels;
		if (want != rec->payload_len)
			return pxr_seterr(err, PXR_E_DIMS,
			    "pixel payload of %zu bytes does not match "
			    "%ux%ux%u = %llu",
			    rec->payload_len, rec->width, rec->height,
			    rec->channels, (unsigned long long)want);
	} else {
		if (rec->width != 0 || rec->height != 0 || rec->channels != 0)
			return pxr_seterr(err, PXR_E_FIELD,
			    "%s record with pixel size %ux%ux%u (must be 0)",
			    pxr_kind_name(rec->kind), rec->width, rec->height,
			    rec->channels);
		if (rec->kind == PXR_KIND_FAILURE &&
		    rec->payload_len > PXR_REASON_MAX)
			return pxr_seterr(err, PXR_E_FIELD,
			    "failure reason of %zu bytes exceeds the maximum "
			    "%u",
			    rec->payload_len, PXR_REASON_MAX);
	}
	return 0;
}

void
pxr_header_encode(unsigned char hdr[PXR_HEADER_SIZE],
    const struct pxr_record *rec, uint32_t payload_crc)
{
	uint32_t crc;

	memcpy(hdr + OFF_MAGIC, PXR_MAGIC, 4);
	put16(hdr + OFF_VERSION, PXR_FORMAT_VERSION);
	hdr[OFF_KIND] = (unsigned char)rec->kind;
	hdr[OFF_CHANNELS] = (unsigned char)rec->channels;
	put64(hdr + OFF_INDEX, rec->index);
	put32(hdr + OFF_LABEL, (uint32_t)rec->label);
	put32(hdr + OFF_FLAGS, rec->flags);
	put32(hdr + OFF_WIDTH, rec->width);
	put32(hdr + OFF_HEIGHT, rec->height);
	put32(hdr + OFF_ORIG_WIDTH, rec->orig_width);
	put32(hdr + OFF_ORIG_HEIGHT, rec->orig_height);
	put32(hdr + OFF_NAME_LEN, (uint32_t)rec->name_len);
	put32(hdr + OFF_RESERVED, 0);
	put64(hdr + OFF_PAYLOAD_LEN, rec->payload_len);
	put32(hdr + OFF_PAYLOAD_CRC, payload_crc);
	crc = pxr_crc32c(0, hdr, OFF_HEADER_CRC);
	crc = pxr_crc32c(crc, rec->name, rec->name_len);
	put32(hdr + OFF_HEADER_CRC, crc);
}

/* The reader's and the writer's: a pipe's buffer made PIPE_SIZE
 * (F_SETPIPE_SZ) where the kernel allows; anything else is left as it
 * is. */
void
record_grow_pipe(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
		(void)fcntl(fd, F_SETPIPE_SZ, PIPE_SIZE);
}
