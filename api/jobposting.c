/*
 * jobposting.c: a schema.org JobPosting made into our offer body: title, description (HTML made
 * text), place, dates, employment type, and skills as DefinedTerms with an ESCO termCode or
 * as text read for the skills it names.
 */
#include "api/offers_internal.h"
#include "taxonomy/base/alloc.h"

/* Text without HTML tags and with the common entities decoded (descriptions often carry markup). */
static char *strip_html(const char *s)
{
    size_t n = strlen(s);
    char *out = sm_malloc(n + 1), *w = out;
    if (!out)
        return NULL;
    int tag = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '<') {
            tag = 1;
            continue;
        }
        if (tag) {
            if (s[i] == '>') {
                tag = 0;
                *w++ = ' ';
            }
            continue;
        }
        static const struct {
            const char *entity, *text;
        } ents[] = {{"&amp;", "&"},    {"&lt;", "<"},    {"&gt;", ">"},     {"&quot;", "\""},
                    {"&apos;", "'"},   {"&nbsp;", " "},  {"&eacute;", "é"}, {"&egrave;", "è"},
                    {"&agrave;", "à"}, {"&ccedil;", "ç"}};
        int replaced = 0;
        for (size_t e = 0; e < sizeof ents / sizeof *ents && s[i] == '&'; e++) {
            size_t el = strlen(ents[e].entity);
            if (strncmp(s + i, ents[e].entity, el) == 0 && strlen(ents[e].text) <= el) {
                size_t tl = strlen(ents[e].text);
                memcpy(w, ents[e].text, tl);
                w += tl;
                i += el - 1;
                replaced = 1;
                break;
            }
        }
        /* &#233; and &#xE9;: the character, in UTF-8 (never longer than the reference). */
        if (!replaced && s[i] == '&' && s[i + 1] == '#') {
            int hex = s[i + 2] == 'x' || s[i + 2] == 'X';
            char *end;
            unsigned long c = strtoul(s + i + 2 + hex, &end, hex ? 16 : 10);
            if (end > s + i + 2 + hex && *end == ';' && c >= 0x20 && c <= 0x10FFFF &&
                !(c >= 0xD800 && c <= 0xDFFF)) {
                if (c < 0x80)
                    *w++ = (char)c;
                else if (c < 0x800) {
                    *w++ = (char)(0xC0 | c >> 6);
                    *w++ = (char)(0x80 | (c & 0x3F));
                } else if (c < 0x10000) {
                    *w++ = (char)(0xE0 | c >> 12);
                    *w++ = (char)(0x80 | (c >> 6 & 0x3F));
                    *w++ = (char)(0x80 | (c & 0x3F));
                } else {
                    *w++ = (char)(0xF0 | c >> 18);
                    *w++ = (char)(0x80 | (c >> 12 & 0x3F));
                    *w++ = (char)(0x80 | (c >> 6 & 0x3F));
                    *w++ = (char)(0x80 | (c & 0x3F));
                }
                i = (size_t)(end - s);
                replaced = 1;
            }
        }
        if (!replaced)
            *w++ = s[i];
    }
    *w = '\0';
    /* The spaces tags leave: runs as one, none at either end. */
    char *r = out, *d = out;
    for (; *r; r++)
        if (!(isspace((unsigned char)*r) && (d == out || d[-1] == ' ')))
            *d++ = isspace((unsigned char)*r) ? ' ' : *r;
    while (d > out && d[-1] == ' ')
        d--;
    *d = '\0';
    return out;
}

