/* error.c: the error-code table and sm_error helpers (see error.h). */
#include "taxonomy/base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *sm_strerror(int code)
{
    switch (code) {
#define SM__CASE(name, value, text)                                                                \
    case name: return text;
        SM_ERRNO_MAP(SM__CASE)
#undef SM__CASE
    }
    return "unknown error";
}

int sm_error_set(sm_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        err->field[0] = '\0';
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

int sm_error_field(sm_error *err, int code, const char *field, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        snprintf(err->field, sizeof err->field, "%s", field);
        int n = snprintf(err->message, sizeof err->message, "%s: ", err->field);
        if (n > 0 && (size_t)n < sizeof err->message)
            vsnprintf(err->message + n, sizeof err->message - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return code;
}

const char *sm_error_reason(const sm_error *err)
{
    size_t n = strlen(err->field);
    if (n && strncmp(err->message, err->field, n) == 0 && err->message[n] == ':' &&
        err->message[n + 1] == ' ')
        return err->message + n + 2;
    return err->message;
}
