/*
 * check.c: what enters the matcher, checked once at its edge: texts, places, requirements and
 * profiles. Each check answers SM_OK, or an SM_E* code with err naming the field and the
 * reason; it changes nothing.
 */
#include "matcher/internal.h"

int sm__check_text(const char *s, const char *field, int required, sm_error *err)
{
    if (!s || !*s)
        return required ? sm_error_set(err, SM_EINVAL, "%s: required", field) : SM_OK;
    size_t len = strlen(s);
    if (len > 1024)
        return sm_error_set(err, SM_EINVAL, "%s: longer than 1024 bytes", field);
    if (!sm_utf8_valid(s, len, NULL))
        return sm_error_set(err, SM_EINVAL, "%s: invalid UTF-8", field);
    return SM_OK;
}

int sm__check_geo(const sm_geo *g, const char *field, sm_error *err)
{
    if (g->known && !(g->lat >= -90 && g->lat <= 90 && g->lon >= -180 && g->lon <= 180))
        return sm_error_set(err, SM_EINVAL,
                            "%s: latitude must be in [-90, 90], longitude in [-180, 180]", field);
    return SM_OK;
}

int sm__check_requirements(const sm_matcher *m, const sm_requirement *r, size_t n,
                           const char *field, sm_error *err)
{
    if (n > SM_MAX_REQUIREMENTS)
        return sm_error_set(err, SM_EINVAL, "%s: more than %d skills", field, SM_MAX_REQUIREMENTS);
    for (size_t i = 0; i < n; i++) {
        if (!is_skill(m, r[i].skill))
            return sm_error_set(err, SM_EINVAL, "%s[%zu].skill: not a skill concept", field, i);
        if (r[i].level > SM_MAX_LEVEL)
            return sm_error_set(err, SM_EINVAL, "%s[%zu].level: must be 0..8", field, i);
        if (!(r[i].weight >= 0 && r[i].weight <= 10))
            return sm_error_set(err, SM_EINVAL, "%s[%zu].weight: must be in (0, 10]", field, i);
        for (size_t k = 0; k < i; k++)
            if (r[k].skill == r[i].skill)
                return sm_error_set(err, SM_EINVAL, "%s[%zu].skill: listed twice", field, i);
    }
    return SM_OK;
}

int sm__check_profile(const sm_matcher *m, const sm_profile *p, sm_error *err)
{
    if (p->skill_count == 0)
        return sm_error_set(err, SM_EINVAL,
                            "profile.skills: empty, add at least one skill to get matches");
    if (p->skill_count > SM_MAX_PROFILE_SKILLS)
        return sm_error_set(err, SM_EINVAL, "profile.skills: more than %d", SM_MAX_PROFILE_SKILLS);
    for (size_t i = 0; i < p->skill_count; i++) {
        if (!is_skill(m, p->skills[i].skill))
            return sm_error_set(err, SM_EINVAL, "profile.skills[%zu].skill: not a skill concept",
                                i);
        if (p->skills[i].level > SM_MAX_LEVEL)
            return sm_error_set(err, SM_EINVAL, "profile.skills[%zu].level: must be 0..8", i);
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
