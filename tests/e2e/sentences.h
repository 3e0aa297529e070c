/*
 * sentences.h: what the service's sentences must say, built by the end-to-end tests from the
 * structured fields of the same answer (matched and missing skills with their statuses,
 * counts, the score breakdown's distance, a path step's covers, cost and place), in French
 * and in English, to the person or about a candidate. A sentence that says anything else
 * (a skill as had that is not met, "il vous manque" about an optional skill, a count, a
 * rounding) differs from what these build. The wording is the service's (matcher/explain.c,
 * matcher/plan.c); the facts come from the fields, never from the reasons the sentence was
 * rendered from.
 */
#ifndef SM_TEST_SENTENCES_H
#define SM_TEST_SENTENCES_H

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct sb {
    char s[4096];
    size_t n;
} sb;

static inline void sb_put(sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void sb_put(sb *b, const char *fmt, ...)
{
    if (b->n + 1 >= sizeof b->s)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(b->s + b->n, sizeof b->s - b->n, fmt, ap);
    va_end(ap);
    if (w > 0)
        b->n = b->n + (size_t)w < sizeof b->s ? b->n + (size_t)w : sizeof b->s - 1;
}

static inline const char *js(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "";
}

static inline void sb_quote(sb *b, int fr, const char *label)
{
    sb_put(b, fr ? "« %s »" : "“%s”", label);
}

/* An amount as a sentence says it, from the value the answer shows: whole, "450"; else hours
 * with their decimals ("10,5") and money with two ("450,50"); a decimal comma in French. */
static inline void sb_amount(sb *b, double v, int money, int fr)
{
    char t[64];
    snprintf(t, sizeof t, "%.2f", v);
    char *dot = strchr(t, '.');
    if (dot && !strcmp(dot, ".00"))
        *dot = '\0';
    else if (dot) {
        if (!money && dot[2] == '0')
            dot[2] = '\0';
        *dot = fr ? ',' : '.';
    }
    sb_put(b, "%s", t);
}

/* "« A », « B » et 2 autres" over labels, at most named of them. */
static inline void sb_list(sb *b, int fr, const char *const *labels, size_t n, size_t named)
{
    size_t shown = n < named ? n : named;
    for (size_t i = 0; i < shown; i++) {
        if (i)
            sb_put(b, "%s", i + 1 == shown && shown == n ? (fr ? " et " : " and ") : ", ");
        sb_quote(b, fr, labels[i]);
    }
    if (n > shown) {
        if (fr)
            sb_put(b, " et %zu autre%s", n - shown, n - shown > 1 ? "s" : "");
        else
            sb_put(b, " and %zu more", n - shown);
    }
}

/* The lacked items of a list (essential ones for a job, all for prerequisites). */
static inline void sb_lacked(sb *b, int fr, int cand, json_t *const *items, size_t n)
{
    size_t shown = n < 2 ? n : 2, more = n - shown;
    int shared = shown > 1;
    for (size_t i = 0; i < shown; i++)
        shared &= !strcmp(js(items[i], "status"), "near") &&
                  !strcmp(js(items[i], "via"), js(items[0], "via"));
    const char *have_fr = cand ? ", que la personne a)" : ", que vous avez)";
    const char *have_en = cand ? ", which they have)" : ", which you have)";
    if (shared) {
        for (size_t i = 0; i < shown; i++) {
            if (i)
                sb_put(b, "%s", i + 1 == shown ? (fr ? " et " : " and ") : ", ");
            sb_quote(b, fr, js(items[i], "label"));
        }
        sb_put(b, "%s", fr ? " (proches de " : " (both close to ");
        sb_quote(b, fr, js(items[0], "via_label"));
        sb_put(b, "%s", fr ? have_fr : have_en);
        if (more && fr)
            sb_put(b, ", ainsi que %zu autre%s", more, more > 1 ? "s" : "");
        else if (more)
            sb_put(b, ", and %zu more", more);
        return;
    }
    for (size_t i = 0; i < shown; i++) {
        if (i)
            sb_put(b, "%s", i + 1 == shown && !more ? (fr ? " et " : " and ") : ", ");
        json_t *it = items[i];
        sb_quote(b, fr, js(it, "label"));
        const char *st = js(it, "status");
        if (!strcmp(st, "near")) {
            sb_put(b, "%s", fr ? " (proche de " : " (close to ");
            sb_quote(b, fr, js(it, "via_label"));
            sb_put(b, "%s", fr ? have_fr : have_en);
        } else if (!strcmp(st, "under_level")) {
            long long want = json_integer_value(json_object_get(it, "required_level")),
                      have = json_integer_value(json_object_get(it, "profile_level"));
            if (fr)
                sb_put(b, " (niveau %lld demandé, %s le niveau %lld)", want,
                       cand ? "la personne a" : "vous avez", have);
            else
                sb_put(b, " (level %lld asked, %s level %lld)", want,
                       cand ? "they have" : "you have", have);
        }
    }
    if (more && fr)
        sb_put(b, " et %zu autre%s", more, more > 1 ? "s" : "");
    else if (more)
        sb_put(b, " and %zu more", more);
}

/* "vous avez 1 des 2 compétences souhaitées" (optional), "Vous avez le prérequis demandé". */
static inline void sb_share(sb *b, int fr, int cand, size_t met, size_t total, int prereq,
                            int capital)
{
    char head[32];
    if (fr)
        snprintf(head, sizeof head, "%s",
                 met ? (cand ? "a" : "vous avez") : (cand ? "n'a" : "vous n'avez"));
    else
        snprintf(head, sizeof head, "%s",
                 met == 0 && total == 1 ? (cand ? "lacks" : "you lack")
                                        : (cand ? "has" : "you have"));
    if (capital)
        head[0] = (char)(head[0] - 'a' + 'A');
    if (fr) {
        const char *one = prereq ? "le prérequis demandé" : "la compétence souhaitée";
        const char *many = prereq ? "prérequis" : "compétences souhaitées";
        if (met == total && total == 1)
            sb_put(b, "%s %s", head, one);
        else if (met == total)
            sb_put(b, "%s les %zu %s", head, total, many);
        else if (total == 1)
            sb_put(b, "%s pas %s", head, one);
        else if (met == 0)
            sb_put(b, "%s %s des %zu %s", head, prereq ? "aucun" : "aucune", total, many);
        else
            sb_put(b, "%s %zu des %zu %s", head, met, total, many);
    } else {
        const char *one = prereq ? "prerequisite asked for" : "nice-to-have skill";
        const char *many = prereq ? "prerequisites" : "nice-to-have skills";
        if (total == 1)
            sb_put(b, "%s the %s", head, one);
        else if (met == total && total == 2)
            sb_put(b, "%s both %s", head, many);
        else if (met == total)
            sb_put(b, "%s all %zu %s", head, total, many);
        else if (met == 0)
            sb_put(b, "%s none of the %zu %s", head, total, many);
        else
            sb_put(b, "%s %zu of the %zu %s", head, met, total, many);
    }
}

/* Where: "à 12 km" from the distance the answer shows (rounded: below 1 km "moins d'1 km"). */
static inline void sb_place(sb *b, int fr, int cand, int training, const char *place, double km)
{
    if (!strcmp(place, "km")) {
        if (km < 1)
            sb_put(b, "%s", fr ? "à moins d'1 km" : "less than 1 km away");
        else
            sb_put(b, fr ? "à %.0f km" : "%.0f km away", floor(km + 0.5)); /* half up */
    } else if (!strcmp(place, "remote"))
        sb_put(b, "%s",
               training ? (fr ? "à distance" : "distance learning")
                        : (fr ? "en télétravail" : "remote work"));
    else if (!strcmp(place, "offer_unknown"))
        sb_put(b, "%s",
               training ? (fr ? "lieu de la formation non indiqué, compté comme éloigné"
                              : "the training gives no place: counted as far")
                        : (fr ? "lieu de l'offre non indiqué, compté comme éloigné"
                              : "the offer gives no place: counted as far"));
    else if (fr)
        sb_put(b, "%s",
               cand ? "la personne n'indique pas de lieu, compté comme éloigné"
                    : "vous n'indiquez pas de lieu, compté comme éloigné");
    else
        sb_put(b, "%s",
               cand ? "they give no place: counted as far" : "you give no place: counted as far");
}

/*
 * The sentence a match or candidate result must carry, from its lists (place: "km",
 * "remote", "offer_unknown" or "profile_unknown", as the test knows it; km as shown).
 */
static inline void expected_sentence(json_t *res, int fr, int cand, int training, const char *place,
                                     sb *b)
{
    json_t *matched = json_object_get(res, "matched"), *missing = json_object_get(res, "missing");
    json_t *ess_met[64], *ess_lacked[64];
    size_t n_ess_met = 0, n_ess_lacked = 0, opt_total = 0, opt_met = 0, i;
    json_t *it;
    json_array_foreach(matched, i, it) {
        if (json_is_true(json_object_get(it, "essential")) && n_ess_met < 64)
            ess_met[n_ess_met++] = it;
        else if (!json_is_true(json_object_get(it, "essential"))) {
            opt_total++;
            opt_met++;
        }
    }
    json_array_foreach(missing, i, it) {
        if (json_is_true(json_object_get(it, "essential")) && n_ess_lacked < 64)
            ess_lacked[n_ess_lacked++] = it;
        else if (!json_is_true(json_object_get(it, "essential")))
            opt_total++;
    }
    size_t total = n_ess_met + n_ess_lacked;
    b->n = 0;
    b->s[0] = '\0';
    const char *sep = fr ? " ; " : "; ";
    if (training) {
        if (total == 0)
            sb_put(b, "%s", fr ? "Aucun prérequis" : "No prerequisite");
        else {
            sb_share(b, fr, 0, n_ess_met, total, 1, 1);
            if (n_ess_lacked) {
                sb_put(b, "%s", fr ? " ; il vous manque " : "; you lack ");
                sb_lacked(b, fr, 0, ess_lacked, n_ess_lacked);
            }
        }
        sb_put(b, "%s", sep);
        json_t *teaches = json_object_get(res, "teaches");
        const char *fresh[64];
        size_t n_fresh = 0, n_taught = json_array_size(teaches);
        json_array_foreach(teaches, i, it)
            if (strcmp(js(it, "status"), "met") && n_fresh < 64)
                fresh[n_fresh++] = js(it, "label");
        if (n_taught == 0)
            sb_put(b, "%s",
                   fr ? "elle n'enseigne aucune compétence indiquée"
                      : "it names no skill it teaches");
        else if (n_fresh == 0)
            sb_put(b, "%s",
                   fr ? "vous avez déjà ce qu'elle enseigne" : "you already have what it teaches");
        else {
            sb_put(b, "%s", fr ? "vous y apprendriez " : "you would learn ");
            sb_list(b, fr, fresh, n_fresh, 2);
            if (n_fresh < n_taught) {
                if (fr)
                    sb_put(b, " (vous avez déjà %zu des %zu compétences enseignées)",
                           n_taught - n_fresh, n_taught);
                else
                    sb_put(b, " (you already have %zu of the %zu skills it teaches)",
                           n_taught - n_fresh, n_taught);
            }
        }
    } else {
        const char *have = fr ? (cand ? "A" : "Vous avez") : (cand ? "Has" : "You have");
        const char *none = fr ? (cand ? "N'a" : "Vous n'avez") : NULL;
        if (total == 0)
            sb_put(b, "%s",
                   fr ? "Cette offre ne demande pas de compétence essentielle"
                      : "This offer asks for no essential skill");
        else if (n_ess_met == total && total == 1) {
            sb_put(b,
                   fr ? "%s la compétence essentielle demandée : "
                      : "%s the essential skill asked for: ",
                   have);
            sb_quote(b, fr, js(ess_met[0], "label"));
        } else if (n_ess_met == total && total == 2 && !fr)
            sb_put(b, "%s both essential skills asked for", have);
        else if (n_ess_met == total)
            sb_put(b,
                   fr ? "%s les %zu compétences essentielles demandées"
                      : "%s all %zu essential skills asked for",
                   have, total);
        else if (n_ess_met == 0 && total == 1)
            sb_put(b,
                   fr ? "%s pas la compétence essentielle demandée"
                      : "%s the essential skill asked for",
                   fr ? none : (cand ? "Lacks" : "You lack"));
        else if (n_ess_met == 0)
            sb_put(b,
                   fr ? "%s aucune des %zu compétences essentielles demandées"
                      : "%s none of the %zu essential skills asked for",
                   fr ? none : have, total);
        else {
            sb_put(b,
                   fr ? "%s %zu des %zu compétences essentielles, dont "
                      : "%s %zu of the %zu essential skills, including ",
                   have, n_ess_met, total);
            sb_quote(b, fr, js(ess_met[0], "label"));
        }
        if (n_ess_lacked) {
            sb_put(b, "%s%s", sep,
                   fr ? (cand ? "il lui manque " : "il vous manque ")
                      : (cand ? "lacks " : "you lack "));
            sb_lacked(b, fr, cand, ess_lacked, n_ess_lacked);
        }
        if (opt_total) {
            sb_put(b, "%s", sep);
            sb_share(b, fr, cand, opt_met, opt_total, 0, 0);
        }
    }
    sb_put(b, "%s", sep);
    double km =
        json_number_value(json_object_get(json_object_get(res, "score_breakdown"), "distance_km"));
    sb_place(b, fr, cand, training, place, km);
    sb_put(b, ".");
}

#endif
