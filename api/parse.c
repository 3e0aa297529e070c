/* parse.c: bodies and field readers (see parse.h). */
#include "api/parse.h"

#include "api/messages.h"
#include "taxonomy/base/str.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Deepest nesting of the JSON text, counted without parsing (strings skipped). */
static int too_deep(const char *s, size_t len)
{
    int depth = 0, in_string = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
        } else if (c == '"')
            in_string = 1;
        else if (c == '{' || c == '[') {
            if (++depth > SM_JSON_MAX_DEPTH)
                return 1;
        } else if (c == '}' || c == ']')
            depth--;
    }
    return 0;
}

/* Whether Content-Type type (parameters after ';' ignored) is exactly name. */
static int media_type_is(const char *type, const char *name)
{
    size_t n = strlen(name);
    if (strncasecmp(type, name, n) != 0)
        return 0;
    type += n;
    while (*type == ' ')
        type++;
    return !*type || *type == ';';
}

static json_t *parse_json_object(const sm_request *rq, sm_response *resp);

json_t *sm_parse_body(const sm_request *rq, sm_response *resp)
{
    const char *type = sm_req_header(rq, "Content-Type");
    if (type && !media_type_is(type, "application/json") &&
        !media_type_is(type, "application/ld+json")) {
        sm_problem(resp, 415, "the body must be JSON (Content-Type: application/json)");
        return NULL;
    }
    return parse_json_object(rq, resp);
}

json_t *sm_parse_patch_body(const sm_request *rq, sm_response *resp)
{
    const char *type = sm_req_header(rq, "Content-Type");
    if (type && !media_type_is(type, "application/merge-patch+json") &&
        !media_type_is(type, "application/json")) {
        sm_problem(resp, 415,
                   "the body must be a JSON Merge Patch (Content-Type: "
                   "application/merge-patch+json)");
        return NULL;
    }
    return parse_json_object(rq, resp);
}

void sm_body_lang(const sm_request *rq, json_t *body, sm_response *resp)
{
    const char *lang = json_string_value(json_object_get(body, "lang"));
    if (lang && (!strcmp(lang, "fr") || !strcmp(lang, "en")))
        resp->lang = sm_req_lang(rq, lang);
}

int sm_patch_busy(sm_response *resp, int offer)
{
    resp->retry_after = 1;
    if (offer)
        return sm_problem(resp, 503,
                          "the offer kept changing while this change was merged in: send it again");
    return sm_problem(resp, 503,
                      "the profile kept changing while this change was merged in: send it again");
}

json_t *sm_merge_patch(json_t *target, json_t *patch)
{
    if (!json_is_object(patch))
        return json_deep_copy(patch);
    json_t *out = json_is_object(target) ? json_deep_copy(target) : json_object();
    const char *key;
    json_t *v;
    json_object_foreach(patch, key, v) {
        if (json_is_null(v))
            json_object_del(out, key);
        else
            json_object_set_new(out, key, sm_merge_patch(json_object_get(out, key), v));
    }
    return out;
}

void sm_etag(long long version, char out[24])
{
    snprintf(out, 24, "\"v%lld\"", version);
}

int sm_if_match(const sm_request *rq, long long *versions, size_t cap, size_t *n, int *any,
                sm_response *resp)
{
    const char *v = sm_req_header(rq, "If-Match");
    *n = 0;
    *any = 0;
    if (!v)
        return 0;
    while (*v == ' ')
        v++;
    if (v[0] == '*' && !v[1 + strspn(v + 1, " ")]) {
        *any = 1;
        return 1;
    }
    while (*v) {
        char *end;
        if (v[0] == 'W' && v[1] == '/') { /* weak: never matches, but well formed */
            const char *close = v[2] == '"' ? strchr(v + 3, '"') : NULL;
            if (!close)
                break;
            v = close + 1;
        } else if (v[0] == '"' && v[1] == 'v') {
            long long version = strtoll(v + 2, &end, 10);
            if (end == v + 2 || *end != '"' || version < 1)
                break;
            if (*n < cap)
                versions[(*n)++] = version;
            v = end + 1;
        } else if (v[0] == '"') { /* another entity tag: well formed, never ours */
            const char *close = strchr(v + 1, '"');
            if (!close)
                break;
            v = close + 1;
        } else
            break;
        v += strspn(v, " ");
        if (*v == ',')
            v += 1 + strspn(v + 1, " ");
        else if (*v)
            break;
    }
    if (*v) {
        sm_field_errors fe = {0};
        sm_field_error(&fe, "If-Match", "must be \"*\" or entity tags such as \"v3\"");
        sm_problem_fields(resp, 400, &fe);
        return SM_EANSWERED;
    }
    return 1;
}

