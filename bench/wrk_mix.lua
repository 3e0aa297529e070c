-- wrk_mix.lua: the mixed load of the soak (bench/soak.sh): matches, writes and reads as one
-- organisation with a key of a rate no run reaches (KEY). In every 100 requests: 40 inline
-- matches (MATCH_BODIES), 10 offers created (OFFER_BODIES) and 10 deleted again (the oldest
-- this thread created; a create when there is none), 4 offers patched, 6 read, 3 candidate
-- lists, 4 profiles created and 4 erased, 8 skill searches, 6 extractions, 4 demand reports
-- and 3 change-feed pages. What is created is deleted again, so that the data stays the
-- same size and memory that grows is the server's own. Each thread counts the answers by status;
-- done() prints them, and a line "MIX 5xx=N 503=N 500=N errors=N requests=N rps=N".
local matches, offers = {}, {}
local created, profiles = {}, {}
local plan = {}
local step = 0
local words = {"excel", "caisse", "cuisine", "soud", "conduite", "comptab", "python",
               "vente", "accueil", "nettoy", "anglais", "tableur", "logist", "soin"}
local texts = {
  "Je tiens une caisse et j'accueille les clients en magasin.",
  "Experience with spreadsheets, customer service and stock management.",
  "Préparation des commandes, conduite de chariot élévateur, inventaire.",
  "I cooked in a restaurant kitchen and cleaned the work areas every day."}
local threads = {}
local json = {["Content-Type"] = "application/json"}
local patch = {["Content-Type"] = "application/merge-patch+json"}

function setup(thread)
  table.insert(threads, thread)
end

local function load(path, into)
  for line in io.lines(path) do
    into[#into + 1] = line
  end
end

function init(args)
  load(os.getenv("MATCH_BODIES"), matches)
  load(os.getenv("OFFER_BODIES"), offers)
  local mix = {{"match", 40}, {"offer", 10}, {"delete", 10}, {"patch", 4}, {"read", 6},
               {"candidates", 3}, {"profile", 4}, {"erase", 4}, {"skills", 8},
               {"extract", 6}, {"demand", 4}, {"changes", 3}}
  for _, m in ipairs(mix) do
    for _ = 1, m[2] do plan[#plan + 1] = m[1] end
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
  for i = #plan, 2, -1 do
    local j = math.random(i)
    plan[i], plan[j] = plan[j], plan[i]
  end
  step = math.random(#plan)
  local auth = "Bearer " .. os.getenv("KEY")
  wrk.headers["Authorization"] = auth
  json["Authorization"] = auth -- headers given to wrk.format replace wrk.headers
  patch["Authorization"] = auth
end

local function pick(list)
  return list[math.random(#list)]
end

function request()
  step = step % #plan + 1
  local what = plan[step]
  if what == "delete" and #created > 0 then
    return wrk.format("DELETE", table.remove(created, 1))
  elseif what == "erase" and #profiles > 0 then
    return wrk.format("DELETE", table.remove(profiles, 1))
  elseif what == "patch" and #created > 0 then
    return wrk.format("PATCH", pick(created), patch,
                      '{"title":"poste ' .. math.random(1000000) .. '"}')
  elseif what == "read" and #created > 0 then
    return wrk.format("GET", pick(created))
  elseif what == "candidates" and #created > 0 then
    return wrk.format("GET", pick(created) .. "/candidates?limit=10")
  elseif what == "profile" or what == "erase" then
    local p = string.match(pick(matches), '^{"profile":(%b{})')
    return wrk.format("POST", "/v1/profiles", json, p)
  elseif what == "skills" then
    return wrk.format("GET", "/v1/skills?q=" .. pick(words) .. "&limit=10")
  elseif what == "extract" then
    return wrk.format("POST", "/v1/extract", json, '{"text":"' .. pick(texts) .. '"}')
  elseif what == "demand" then
    return wrk.format("GET", "/v1/demand?top=20&near=45.76,4.84&radius_km=" .. math.random(5, 200))
  elseif what == "changes" then
    return wrk.format("GET", "/v1/changes?limit=50")
  elseif what == "offer" or what == "delete" or what == "patch" or what == "read" or
         what == "candidates" then
    return wrk.format("POST", "/v1/offers", json, pick(offers))
  end
  return wrk.format("POST", "/v1/match", json, pick(matches))
end

function response(status, headers, body)
  local name = "status" .. status -- a global: thread:get copies numbers, not tables
  _G[name] = (_G[name] or 0) + 1
  local at = headers["Location"] or headers["location"]
  if status == 201 and at then
    if string.find(at, "/v1/offers/", 1, true) then
      created[#created + 1] = at
    elseif string.find(at, "/v1/profiles/", 1, true) then
      profiles[#profiles + 1] = at
    end
  end
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for status = 100, 599 do
      local n = t:get("status" .. status)
      if n then total[status] = (total[status] or 0) + n end
    end
  end
  local keys, server, s503, s500 = {}, 0, 0, 0
  for status in pairs(total) do keys[#keys + 1] = status end
  table.sort(keys)
  for _, status in ipairs(keys) do
    io.write(string.format("STATUS %d %d\n", status, total[status]))
    if status >= 500 then server = server + total[status] end
    if status == 503 then s503 = total[status] end
    if status == 500 then s500 = total[status] end
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write +
                 summary.errors.timeout
  io.write(string.format("MIX 5xx=%d 503=%d 500=%d errors=%d requests=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f\n",
    server, s503, s500, errors, summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
