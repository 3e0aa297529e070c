/* http.c: answers and field errors (see http.h). */
#include "api/http.h"

#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *sm_req_header(const sm_request *rq, const char *name)
{
    return rq->conn ? MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name) : NULL;
}

const char *sm_req_query(const sm_request *rq, const char *name)
{
    return rq->conn ? MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name) : NULL;
}

int sm_resp_json(sm_response *resp, unsigned status, json_t *json)
{
    char *text = json ? json_dumps(json, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
    json_decref(json);
    if (!text)
        return SM_ENOMEM;
    free(resp->body);
    resp->status = status;
    resp->type = NULL;
    resp->body = text;
    resp->len = strlen(text);
    return SM_OK;
}

void sm_resp_text(sm_response *resp, unsigned status, const char *type, char *text)
{
    free(resp->body);
    resp->status = status;
    resp->type = type;
    resp->body = text;
    resp->len = text ? strlen(text) : 0;
}

void sm_field_error(sm_field_errors *fe, const char *field, const char *fmt, ...)
{
    if (fe->count >= 50) /* enough to fix a body; the rest follow once these are */
        return;
    char reason[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (!fe->list)
        fe->list = json_array();
    json_array_append_new(fe->list, json_pack("{s:s, s:s}", "field", field, "reason", reason));
    fe->count++;
}

void sm_field_errors_clear(sm_field_errors *fe)
{
    json_decref(fe->list);
    fe->list = NULL;
    fe->count = 0;
}

static const char *title_of(unsigned status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Internal Server Error" : "Error";
    }
}

static int problem_with(sm_response *resp, unsigned status, const char *detail, json_t *errors)
{
    json_t *p = json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank", "title",
                          title_of(status), "status", (int)status, "detail", detail);
    if (p && errors)
        json_object_set_new(p, "errors", errors);
    else
        json_decref(errors);
    int rc = sm_resp_json(resp, status, p);
    resp->type = "application/problem+json";
    return rc;
}

int sm_problem(sm_response *resp, unsigned status, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    return problem_with(resp, status, detail, NULL);
}

int sm_problem_fields(sm_response *resp, unsigned status, sm_field_errors *fe)
{
    char detail[512] = "invalid request";
    json_t *first = fe->list ? json_array_get(fe->list, 0) : NULL;
    if (first)
        snprintf(detail, sizeof detail, "%s: %s",
                 json_string_value(json_object_get(first, "field")),
                 json_string_value(json_object_get(first, "reason")));
    if (fe->count > 1) {
        size_t n = strlen(detail);
        snprintf(detail + n, sizeof detail - n, " (and %zu more)", fe->count - 1);
    }
    json_t *list = fe->list;
    fe->list = NULL;
    fe->count = 0;
    return problem_with(resp, status, detail, list);
}

sm_lang sm_req_lang(const sm_request *rq, const char *body_lang)
{
    const char *q = sm_req_query(rq, "lang");
    const char *v = body_lang ? body_lang : q;
    if (v)
        return strncmp(v, "en", 2) == 0 ? SM_LANG_EN : SM_LANG_FR;
    const char *al = sm_req_header(rq, "Accept-Language");
    if (al) {
        /* The first language named wins (weights are rarely used by our clients). */
        while (*al == ' ')
            al++;
        if (strncmp(al, "en", 2) == 0)
            return SM_LANG_EN;
    }
    return SM_LANG_FR;
}