/* Any JSON value of len bytes at text, or NULL with the problem (400, naming the line: the
 * text's own plus first_line - 1) in resp. */
static json_t *parse_json_text(const char *text, size_t len, int first_line, sm_response *resp)
{
    if (too_deep(text, len)) {
        sm_problem(resp, 400, "the JSON body nests deeper than %d levels", SM_JSON_MAX_DEPTH);
        return NULL;
    }
    json_error_t e;
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);
    if (!j && json_error_code(&e) == json_error_out_of_memory) {
        sm_resp_out_of_memory(resp); /* the server's failing, not the body's */
        return NULL;
    }
    if (!j) {
        /* The parser's own words are English only: what went wrong in ours, in both. */
        const char *what;
        switch (json_error_code(&e)) {
        case json_error_premature_end_of_input: what = "it ends too early"; break;
        case json_error_end_of_input_expected: what = "something follows the JSON value"; break;
        case json_error_invalid_utf8: what = "invalid UTF-8"; break;
        case json_error_duplicate_key: what = "a key appears twice in one object"; break;
        case json_error_numeric_overflow: what = "a number is too large"; break;
        case json_error_null_character:
        case json_error_null_byte_in_key: what = "a NUL character"; break;
        case json_error_stack_overflow: what = "nested too deeply"; break;
        default: what = "invalid syntax"; break;
        }
        sm_problem(resp, 400, "the body is not valid JSON: %s (line %d, column %d)",
                   sm_msg(what, resp->lang), e.line + first_line - 1, e.column);
        return NULL;
    }
    return j;
}

static json_t *parse_json_object(const sm_request *rq, sm_response *resp)
{
    if (!rq->body_len) {
        sm_problem(resp, 400, "the body is empty: a JSON object is expected");
        return NULL;
    }
    json_t *j = parse_json_text(rq->body, rq->body_len, 1, resp);
    if (j && !json_is_object(j)) {
        json_decref(j);
        sm_problem(resp, 400, "the body must be a JSON object");
        return NULL;
    }
    return j;
}

const char *sm_next_line(const char **at, const char *end, size_t *len, int *line)
{
    while (*at < end) {
        const char *p = *at, *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        *at = p + n + (nl != NULL);
        (*line)++;
        for (size_t k = 0; k < n; k++)
            if (p[k] != ' ' && p[k] != '\t' && p[k] != '\r') {
                *len = n;
                return p;
            }
    }
    return NULL;
}

json_t *sm_parse_body_list(const sm_request *rq, sm_response *resp, size_t max)
{
    const char *type = sm_req_header(rq, "Content-Type");
    int ndjson = type && (media_type_is(type, "application/x-ndjson") ||
                          media_type_is(type, "application/jsonl"));
    if (type && !ndjson && !media_type_is(type, "application/json")) {
        sm_problem(resp, 415,
                   "the body must be a JSON array (application/json) or one JSON object per line "
                   "(application/x-ndjson)");
        return NULL;
    }
    json_t *list;
    if (!ndjson) {
        if (!rq->body_len) {
            sm_problem(resp, 400, "the body is empty: a JSON array of offers is expected");
            return NULL;
        }
        if (!(list = parse_json_text(rq->body, rq->body_len, 1, resp)))
            return NULL;
        if (!json_is_array(list)) {
            json_decref(list);
            sm_problem(resp, 400, "the body must be a JSON array of offers");
            return NULL;
        }
    } else {
        list = json_array();
        const char *at = rq->body, *text;
        size_t n;
        int line = 0;
        while ((text = sm_next_line(&at, rq->body + rq->body_len, &n, &line))) {
            json_t *j = parse_json_text(text, n, line, resp);
            if (!j) {
                json_decref(list);
                return NULL;
            }
            json_array_append_new(list, j);
            if (json_array_size(list) > max)
                break;
        }
        if (!json_array_size(list)) {
            json_decref(list);
            sm_problem(resp, 400, "the body is empty: one JSON offer per line is expected");
            return NULL;
        }
    }
    if (json_array_size(list) > max) {
        json_decref(list);
        sm_problem(resp, 413, "at most %zu offers in one batch: send the rest in another", max);
        return NULL;
    }
    return list;
}

