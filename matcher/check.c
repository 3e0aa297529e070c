/*
 * check.c: what enters the matcher, checked once at its edge: texts, places, requirements and
 * profiles. Each check answers SM_OK, or an SM_E* code with err naming the field and the
 * reason; it changes nothing.
 */
#include "matcher/internal.h"

int sm__check_text(const char *s, const char *field, int required, sm_error *err)
{
    if (!s || !*s)
        return required ? sm_error_field(err, SM_EINVAL, field, "required") : SM_OK;
    size_t len = strlen(s);
    if (len > 1024)
        return sm_error_field(err, SM_EINVAL, field, "longer than 1024 bytes");
    if (!sm_utf8_valid(s, len, NULL))
        return sm_error_field(err, SM_EINVAL, field, "invalid UTF-8");
    return SM_OK;
}

int sm__check_geo(const sm_geo *g, const char *field, sm_error *err)
{
    if (g->known && !(g->lat >= -90 && g->lat <= 90 && g->lon >= -180 && g->lon <= 180))
        return sm_error_field(err, SM_EINVAL, field,
                              "latitude must be in [-90, 90], longitude in [-180, 180]");
    return SM_OK;
}

int sm__check_requirements(const sm_matcher *m, const sm_requirement *r, size_t n,
                           const char *field, sm_error *err)
{
    if (n > SM_MAX_REQUIREMENTS)
        return sm_error_field(err, SM_EINVAL, field, "more than %d skills", SM_MAX_REQUIREMENTS);
    char f[160];
    for (size_t i = 0; i < n; i++) {
        if (!is_skill(m, r[i].skill))
            return sm_error_field(err, SM_EINVAL, item_field(f, sizeof f, field, i, "skill"),
                                  "not a skill concept");
        if (r[i].level > SM_MAX_LEVEL)
            return sm_error_field(err, SM_EINVAL, item_field(f, sizeof f, field, i, "level"),
                                  "must be 0..8");
        if (!(r[i].weight >= 0 && r[i].weight <= 10))
            return sm_error_field(err, SM_EINVAL, item_field(f, sizeof f, field, i, "weight"),
                                  "must be in (0, 10]");
        for (size_t k = 0; k < i; k++)
            if (r[k].skill == r[i].skill)
                return sm_error_field(err, SM_EINVAL, item_field(f, sizeof f, field, i, "skill"),
                                      "listed twice");
    }
    return SM_OK;
}

int sm__check_profile(const sm_matcher *m, const sm_profile *p, sm_error *err)
{
    if (p->skill_count == 0)
        return sm_error_field(err, SM_EINVAL, "profile.skills",
                              "empty, add at least one skill to get matches");
    if (p->skill_count > SM_MAX_PROFILE_SKILLS)
        return sm_error_field(err, SM_EINVAL, "profile.skills", "more than %d",
                              SM_MAX_PROFILE_SKILLS);
    char f[160];
    for (size_t i = 0; i < p->skill_count; i++) {
        if (!is_skill(m, p->skills[i].skill))
            return sm_error_field(err, SM_EINVAL,
                                  item_field(f, sizeof f, "profile.skills", i, "skill"),
                                  "not a skill concept");
        if (p->skills[i].level > SM_MAX_LEVEL)
            return sm_error_field(err, SM_EINVAL,
                                  item_field(f, sizeof f, "profile.skills", i, "level"),
                                  "must be 0..8");
    }
    return sm__check_geo(&p->location, "profile.location", err);
}

/* Checks a profile that may have no skills (gaps: everything is missing then). */
int sm__check_profile_maybe_empty(const sm_matcher *m, const sm_profile *p, sm_error *err)
{
    if (p->skill_count == 0)
        return sm__check_geo(&p->location, "profile.location", err);
    return sm__check_profile(m, p, err);
}
