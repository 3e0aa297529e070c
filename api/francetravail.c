/*
 * francetravail.c: an offer in the shape of France Travail's job-offer JSON (its "Offres
 * d'emploi" API: intitule, description, romeCode, appellationlibelle, lieuTravail,
 * typeContrat, dureeTravailLibelle, competences, qualitesProfessionnelles, formations, permis)
 * made into our offer body. The job comes through the ROME code and title (then the
 * crosswalk); each competence through its OGR code when the ROME label it numbers reads as an
 * ESCO skill, else through its words; E(xigé) is essential, S(ouhaité) optional. What has no
 * field of ours (formations, the competences no skill was found for, the offer's own id) is
 * kept under "france_travail" in the stored document, never dropped.
 */
#include "api/offers_internal.h"

static const char *str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int sm__is_france_travail(json_t *body)
{
    return json_object_get(body, "romeCode") != NULL ||
           json_object_get(body, "lieuTravail") != NULL;
}

/* France Travail's contract codes as ours; NULL for those we have no type for (kept). */
static const char *contract_of(const char *code, const char *nature)
{
    if (nature && strstr(nature, "pprentissage"))
        return "apprenticeship";
    if (nature && strstr(nature, "rofessionnalisation"))
        return "professionalisation";
    static const char *const map[][2] = {{"CDI", "CDI"},     {"CDD", "CDD"},    {"MIS", "interim"},
                                         {"DIN", "interim"}, {"SAI", "CDD"},    {"DDI", "CDDI"},
                                         {"DDT", "CDD"},     {"TTI", "interim"}};
    for (size_t i = 0; code && i < sizeof map / sizeof *map; i++)
        if (!strcmp(code, map[i][0]))
            return map[i][1];
    return NULL;
}

/* The index of the ROME label numbered code ("100007"), or -1. */
static long rome_label(const sm_gen *g, const char *code)
{
    if (!code || !*code || strlen(code) > 9 || !g->rome)
        return -1;
    for (const char *c = code; *c; c++)
        if (*c < '0' || *c > '9')
            return -1;
    return sm_rome_label_find(g->rome, (uint32_t)strtoul(code, NULL, 10));
}

/* One competence or quality into skills (deduplicated); 0 when no skill was found. */
static int add_skill(sm_gen *g, json_t *skills, const char *code, const char *text, int essential,
                     sm_lang lang)
{
    uint32_t id = SM_NO_CONCEPT;
    long li = rome_label(g, code);
    if (li >= 0 && g->rome_label_concept)
        id = g->rome_label_concept[li];
    if (id == SM_NO_CONCEPT && text) {
        json_t *found = sm_extract_skills(g, text, lang, 0, 1);
        json_t *first = json_array_get(found, 0);
        if (first)
            id = sm_gen_concept(g, json_string_value(json_object_get(first, "uri")));
        json_decref(found);
    }
    if (id == SM_NO_CONCEPT)
        return 0;
    json_t *u;
    size_t k;
    json_array_foreach(skills, k, u) {
        const char *have = json_string_value(json_object_get(u, "uri"));
        if (have && !strcmp(have, sm_taxonomy_uri(g->tx, id))) {
            if (essential)
                json_object_set_new(u, "essential", json_true());
            return 1;
        }
    }
    json_array_append_new(
        skills, json_pack("{s:s, s:b}", "uri", sm_taxonomy_uri(g->tx, id), "essential", essential));
    return 1;
}