const char *sm_path(char *buf, size_t cap, const char *path, const char *key)
{
    if (path && *path)
        snprintf(buf, cap, "%s.%s", path, key);
    else
        snprintf(buf, cap, "%s", key);
    return buf;
}

const char *sm_path_index(char *buf, size_t cap, const char *path, size_t i)
{
    snprintf(buf, cap, "%s[%zu]", path, i);
    return buf;
}

const char *sm_get_string(json_t *obj, const char *path, const char *key, size_t max_len,
                          int required, sm_field_errors *fe)
{
    char p[160];
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            sm_field_error(fe, sm_path(p, sizeof p, path, key), "required");
        return NULL;
    }
    if (!json_is_string(v)) {
        sm_field_error(fe, sm_path(p, sizeof p, path, key), "must be a string");
        return NULL;
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n > max_len) {
        sm_field_error(fe, sm_path(p, sizeof p, path, key), "longer than %zu bytes", max_len);
        return NULL;
    }
    if (strlen(s) != n) {
        sm_field_error(fe, sm_path(p, sizeof p, path, key), "must not contain NUL characters");
        return NULL;
    }
    if (required && !*s) {
        sm_field_error(fe, sm_path(p, sizeof p, path, key), "must not be empty");
        return NULL;
    }
    return s;
}

int sm_get_bool(json_t *obj, const char *path, const char *key, int *out, sm_field_errors *fe)
{
    char p[160];
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v)) {
        sm_field_error(fe, sm_path(p, sizeof p, path, key), "must be true or false");
        return 0;
    }
    *out = json_is_true(v);
    return 1;
}

int sm_get_number(json_t *obj, const char *path, const char *key, double lo, double hi, double *out,
                  sm_field_errors *fe)
{
    char p[160];
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    double d = json_is_number(v) ? json_number_value(v) : NAN;
    if (!json_is_number(v) || !(d >= lo && d <= hi)) {
        sm_field_error(fe, sm_path(p, sizeof p, path, key), "must be a number between %g and %g",
                       lo, hi);
        return 0;
    }
    *out = d;
    return 1;
}

int sm_get_int(json_t *obj, const char *path, const char *key, long long lo, long long hi,
               long long *out, sm_field_errors *fe)
{
    char p[160];
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        sm_field_error(fe, sm_path(p, sizeof p, path, key),
                       "must be an integer between %lld and %lld", lo, hi);
        return 0;
    }
    *out = json_integer_value(v);
    return 1;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int32_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int sm_parse_date(const char *s, int32_t *days)
{
    int y, m, d, n = 0;
    if (!s || strlen(s) < 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
        (s[10] && s[10] != 'T' && s[10] != ' '))
        return SM_EINVAL;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1970 || y > 2200 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
        (m == 2 && d == 29 && !leap))
        return SM_EINVAL;
    *days = days_from_civil(y, m, d);
    return 0;
}

void sm_format_date(int32_t z, char out[11])
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp + (mp < 10 ? 3 : -9);
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y + (m <= 2), m, d);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

int sm_get_date(json_t *obj, const char *path, const char *key, int32_t *out, sm_field_errors *fe)
{
    char p[160];
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    int32_t days;
    if (!json_is_string(v) || sm_parse_date(json_string_value(v), &days) != 0) {
        sm_field_error(fe, sm_path(p, sizeof p, path, key), "must be a date YYYY-MM-DD");
        return 0;
    }
    *out = days;
    return 1;
}

/*
 * The area skillmatch serves, as boxes of (south, north, west, east): Europe, from the Canary
 * Islands and the Azores to the Urals' foot and the North Cape, and the French overseas
 * territories. A point outside is refused: most often it is a pair typed the wrong way round
 * (a French town typed lon, lat lands in the Indian Ocean or Somalia).
 */
static const double served[][4] = {
    {27.0, 81.5, -32.0, 46.0},      /* Europe, with the Canaries, the Azores and Cyprus */
    {14.0, 18.5, -63.5, -60.5},     /* Guadeloupe, Martinique, Saint-Martin, Saint-Barthélemy */
    {1.5, 6.5, -55.0, -51.0},       /* Guyane */
    {-22.0, -20.5, 55.0, 56.0},     /* La Réunion */
    {-13.3, -12.4, 44.8, 45.6},     /* Mayotte */
    {46.5, 47.5, -57.0, -55.9},     /* Saint-Pierre-et-Miquelon */
    {-23.0, -19.0, 163.0, 169.0},   /* Nouvelle-Calédonie */
    {-28.5, -7.0, -155.0, -134.0},  /* Polynésie française */
    {-14.6, -13.0, -178.5, -176.0}, /* Wallis-et-Futuna */
};

