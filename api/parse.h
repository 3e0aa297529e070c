/*
 * parse.h: reading request bodies. The body is parsed with jansson under
 * limits (nesting depth, size checked by the server); each field reader
 * checks the type and range at the edge and records a field error naming
 * the path ("location.lat: must be a number between -90 and 90").
 */
#ifndef SM_PARSE_H
#define SM_PARSE_H

#include "api/http.h"
#include "taxonomy/places.h"

#include <stdint.h>

#define SM_JSON_MAX_DEPTH 16

/*
 * Parses rq's body as one JSON object. On failure fills resp with the
 * problem (400 with the line and column, or 415 for another media type) and
 * returns NULL.
 */
json_t *sm_parse_body(const sm_request *rq, sm_response *resp);
/* A batch's body: a JSON array (application/json), or one JSON value per line
 * (application/x-ndjson), of at most max items (413 past it); NULL with the problem in resp. */
json_t *sm_parse_body_list(const sm_request *rq, sm_response *resp, size_t max);
/* The next line of [*at, end) that is not blank (NDJSON): its start and *len (without the
 * newline), *line its number (counted from *line's value); NULL at the end. *at moves past it. */
const char *sm_next_line(const char **at, const char *end, size_t *len, int *line);

/* Whether v has at most two decimals (hours, euros). */
static inline int sm_hundredths(double v)
{
    double c = v * 100.0;
    return c - (double)(long long)c < 1e-6 || (double)(long long)c + 1 - c < 1e-6;
}

/*
 * The request's language when the body names one ("lang": "fr" or "en"; the field's own
 * validation stays with the route): resp->lang follows it, as sm_req_lang's one rule says.
 */
void sm_body_lang(const sm_request *rq, json_t *body, sm_response *resp);

/*
 * Parses rq's body as a JSON Merge Patch (RFC 7396: Content-Type application/merge-patch+json,
 * or application/json) that must be an object; NULL with the problem in resp otherwise.
 */
json_t *sm_parse_patch_body(const sm_request *rq, sm_response *resp);
/*
 * A PATCH without If-Match is merged over the version it read and written only over that
 * version; when someone else wrote meanwhile it reads and merges again. Each round lets at
 * least one of the writers through (one writer thread), so this many rounds outlast any
 * burst short of a flood; past them the answer is sm_patch_busy's 503.
 */
#define SM_PATCH_ROUNDS 64
/* 503 with Retry-After: 1, saying that the offer (else the profile) kept changing. */
int sm_patch_busy(sm_response *resp, int offer);
/* target with patch applied as RFC 7396 says (a new value; neither argument is changed). */
json_t *sm_merge_patch(json_t *target, json_t *patch);

/*
 * The versions an If-Match header accepts: 0 when absent; 1 with *any set for "*"; 1 with
 * versions[0..*n) for a list of our strong tags ("v3", "v4"); SM_EANSWERED with a 400 in resp for
 * anything else (a weak tag never matches: RFC 9110 13.1.1).
 */
int sm_if_match(const sm_request *rq, long long *versions, size_t cap, size_t *n, int *any,
                sm_response *resp);
/* The ETag of a version, "\"v3\"". */
void sm_etag(long long version, char out[24]);

/* Field readers: *present tells whether the field was there (may be NULL).
 * On a wrong type or range they record an error and leave *out unchanged. */
const char *sm_get_string(json_t *obj, const char *path, const char *key, size_t max_len,
                          int required, sm_field_errors *fe);
int sm_get_bool(json_t *obj, const char *path, const char *key, int *out, sm_field_errors *fe);
int sm_get_number(json_t *obj, const char *path, const char *key, double lo, double hi, double *out,
                  sm_field_errors *fe);
int sm_get_int(json_t *obj, const char *path, const char *key, long long lo, long long hi,
               long long *out, sm_field_errors *fe);
/* A date "YYYY-MM-DD" (a longer ISO date-time is cut to its date) as days since 1970. */
int sm_get_date(json_t *obj, const char *path, const char *key, int32_t *out, sm_field_errors *fe);
/* The same of a string: SM_OK, or SM_EINVAL for anything but such a date. */
int sm_parse_date(const char *s, int32_t *days);
void sm_format_date(int32_t days, char out[11]);
/*
 * The query parameter name as an integer in lo..hi, dflt when absent; anything else records
 * "NAME: must be an integer from LO to HI" (or reason, when not NULL) and gives dflt.
 */
long long sm_query_int(const sm_request *rq, const char *name, long long lo, long long hi,
                       long long dflt, const char *reason, sm_field_errors *fe);
/* A place: coordinates, or a commune (by name, postcode or INSEE code), and a label shown as
 * given (never used to place it). */
typedef struct sm_place_in {
    int given; /* the field was there (an object) */
    int located;
    double lat, lon;
    const char *label;         /* NULL when none; owned by the JSON it was read from */
    const sm_commune *commune; /* the commune named; NULL for coordinates */
    json_t *doc;               /* the location as stored and shown (a new reference when located) */
} sm_place_in;

/*
 * Reads obj[key] ("location") into *out: absent or null gives nothing. Otherwise it is
 * {"lat":…,"lon":…}, or a commune of places: {"place":"Roubaix"} (with "departement":"59" when
 * the name is shared: without it, an error whose "choices" list the communes),
 * {"postcode":"59100"} (its most populous commune; the others as "alternatives") or
 * {"insee":"59512"}; with an optional "label" (at most 200 bytes). Coordinates are checked as
 * one point (both numbers; lat -90..90 and lon -180..180, in the area skillmatch serves: Europe
 * and the French overseas territories; a pair that is valid once swapped is reported as
 * swapped). What the server works out ("name", "alternatives", the commune's lat and lon) may
 * be sent back as it was answered, not otherwise; any other field is an error naming it.
 * Returns 1 when a point was read, with out->doc the location to store and show:
 * {"lat","lon","label"?} or {"lat","lon","label","name","insee","departement","postcode"?,
 * "alternatives"?}.
 */
int sm_get_place(json_t *obj, const char *path, const char *key, const sm_places *places,
                 sm_place_in *out, sm_field_errors *fe);
/* Whether a location (of a PATCH) names a place: coordinates, a name, a postcode or a code
 * (then it replaces the stored location whole instead of merging into it). */
int sm_location_names_place(json_t *loc);
/* The point check of sm_get_place alone, recording the problem (if any) under field: 1 when
 * the point is good. */
int sm_check_point(double lat, double lon, const char *field, sm_field_errors *fe);
/* Whether a point is in the area skillmatch serves. */
int sm_point_served(double lat, double lon);

/* Records an error for every key of obj not in allowed (NULL-terminated). */
void sm_check_keys(json_t *obj, const char *path, const char *const *allowed, sm_field_errors *fe);
/* path + "." + key, or path + "[i]" (into a buffer of the caller). */
const char *sm_path(char *buf, size_t cap, const char *path, const char *key);
const char *sm_path_index(char *buf, size_t cap, const char *path, size_t i);
/* Whether s is a canonical lower-case UUID. */
int sm_is_uuid(const char *s);

/*
 * Whether the JSON text s (n bytes) has the key name (ASCII, no quote or backslash) at the top
 * level of its object, keys compared once their escapes are decoded ("profil\u0065_id" is
 * profile_id), without building the document: runs_inline routes on it, on the HTTP worker.
 * It sees the tokens a parser sees for any valid JSON; on invalid JSON it may answer either
 * way, and the handler refuses the body before reading any database.
 */
int sm_json_has_top_level_key(const char *s, size_t n, const char *name);

#endif
