/* http.c: answers and field errors (see http.h). */
#include "api/http.h"
#include "api/messages.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/arena.h"

#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *sm_req_header(const sm_request *rq, const char *name)
{
    if (rq->conn)
        return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
    for (size_t i = 0; rq->headers && rq->headers[i] && rq->headers[i + 1]; i += 2)
        if (!strcasecmp(rq->headers[i], name))
            return rq->headers[i + 1];
    return NULL;
}

const char *sm_req_query(const sm_request *rq, const char *name)
{
    if (rq->conn)
        return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
    for (size_t i = 0; rq->args && rq->args[i] && rq->args[i + 1]; i += 2)
        if (!strcmp(rq->args[i], name))
            return rq->args[i + 1];
    return NULL;
}

int sm_resp_out_of_memory(sm_response *resp)
{
    sm_free(resp->body);
    resp->body = NULL;
    resp->len = 0;
    resp->type = NULL;
    resp->status = 503;
    resp->retry_after = 1;
    return SM_ENOMEM;
}

char *sm_json_text(const json_t *json, size_t flags)
{
    sm_arena *request = sm_arena_enter(NULL);
    char *text = json_dumps(json, flags);
    sm_arena_enter(request);
    return text;
}

int sm_resp_json(sm_response *resp, unsigned status, json_t *json)
{
    char *text = json ? sm_json_text(json, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
    json_decref(json);
    if (!text) /* an answer that cannot be written is the server's failing: a 503, whatever
                * the handler returns next */
        return sm_resp_out_of_memory(resp);
    sm_free(resp->body);
    resp->status = status;
    resp->type = NULL;
    resp->body = text;
    resp->len = strlen(text);
    return SM_OK;
}

void sm_resp_text(sm_response *resp, unsigned status, const char *type, char *text)
{
    sm_free(resp->body);
    resp->status = status;
    resp->type = type;
    resp->body = text;
    resp->len = text ? strlen(text) : 0;
}

/* fmt's text in lang formatted with ap (a "%s" alone: its argument's text in lang). */
static void format_in(char *out, size_t cap, const char *fmt, sm_lang lang, va_list ap)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    const char *text = strcmp(fmt, "%s") == 0 ? va_arg(ap, const char *) : fmt;
    if (!text)
        text = "";
    /* A message the catalog lacks is shown in English, and said in the log (the end-to-end
     * suite fails on such a line). */
    if (lang == SM_LANG_FR && *text && !sm_msg_known(text))
        fprintf(stderr, "skillmatch: no French text for \"%s\"\n", text);
    if (text != fmt)
        snprintf(out, cap, "%s", sm_msg(text, lang));
    else
        vsnprintf(out, cap, sm_msg(fmt, lang), ap);
#pragma GCC diagnostic pop
}

void sm_msg_format(char *out, size_t cap, sm_lang lang, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    format_in(out, cap, fmt, lang, ap);
    va_end(ap);
}

void sm_field_error(sm_field_errors *fe, const char *field, const char *fmt, ...)
{
    if (fe->count >= 50) /* enough to fix a body; the rest follow once these are */
        return;
    char reason[256], french[320];
    va_list ap;
    va_start(ap, fmt);
    format_in(reason, sizeof reason, fmt, SM_LANG_EN, ap);
    va_end(ap);
    va_start(ap, fmt);
    format_in(french, sizeof french, fmt, SM_LANG_FR, ap);
    va_end(ap);
    if (!fe->list)
        fe->list = json_array();
    if (!fe->french)
        fe->french = json_array();
    json_array_append_new(fe->list, json_pack("{s:s, s:s}", "field", field, "reason", reason));
    json_array_append_new(fe->french, json_string(french));
    fe->count++;
}

void sm_field_error_choices(sm_field_errors *fe, json_t *choices)
{
    json_t *last = fe->count ? json_array_get(fe->list, fe->count - 1) : NULL;
    if (last)
        json_object_set_new(last, "choices", choices);
    else
        json_decref(choices);
}

void sm_field_errors_clear(sm_field_errors *fe)
{
    json_decref(fe->list);
    json_decref(fe->french);
    fe->list = NULL;
    fe->french = NULL;
    fe->count = 0;
}

static int problem_with(sm_response *resp, unsigned status, const char *detail, json_t *errors)
{
    json_t *p =
        json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank", "title",
                  sm_msg_status_title(status, resp->lang), "status", (int)status, "detail", detail);
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
    format_in(detail, sizeof detail, fmt, resp->lang, ap);
    va_end(ap);
    return problem_with(resp, status, detail, NULL);
}

int sm_problem_fields(sm_response *resp, unsigned status, sm_field_errors *fe)
{
    int fr = resp->lang == SM_LANG_FR;
    /* The errors in the answer's language. */
    for (size_t i = 0; fr && fe->list && i < json_array_size(fe->list); i++)
        json_object_set(json_array_get(fe->list, i), "reason", json_array_get(fe->french, i));
    char detail[512];
    snprintf(detail, sizeof detail, "%s", fr ? "requête invalide" : "invalid request");
    json_t *first = fe->list ? json_array_get(fe->list, 0) : NULL;
    if (first)
        snprintf(detail, sizeof detail, fr ? "%s : %s" : "%s: %s",
                 json_string_value(json_object_get(first, "field")),
                 json_string_value(json_object_get(first, "reason")));
    if (fe->count > 1) {
        size_t n = strlen(detail);
        snprintf(detail + n, sizeof detail - n, fr ? " (et %zu autre%s)" : " (and %zu more)",
                 fe->count - 1, fe->count > 2 ? "s" : "");
    }
    json_t *list = fe->list;
    fe->list = NULL;
    sm_field_errors_clear(fe);
    return problem_with(resp, status, detail, list);
}

/*
 * The language Accept-Language prefers among French and English: the one with the higher
 * q-value, the first named on a tie ("*" stands for French); -1 when it names neither.
 */
static int accepted_lang(const char *al)
{
    double best_q = 0;
    int best = -1;
    while (al && *al) {
        while (*al == ' ' || *al == ',')
            al++;
        const char *tag = al;
        size_t n = strcspn(al, ",;");
        al += n;
        double q = 1;
        while (*al == ';') {
            al++;
            while (*al == ' ')
                al++;
            if (al[0] == 'q' && al[1] == '=')
                q = strtod(al + 2, NULL);
            al += strcspn(al, ",;");
        }
        while (n && tag[n - 1] == ' ')
            n--;
        int lang = -1;
        if (n >= 2 && strncasecmp(tag, "fr", 2) == 0 && (n == 2 || tag[2] == '-'))
            lang = SM_LANG_FR;
        else if (n >= 2 && strncasecmp(tag, "en", 2) == 0 && (n == 2 || tag[2] == '-'))
            lang = SM_LANG_EN;
        else if (n == 1 && tag[0] == '*')
            lang = SM_LANG_FR;
        if (lang >= 0 && q > best_q) {
            best_q = q;
            best = lang;
        }
    }
    return best;
}

sm_lang sm_req_lang(const sm_request *rq, const char *body_lang)
{
    const char *q = sm_req_query(rq, "lang");
    const char *v = body_lang ? body_lang : q;
    if (v)
        return strcmp(v, "en") == 0 ? SM_LANG_EN : SM_LANG_FR;
    int lang = accepted_lang(sm_req_header(rq, "Accept-Language"));
    return lang == SM_LANG_EN ? SM_LANG_EN : SM_LANG_FR;
}