int sm_point_served(double lat, double lon)
{
    for (size_t i = 0; i < sizeof served / sizeof *served; i++)
        if (lat >= served[i][0] && lat <= served[i][1] && lon >= served[i][2] &&
            lon <= served[i][3])
            return 1;
    return 0;
}

int sm_check_point(double lat, double lon, const char *field, sm_field_errors *fe)
{
    int valid = lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180;
    if (valid && sm_point_served(lat, lon))
        return 1;
    if (lon >= -90 && lon <= 90 && lat >= -180 && lat <= 180 && sm_point_served(lon, lat))
        sm_field_error(fe, field, "lat and lon look swapped: did you mean lat %g, lon %g?", lon,
                       lat);
    else if (!valid)
        sm_field_error(fe, field, "lat must be between -90 and 90 and lon between -180 and 180");
    else
        sm_field_error(fe, field,
                       "outside the area skillmatch serves (Europe and the French overseas "
                       "territories)");
    return 0;
}

/* {"name", "insee", "departement"} of a commune (an alternative, a choice). */
static json_t *commune_ref(const sm_commune *c)
{
    return json_pack("{s:s, s:s, s:s}", "name", c->name, "insee", c->insee, "departement",
                     c->departement);
}

/* The commune loc names by "insee", "postcode" or "place" (+ "departement"), recording what is
 * wrong under p; *alternatives: the other communes of a shared postcode (a new array, or
 * NULL). NULL when none resolves. */
static const sm_commune *resolve_commune(const sm_places *places, json_t *loc, const char *p,
                                         json_t **alternatives, sm_field_errors *fe)
{
    char f[200];
    *alternatives = NULL;
    const char *insee = sm_get_string(loc, p, "insee", 5, 0, fe);
    const char *postcode = sm_get_string(loc, p, "postcode", 5, 0, fe);
    const char *name = sm_get_string(loc, p, "place", 200, 0, fe);
    const char *dep = sm_get_string(loc, p, "departement", 3, 0, fe);
    if (insee && !(strlen(insee) == 5 && strspn(insee, "0123456789AB") == 5))
        sm_field_error(fe, sm_path(f, sizeof f, p, "insee"), "must be an INSEE code: 5 characters");
    if (postcode && !(strlen(postcode) == 5 && strspn(postcode, "0123456789") == 5))
        sm_field_error(fe, sm_path(f, sizeof f, p, "postcode"), "must be 5 digits");
    if (fe->count)
        return NULL;
    if (!places) {
        sm_field_error(fe, p,
                       "this server has no places loaded (skillmatch import places): give "
                       "{\"lat\":…,\"lon\":…}");
        return NULL;
    }
    const sm_commune *c = NULL;
    if (insee && !(c = sm_places_insee(places, insee))) {
        sm_field_error(fe, sm_path(f, sizeof f, p, "insee"), "not the INSEE code of a commune");
        return NULL;
    }
    if (postcode) {
        const sm_commune *with[64];
        size_t n = sm_places_postcode(places, postcode, with, 64);
        if (!n) {
            sm_field_error(fe, sm_path(f, sizeof f, p, "postcode"), "not a French postcode");
            return NULL;
        }
        if (c) { /* both: the postcode must be one of the commune's */
            size_t k = 0;
            while (k < n && k < 64 && with[k] != c)
                k++;
            if (k == n || k == 64) {
                sm_field_error(fe, sm_path(f, sizeof f, p, "postcode"),
                               "not a postcode of the commune of this INSEE code");
                return NULL;
            }
        } else
            c = with[0];
        /* The other communes it serves, the most populous first. */
        json_t *others = json_array();
        for (size_t k = 0; k < n && k < 64; k++)
            if (with[k] != c)
                json_array_append_new(others, commune_ref(with[k]));
        if (json_array_size(others))
            *alternatives = others;
        else
            json_decref(others);
    }
    if (name && !c) {
        const sm_commune *named[32];
        size_t n = sm_places_named(places, name, dep, named, 32);
        if (!n) {
            sm_field_error(fe, sm_path(f, sizeof f, p, "place"),
                           dep ? "no commune of this name in this département"
                               : "no French commune of this name");
            return NULL;
        }
        if (n > 1) {
            sm_field_error(fe, sm_path(f, sizeof f, p, "place"),
                           "%zu communes have this name: add \"departement\" (choices)", n);
            json_t *choices = json_array();
            for (size_t k = 0; k < n && k < 32; k++)
                json_array_append_new(choices, commune_ref(named[k]));
            sm_field_error_choices(fe, choices);
            return NULL;
        }
        c = named[0];
    } else if (name && c) {
        const sm_commune *named[32];
        size_t n = sm_places_named(places, name, NULL, named, 32), k = 0;
        while (k < n && k < 32 && named[k] != c)
            k++;
        if (k == n || k == 32) {
            sm_field_error(fe, sm_path(f, sizeof f, p, "place"),
                           "not the name of the commune of this code");
            return NULL;
        }
    }
    if (dep && strcmp(dep, c->departement)) {
        sm_field_error(fe, sm_path(f, sizeof f, p, "departement"),
                       "not the département of this commune");
        return NULL;
    }
    if (!c->located) {
        sm_field_error(fe, p, "%s has no known point: give {\"lat\":…,\"lon\":…}", c->name);
        return NULL;
    }
    return c;
}