json_t *sm__from_france_travail(sm_gen *g, json_t *ft, sm_lang lang, json_t **kept,
                                sm_field_errors *fe)
{
    json_t *body = json_pack("{s:s}", "kind", "job");
    json_t *keep = json_object();
    *kept = keep;
    const char *id = str(ft, "id");
    if (id)
        json_object_set_new(keep, "id", json_string(id));
    const char *title = str(ft, "intitule");
    if (!title)
        sm_field_error(fe, "intitule", "required: the offer's title");
    else
        json_object_set_new(body, "title", json_string(title));
    const char *description = str(ft, "description");
    if (description)
        json_object_set_new(body, "description", json_string(description));
    /* The job: the ROME code, and the title named by its label among the code's titles. */
    const char *rome = str(ft, "romeCode");
    if (json_object_get(ft, "romeCode") && !rome)
        sm_field_error(fe, "romeCode", "must be a ROME code such as \"D1505\"");
    if (rome)
        json_object_set_new(body, "rome", json_string(rome));
    const char *app = str(ft, "appellationlibelle");
    long code = rome && g->rome ? sm_rome_job_find(g->rome, rome) : -1;
    if (app && code >= 0) {
        const sm_rome_job *j = sm_rome_job_at(g->rome, (size_t)code);
        char want[512], have[512];
        sm_place_key(app, strlen(app), want, sizeof want);
        for (uint32_t k = 0; k < j->title_count; k++) {
            const sm_rome_title *t = sm_rome_title_at(g->rome, j->first_title + k);
            sm_place_key(t->label, strlen(t->label), have, sizeof have);
            if (!strcmp(want, have)) {
                char num[16];
                snprintf(num, sizeof num, "%u", t->ogr);
                json_object_set_new(body, "appellation", json_string(num));
                break;
            }
        }
        if (!json_object_get(body, "appellation"))
            json_object_set_new(keep, "appellationlibelle", json_string(app));
    }
    /* The place: the commune's INSEE code, else its postcode, else the point. */
    json_t *lieu = json_object_get(ft, "lieuTravail");
    if (lieu && !json_is_object(lieu))
        sm_field_error(fe, "lieuTravail", "must be an object {\"commune\",\"codePostal\",…}");
    else if (lieu) {
        const char *insee = str(lieu, "commune"), *cp = str(lieu, "codePostal");
        json_t *lat = json_object_get(lieu, "latitude"), *lon = json_object_get(lieu, "longitude");
        json_t *loc = NULL;
        if (insee && sm_places_insee(g->places, insee))
            loc = json_pack("{s:s}", "insee", insee);
        else if (cp && g->places) {
            const sm_commune *one[1];
            if (sm_places_postcode(g->places, cp, one, 1))
                loc = json_pack("{s:s}", "postcode", cp);
        }
        if (!loc && json_is_number(lat) && json_is_number(lon))
            loc = json_pack("{s:f, s:f}", "lat", json_number_value(lat), "lon",
                            json_number_value(lon));
        if (!loc && (insee || cp))
            loc = insee ? json_pack("{s:s}", "insee", insee) : json_pack("{s:s}", "postcode", cp);
        if (loc)
            json_object_set_new(body, "location", loc);
        else
            sm_field_error(fe, "lieuTravail",
                           "needs commune (INSEE code), codePostal, or latitude and longitude");
    }
    /* Contract and weekly hours ("35H Horaires normaux"). */
    const char *type = str(ft, "typeContrat"), *nature = str(ft, "natureContrat");
    const char *ours = contract_of(type, nature);
    json_t *contract = json_object();
    if (ours)
        json_object_set_new(contract, "type", json_string(ours));
    else if (type)
        json_object_set_new(keep, "typeContrat", json_string(type));
    const char *duree = str(ft, "dureeTravailLibelle");
    if (duree) {
        char *end;
        double h = strtod(duree, &end);
        if (end > duree && (*end == 'H' || *end == 'h') && h >= 1 && h <= 60)
            json_object_set_new(contract, "hours_per_week", json_real(h));
        else
            json_object_set_new(keep, "dureeTravailLibelle", json_string(duree));
    }
    if (json_object_size(contract))
        json_object_set_new(body, "contract", contract);
    else
        json_decref(contract);
    /* Skills: competences (E essential, S optional) and professional qualities (optional). */
    json_t *skills = json_array(), *unmapped = json_array(), *item;
    size_t i;
    json_t *comp = json_object_get(ft, "competences");
    if (comp && !json_is_array(comp))
        sm_field_error(fe, "competences",
                       "must be an array of {\"code\",\"libelle\",\"exigence\"}");
    json_array_foreach(comp, i, item) {
        char p[48];
        const char *text = str(item, "libelle"), *c = str(item, "code"),
                   *ex = str(item, "exigence");
        if (!json_is_object(item) || (!text && !c)) {
            sm_field_error(fe, sm_path_index(p, sizeof p, "competences", i),
                           "must be an object with a libelle or a code");
            continue;
        }
        if (ex && strcmp(ex, "E") && strcmp(ex, "S"))
            sm_field_error(fe, sm_path_index(p, sizeof p, "competences", i),
                           "exigence must be E (required) or S (wished)");
        if (!add_skill(g, skills, c, text, !ex || !strcmp(ex, "E"), SM_LANG_FR))
            json_array_append(unmapped, item);
    }
    json_t *qual = json_object_get(ft, "qualitesProfessionnelles");
    json_array_foreach(qual, i, item) {
        const char *text = str(item, "libelle");
        if (text && !add_skill(g, skills, NULL, text, 0, SM_LANG_FR))
            json_array_append(unmapped, item);
    }
    if (json_array_size(skills))
        json_object_set_new(body, "skills", skills);
    else
        json_decref(skills);
    if (json_array_size(unmapped))
        json_object_set_new(keep, "not_mapped", unmapped);
    else
        json_decref(unmapped);
    /* A driving licence B required: the job needs a car. */
    json_t *permis = json_object_get(ft, "permis");
    json_array_foreach(permis, i, item) {
        const char *text = str(item, "libelle"), *ex = str(item, "exigence");
        if (text && text[0] == 'B' && (!text[1] || text[1] == ' ') && (!ex || !strcmp(ex, "E")))
            json_object_set_new(body, "requires_car", json_true());
    }
    static const char *const kept_fields[] = {
        "formations", "permis", "experienceLibelle", "salaire", "entreprise", "origineOffre", NULL};
    for (size_t k = 0; kept_fields[k]; k++) {
        json_t *v = json_object_get(ft, kept_fields[k]);
        if (v && !json_is_null(v))
            json_object_set(keep, kept_fields[k], v);
    }
    json_t *ent = json_object_get(ft, "entreprise");
    if (json_is_object(ent) && str(ent, "nom"))
        json_object_set_new(body, "organisation", json_pack("{s:s}", "name", str(ent, "nom")));
    (void)lang;
    return body;
}
