/*
 * csv.h: an RFC 4180 CSV reader for the ESCO export.
 *
 * The whole file is read into memory once; records are parsed in place
 * (quoted fields are unescaped inside the buffer), so a field is a borrowed
 * sm_str valid until the next sm_csv_next call. Accepts CRLF or LF line ends,
 * quoted fields with embedded newlines and doubled quotes, a leading UTF-8
 * BOM, and ragged records (fewer fields than the header: the missing ones
 * read as empty). Every error names the file, the record (1 = first record
 * after the header), its starting line and the column.
 */
#ifndef SM_CSV_H
#define SM_CSV_H

#include "taxonomy/base/error.h"
#include "taxonomy/base/str.h"

#include <stddef.h>

typedef struct sm_csv sm_csv;

/* Largest file accepted, and most fields in one record. */
#define SM_CSV_MAX_BYTES ((size_t)1 << 30)
#define SM_CSV_MAX_FIELDS 256

/*
 * Opens path and reads its header record. On success *out owns the file's
 * contents; free it with sm_csv_free. On error *out is NULL, err says why.
 */
int sm_csv_open_file(sm_csv **out, const char *path, sm_error *err);
/* As sm_csv_open_file over a copy of len bytes; name is used in messages. */
int sm_csv_open_buffer(sm_csv **out, const char *name, const char *data, size_t len, sm_error *err);
void sm_csv_free(sm_csv *csv);

/* The header's index of column name, or -1 when the file has no such column. */
int sm_csv_column(const sm_csv *csv, const char *name);
/*
 * Looks up each of the NULL-terminated names; fills idx. A missing column is
 * an error naming the file and the column.
 */
int sm_csv_require(const sm_csv *csv, const char *const *names, int *idx, sm_error *err);

/*
 * Reads the next record. Returns 1 when a record was read, 0 at end of file,
 * or SM_EPARSE / SM_EUTF8 with err naming file, record, line and column.
 * Blank lines are skipped.
 */
int sm_csv_next(sm_csv *csv, sm_error *err);

/* Field col of the current record; empty for col < 0 or past a ragged end. */
sm_str sm_csv_field(const sm_csv *csv, int col);
size_t sm_csv_field_count(const sm_csv *csv);
size_t sm_csv_record(const sm_csv *csv);
size_t sm_csv_line(const sm_csv *csv);
const char *sm_csv_name(const sm_csv *csv);
/* The header's name of column col (for messages); "?" when out of range. */
const char *sm_csv_column_name(const sm_csv *csv, int col);

#endif