int sm_get_place(json_t *obj, const char *path, const char *key, const sm_places *places,
                 sm_place_in *out, sm_field_errors *fe)
{
    char p[160], p2[200];
    memset(out, 0, sizeof *out);
    json_t *loc = json_object_get(obj, key);
    sm_path(p, sizeof p, path, key);
    if (!loc || json_is_null(loc))
        return 0;
    if (!json_is_object(loc)) {
        sm_field_error(fe, p,
                       "must be an object {\"lat\":…,\"lon\":…}, {\"place\":…}, "
                       "{\"postcode\":…} or {\"insee\":…}");
        return 0;
    }
    out->given = 1;
    static const char *const fields[] = {"lat",          "lon",   "label",       "place",
                                         "postcode",     "insee", "departement", "name",
                                         "alternatives", NULL};
    const char *k;
    json_t *v;
    json_object_foreach(loc, k, v) {
        int known = 0;
        for (size_t i = 0; fields[i] && !known; i++)
            known = !strcmp(k, fields[i]);
        if (!known)
            sm_field_error(fe, sm_path(p2, sizeof p2, p, k),
                           "not a place field: a place is {\"lat\":…,\"lon\":…}, {\"place\":…} "
                           "(with \"departement\" if need be), {\"postcode\":…} or "
                           "{\"insee\":…}; \"label\" optional, shown as given");
    }
    out->label = sm_get_string(loc, p, "label", 200, 0, fe);
    json_t *lat = json_object_get(loc, "lat"), *lon = json_object_get(loc, "lon");
    int has_lat = lat && !json_is_null(lat), has_lon = lon && !json_is_null(lon);
    int named = json_object_get(loc, "place") || json_object_get(loc, "postcode") ||
                json_object_get(loc, "insee");
    if (!named && (json_object_get(loc, "departement") || json_object_get(loc, "name") ||
                   json_object_get(loc, "alternatives"))) {
        sm_field_error(fe, p,
                       "\"departement\", \"name\" and \"alternatives\" go with a place, a "
                       "postcode or an INSEE code");
        return 0;
    }
    if (named) {
        json_t *alternatives = NULL;
        const sm_commune *c = resolve_commune(places, loc, p, &alternatives, fe);
        if (!c)
            return 0;
        /* What a client sends back of an answer must be what the server works out. */
        json_t *name = json_object_get(loc, "name"), *alt = json_object_get(loc, "alternatives");
        if (name && !(json_is_string(name) && !strcmp(json_string_value(name), c->name)))
            sm_field_error(fe, sm_path(p2, sizeof p2, p, "name"),
                           "is worked out by the server: leave it out");
        if (alt && !json_equal(alt, alternatives ? alternatives : json_array()))
            sm_field_error(fe, sm_path(p2, sizeof p2, p, "alternatives"),
                           "is worked out by the server: leave it out");
        if ((has_lat || has_lon) &&
            !(has_lat && has_lon && json_is_number(lat) && json_is_number(lon) &&
              fabs(json_number_value(lat) - c->lat) < 1e-5 &&
              fabs(json_number_value(lon) - c->lon) < 1e-5))
            sm_field_error(fe, p, "coordinates and a place that disagree: give one or the other");
        if (!sm_check_point(c->lat, c->lon, p, fe) || fe->count) {
            json_decref(alternatives);
            return 0;
        }
        const char *postcode = json_string_value(json_object_get(loc, "postcode"));
        out->commune = c;
        out->located = 1;
        out->lat = c->lat;
        out->lon = c->lon;
        out->doc = json_pack("{s:f, s:f}", "lat", c->lat, "lon", c->lon);
        if (out->label)
            json_object_set_new(out->doc, "label", json_string(out->label));
        json_object_set_new(out->doc, "name", json_string(c->name));
        json_object_set_new(out->doc, "insee", json_string(c->insee));
        json_object_set_new(out->doc, "departement", json_string(c->departement));
        if (postcode)
            json_object_set_new(out->doc, "postcode", json_string(postcode));
        if (alternatives)
            json_object_set_new(out->doc, "alternatives", alternatives);
        return 1;
    }
    if (!has_lat && !has_lon) {
        sm_field_error(fe, p,
                       out->label ? "a label alone is not a place: give lat and lon, a place, a "
                                    "postcode or an INSEE code (the label is only shown)"
                                  : "needs lat and lon, a place, a postcode or an INSEE code");
        return 0;
    }
    if (!has_lat || !has_lon || !json_is_number(lat) || !json_is_number(lon)) {
        sm_field_error(fe, p, "needs lat and lon, both numbers");
        return 0;
    }
    double a = json_number_value(lat), b = json_number_value(lon);
    if (!sm_check_point(a, b, p, fe))
        return 0;
    out->located = 1;
    out->lat = a;
    out->lon = b;
    out->doc = json_pack("{s:f, s:f}", "lat", a, "lon", b);
    if (out->label)
        json_object_set_new(out->doc, "label", json_string(out->label));
    return 1;
}

