/* error.c: the error-code table and sm_error helpers (see error.h). */
#include "taxonomy/base/error.h"

#include <stdarg.h>
#include <stdio.h>

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
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}