static const char *first_string(json_t *v)
{
    if (json_is_array(v))
        v = json_array_get(v, 0);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static double number_or_string(json_t *v, int *ok)
{
    *ok = 1;
    if (json_is_number(v))
        return json_number_value(v);
    if (json_is_string(v)) {
        char *end;
        double d = strtod(json_string_value(v), &end);
        if (end != json_string_value(v) && !*end)
            return d;
    }
    *ok = 0;
    return 0;
}

/* Maps a JobPosting into the plain offer body it stands for (a new object); errors in fe. */
/*
 * A JobPosting as our plain offer: nothing it says is dropped without a word. Its
 * employmentType (one or a list) gives the first contract type that maps; a value neither
 * schema.org's nor ours is an error. Its skills are DefinedTerms with an ESCO termCode, or
 * text (a string, or a term's name): each text is read in lang for the skills it names, and
 * one that names none is an error (the poster can code it). The description is kept as given.
 */
json_t *sm__from_job_posting(sm_gen *g, json_t *jp, sm_lang lang, sm_field_errors *fe)
{
    json_t *body = json_pack("{s:s}", "kind", "job");
    const char *title = first_string(json_object_get(jp, "title"));
    if (!title)
        sm_field_error(fe, "title", "required (a JobPosting's title)");
    else
        json_object_set_new(body, "title", json_string(title));
    const char *description = first_string(json_object_get(jp, "description"));
    if (description) {
        char *text = strip_html(description);
        if (text)
            json_object_set_new(body, "description", json_string(text));
        sm_free(text);
    }
    const char *through = first_string(json_object_get(jp, "validThrough"));
    if (through)
        json_object_set_new(body, "valid_through",
                            json_stringn(through, strlen(through) >= 10 ? 10 : strlen(through)));
    /* Contract: our names pass through; schema.org's employment types map where they can (a
     * working time or "other" says no contract type). */
    json_t *et = json_object_get(jp, "employmentType"), *one;
    if (et && !json_is_array(et)) {
        json_t *list = json_array();
        json_array_append(list, et);
        et = list;
    } else
        json_incref(et);
    size_t k;
    const char *contract = NULL;
    json_array_foreach(et, k, one) {
        static const struct {
            const char *from, *to;
        } map[] = {
            {"TEMPORARY", "CDD"},        {"INTERN", "internship"}, {"VOLUNTEER", "civic_service"},
            {"CONTRACTOR", "freelance"}, {"FULL_TIME", NULL},      {"PART_TIME", NULL},
            {"PER_DIEM", NULL},          {"OTHER", NULL}};
        const char *type = json_string_value(one), *to = NULL;
        int known = type && sm_code_of(sm_contract_types, sm_contract_type_count, type);
        if (known)
            to = type;
        for (size_t i = 0; type && i < sizeof map / sizeof *map && !known; i++)
            if (strcasecmp(type, map[i].from) == 0) {
                known = 1;
                to = map[i].to;
            }
        if (!known) {
            char p[48];
            sm_field_error(fe, sm_path_index(p, sizeof p, "employmentType", k),
                           "neither a schema.org employment type (FULL_TIME, PART_TIME, "
                           "TEMPORARY, CONTRACTOR, INTERN, VOLUNTEER, PER_DIEM, OTHER) nor a "
                           "contract type");
        } else if (to && !contract)
            contract = to;
    }
    json_decref(et);
    if (contract)
        json_object_set_new(body, "contract", json_pack("{s:s}", "type", contract));
    json_t *org = json_object_get(jp, "hiringOrganization");
    const char *org_name =
        json_is_object(org) ? first_string(json_object_get(org, "name")) : first_string(org);
    if (org_name)
        json_object_set_new(body, "organisation", json_pack("{s:s}", "name", org_name));
    json_t *loc = json_object_get(jp, "jobLocation");
    if (json_is_array(loc))
        loc = json_array_get(loc, 0);
    if (json_is_object(loc)) {
        json_t *geo = json_object_get(loc, "geo");
        int ok1, ok2;
        double lat = number_or_string(json_object_get(geo, "latitude"), &ok1);
        double lon = number_or_string(json_object_get(geo, "longitude"), &ok2);
        json_t *addr = json_object_get(loc, "address");
        const char *locality = json_is_object(addr)
                                   ? first_string(json_object_get(addr, "addressLocality"))
                                   : first_string(addr);
        const char *postal =
            json_is_object(addr) ? first_string(json_object_get(addr, "postalCode")) : NULL;
        if (ok1 && ok2) {
            json_t *out = json_pack("{s:f, s:f}", "lat", lat, "lon", lon);
            if (locality)
                json_object_set_new(out, "label", json_string(locality));
            json_object_set_new(body, "location", out);
        } else if (postal) { /* the commune of the postcode; the locality shown as written */
            json_t *out = json_pack("{s:s}", "postcode", postal);
            if (locality)
                json_object_set_new(out, "label", json_string(locality));
            json_object_set_new(body, "location", out);
        } else if (locality)
            json_object_set_new(body, "location", json_pack("{s:s}", "place", locality));
        else
            sm_field_error(fe, "jobLocation",
                           "needs geo.latitude and geo.longitude, or an address with postalCode "
                           "or addressLocality");
    } else if (loc && !json_is_null(loc))
        sm_field_error(fe, "jobLocation",
                       "must be a Place with geo.latitude and geo.longitude, or an address");
    const char *lt = first_string(json_object_get(jp, "jobLocationType"));
    if (lt && strcasecmp(lt, "TELECOMMUTE") == 0)
        json_object_set_new(body, "remote", json_true());
    json_t *occ = json_object_get(jp, "occupationalCategory");
    if (json_is_array(occ))
        occ = json_array_get(occ, 0);
    const char *occ_code = json_is_object(occ)
                               ? (first_string(json_object_get(occ, "termCode"))
                                      ? first_string(json_object_get(occ, "termCode"))
                                  : first_string(json_object_get(occ, "codeValue"))
                                      ? first_string(json_object_get(occ, "codeValue"))
                                      : first_string(json_object_get(occ, "@id")))
                               : first_string(occ);
    if (occ_code) {
        uint32_t id = sm_gen_concept(g, occ_code);
        if (id != SM_NO_CONCEPT && sm_taxonomy_type(g->tx, id) == SM_CT_OCCUPATION)
            json_object_set_new(body, "occupation", json_string(sm_taxonomy_uri(g->tx, id)));
    }
    /* Skills: DefinedTerms with an ESCO termCode, or text to read skills from. */
    json_t *skills = json_object_get(jp, "skills"), *item;
    if (skills && !json_is_array(skills)) {
        json_t *list = json_array();
        json_array_append(list, skills);
        skills = list;
    } else
        json_incref(skills);
    json_t *list = json_array();
    size_t i;
    json_array_foreach(skills, i, item) {
        char p[48];
        const char *text = json_is_string(item)   ? json_string_value(item)
                           : json_is_object(item) ? first_string(json_object_get(item, "name"))
                                                  : NULL;
        const char *code =
            json_is_object(item) ? first_string(json_object_get(item, "termCode")) : NULL;
        uint32_t id = code ? sm_gen_concept(g, code) : SM_NO_CONCEPT;
        if (!json_is_string(item) && !json_is_object(item))
            sm_field_error(fe, sm_path_index(p, sizeof p, "skills", i),
                           "must be a DefinedTerm or text");
        else if (id != SM_NO_CONCEPT && sm_concept_is_skill(sm_taxonomy_type(g->tx, id)))
            json_array_append_new(list, json_pack("{s:s}", "uri", sm_taxonomy_uri(g->tx, id)));
        else if (code && strncmp(code, "http://data.europa.eu/esco/", 27) == 0)
            sm_field_error(fe, sm_path_index(p, sizeof p, "skills", i),
                           "termCode: unknown ESCO concept");
        else if (text) {
            json_t *found = sm_extract_skills(g, text, lang, 0, 5), *f;
            size_t j;
            if (!json_array_size(found))
                sm_field_error(fe, sm_path_index(p, sizeof p, "skills", i),
                               "no skill found in this text: give a DefinedTerm with an ESCO "
                               "termCode");
            json_array_foreach(found, j, f)
                json_object_del(f, "confidence");
            json_array_extend(list, found);
            json_decref(found);
        } else
            sm_field_error(fe, sm_path_index(p, sizeof p, "skills", i),
                           "a DefinedTerm needs an ESCO termCode or a name");
    }
    json_decref(skills);
    /* The same skill named twice (coded and in words) is asked once. */
    json_t *unique = json_array(), *u;
    json_array_foreach(list, i, item) {
        int dup = 0;
        json_array_foreach(unique, k, u)
            dup |= json_equal(json_object_get(u, "uri"), json_object_get(item, "uri"));
        if (!dup)
            json_array_append(unique, item);
    }
    json_decref(list);
    if (json_array_size(unique))
        json_object_set_new(body, "skills", unique);
    else
        json_decref(unique);
    return body;
}

int sm__is_job_posting(json_t *body)
{
    json_t *type = json_object_get(body, "@type");
    const char *t = first_string(type);
    return t && (strcmp(t, "JobPosting") == 0 || strcmp(t, "schema:JobPosting") == 0 ||
                 strcmp(t, "http://schema.org/JobPosting") == 0 ||
                 strcmp(t, "https://schema.org/JobPosting") == 0);
}