int sm_location_names_place(json_t *loc)
{
    static const char *const keys[] = {"lat", "lon", "place", "postcode", "insee", NULL};
    for (size_t i = 0; json_is_object(loc) && keys[i]; i++) {
        json_t *v = json_object_get(loc, keys[i]);
        if (v && !json_is_null(v))
            return 1;
    }
    return 0;
}

void sm_check_keys(json_t *obj, const char *path, const char *const *allowed, sm_field_errors *fe)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        int ok = 0;
        for (size_t i = 0; allowed[i] && !ok; i++)
            ok = strcmp(allowed[i], key) == 0;
        if (!ok) {
            char p[160];
            sm_field_error(fe, sm_path(p, sizeof p, path, key), "unknown field");
        }
    }
}

int sm_is_uuid(const char *s)
{
    if (!s || strlen(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return 0;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return 0;
    }
    return 1;
}

long long sm_query_int(const sm_request *rq, const char *name, long long lo, long long hi,
                       long long dflt, const char *reason, sm_field_errors *fe)
{
    const char *v = sm_req_query(rq, name);
    if (!v)
        return dflt;
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (*v && !*end && !errno && n >= lo && n <= hi)
        return n;
    if (reason)
        sm_field_error(fe, name, "%s", reason);
    else
        sm_field_error(fe, name, "must be an integer from %lld to %lld", lo, hi);
    return dflt;
}

int sm_json_has_top_level_key(const char *s, size_t n, const char *name)
{
    size_t want = strlen(name);
    int depth = 0, key_next = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"') {
            size_t k = 0;
            int same = 1;
            for (i++; i < n && s[i] != '"'; i++) {
                char d = s[i];
                if (d == '\\' && i + 1 < n) {
                    d = s[++i];
                    if (d == 'u') {
                        unsigned v = 0;
                        int ok = i + 4 < n;
                        for (int h = 1; ok && h <= 4; h++) {
                            int x = sm_hex_digit(s[i + (size_t)h]);
                            ok = x >= 0;
                            v = v * 16 + (unsigned)(ok ? x : 0);
                        }
                        i += 4;
                        d = ok && v < 0x80 ? (char)v : '\0'; /* beyond ASCII: not in name */
                    } else if (d != '"' && d != '\\' && d != '/')
                        d = '\0'; /* \n, \t...: not in name */
                }
                same = same && k < want && d == name[k];
                k++;
            }
            if (depth == 1 && key_next && same && k == want)
                return 1;
            key_next = 0;
        } else if (c == '{' || c == '[') {
            depth++;
            key_next = c == '{' && depth == 1;
        } else if (c == '}' || c == ']')
            depth--;
        else if (c == ',' && depth == 1)
            key_next = 1;
    }
    return 0;
}
