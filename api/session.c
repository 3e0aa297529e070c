/*
 * session.c: a key kept by the browser for the web pages (api/web/), never by their scripts.
 *
 * POST /v1/session {"key": …} checks the key and answers with a cookie holding it, HttpOnly
 * (no script reads it) and SameSite=Strict (no other site's page sends it); GET /v1/session
 * says who the cookie stands for (role, organisation, a seeker's profile id), never the key;
 * DELETE /v1/session forgets it ("forget me on this computer"). The API takes the cookie as it
 * takes "Authorization: Bearer" only from the service's own pages: a request whose Origin is
 * the server's own, or a same-origin GET (browsers send no Origin on those, but
 * Sec-Fetch-Site: same-origin). A request that carries both a cookie and an Authorization
 * header is judged by the header.
 */
#include "api/keys_cache.h"
#include "api/routes.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define COOKIE "sm_key"

int sm_session_origin_ok(const sm_request *rq)
{
    const char *origin = sm_req_header(rq, "Origin"), *host = sm_req_header(rq, "Host");
    if (!host || !*host)
        return 0;
    if (origin) {
        const char *rest = !strncmp(origin, "http://", 7)    ? origin + 7
                           : !strncmp(origin, "https://", 8) ? origin + 8
                                                             : NULL;
        return rest && !strcasecmp(rest, host);
    }
    const char *site = sm_req_header(rq, "Sec-Fetch-Site");
    int get = !strcmp(rq->method, "GET") || !strcmp(rq->method, "HEAD");
    return get && site && !strcmp(site, "same-origin");
}

const char *sm_session_key(const sm_request *rq, char *buf, size_t cap)
{
    const char *cookies = sm_req_header(rq, "Cookie");
    if (!cookies)
        return NULL;
    for (const char *p = cookies; p && *p;) {
        while (*p == ' ' || *p == ';')
            p++;
        size_t n = strcspn(p, ";");
        if (n > sizeof COOKIE && !strncmp(p, COOKIE "=", sizeof COOKIE)) {
            size_t len = n - sizeof COOKIE;
            if (!len || len >= cap)
                return NULL;
            memcpy(buf, p + sizeof COOKIE, len);
            buf[len] = '\0';
            return buf;
        }
        p += n;
    }
    return NULL;
}

void sm_session_set_cookie(sm_response *resp, const sm_request *rq, const char *key)
{
    const char *origin = sm_req_header(rq, "Origin");
    int secure = origin && !strncmp(origin, "https://", 8);
    if (key)
        snprintf(resp->cookie, sizeof resp->cookie,
                 COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000%s", key,
                 secure ? "; Secure" : "");
    else
        snprintf(resp->cookie, sizeof resp->cookie,
                 COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
                 secure ? "; Secure" : "");
}

static json_t *who_json(const sm_principal *who)
{
    json_t *o = json_pack("{s:b}", "remembered", who->key_id != 0);
    if (who->key_id) {
        json_object_set_new(o, "role", json_string(sm_role_name(who->role)));
        if (who->role == SM_ROLE_SEEKER)
            json_object_set_new(o, "profile_id", json_string(who->profile_id));
        else
            json_object_set_new(o, "organisation", json_string(who->org));
    }
    return o;
}

int sm_route_session(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)g;
    if (!strcmp(rq->method, "DELETE")) {
        if (!sm_session_origin_ok(rq))
            return sm_problem(resp, 403, "only the service's own pages may do this");
        sm_session_set_cookie(resp, rq, NULL);
        resp->status = 204;
        return 0;
    }
    if (strcmp(rq->method, "POST"))
        return sm_resp_json(resp, 200, who_json(&rq->who));
    if (!sm_session_origin_ok(rq))
        return sm_problem(resp, 403, "only the service's own pages may do this");
    json_t *body = sm_parse_body(rq, resp);
    if (!body)
        return SM_EANSWERED;
    sm_body_lang(rq, body, resp);
    sm_field_errors fe = {0};
    static const char *const keys[] = {"key", "lang", NULL};
    sm_check_keys(body, "", keys, &fe);
    const char *key = sm_get_string(body, "", "key", 200, 1, &fe);
    sm_principal who = {0};
    if (key && !fe.count) {
        int rc = sm_keys_lookup(s->keys, s->db, key, strlen(key), &who);
        if (rc == SM_EIO) {
            json_decref(body);
            resp->retry_after = 1;
            return sm_problem(resp, 503,
                              "keys cannot be checked now: the database is not reachable");
        }
        if (rc != SM_OK)
            sm_field_error(&fe, "key", "unknown or revoked: check the key or the code");
    }
    if (fe.count) {
        json_decref(body);
        return sm_problem_fields(resp, 400, &fe);
    }
    sm_session_set_cookie(resp, rq, key);
    json_decref(body);
    return sm_resp_json(resp, 200, who_json(&who));
}
