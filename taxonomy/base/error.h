/*
 * error.h: the one error convention of skillmatch.
 *
 * Functions return 0 (SM_OK) or a negative SM_E* code from the table below;
 * sm_strerror() names it. Where a caller needs to show a user what went wrong
 * (file, record, column, field), the function also fills an sm_error, whose
 * message is a complete sentence fragment such as
 * "skills_en.csv: record 12, column altLabels: invalid UTF-8".
 */
#ifndef SM_ERROR_H
#define SM_ERROR_H

#include <stddef.h>

/* SM_EANSWERED is the HTTP layer's: a helper has put its answer (a refusal) in the response,
 * and its caller hands that answer back as it is (api/server.c keeps it). */
#define SM_ERRNO_MAP(X)                                                                            \
    X(SM_OK, 0, "success")                                                                         \
    X(SM_ENOMEM, -1, "out of memory")                                                              \
    X(SM_EIO, -2, "input/output error")                                                            \
    X(SM_EPARSE, -3, "malformed input")                                                            \
    X(SM_EINVAL, -4, "invalid argument")                                                           \
    X(SM_ENOTFOUND, -5, "not found")                                                               \
    X(SM_ETOOBIG, -6, "input too large")                                                           \
    X(SM_EUTF8, -7, "invalid UTF-8")                                                               \
    X(SM_ELIMIT, -8, "resource limit reached")                                                     \
    X(SM_EAGAIN, -9, "not ready yet, try again")                                                   \
    X(SM_ESTALE, -10, "changed since it was read")                                                 \
    X(SM_EANSWERED, -11, "answered already")                                                       \
    X(SM_ESCHEMA, -12, "the database schema is not migrated")                                      \
    X(SM_ETIMEDOUT, -13, "no answer in time")

enum {
#define SM__ENUM(name, value, text) name = value,
    SM_ERRNO_MAP(SM__ENUM)
#undef SM__ENUM
};

/* Returns a static string naming the code; never NULL. */
const char *sm_strerror(int code);

/* A detailed error for users: a code and a message naming where it happened. When the error is
 * about one input field, field names it ("skills[3].skill") and message reads "field: reason";
 * a layer above reads the two apart with sm_error_reason, never by parsing the message. */
typedef struct sm_error {
    int code;
    char message[512];
    char field[128]; /* "" when the error is about no one field */
} sm_error;

/*
 * Records code and a printf-style message in err (which may be NULL) and
 * returns code, so callers can write `return sm_error_set(err, SM_EPARSE, ...)`.
 */
int sm_error_set(sm_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The same for an error about one field: message "field: reason". Returns code. */
int sm_error_field(sm_error *err, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The reason alone: the message after "field: " when a field is set, else the message. */
const char *sm_error_reason(const sm_error *err);

#endif
