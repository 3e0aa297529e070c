-- wrk_post.lua: POSTs one JSON body per request, taken in turn from a file of one body per
-- line (BODIES), with an optional Bearer key (KEY). Used by bench/api_run.sh for /v1/match
-- and /v1/offers. Each thread starts at a different line.
local bodies = {}
local n = 0
local i = 0

function init(args)
  for line in io.lines(os.getenv("BODIES")) do
    n = n + 1
    bodies[n] = line
  end
  i = math.random(n)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  local key = os.getenv("KEY")
  if key and key ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. key
  end
end

function request()
  i = i % n + 1
  return wrk.format(nil, nil, nil, bodies[i])
end

function done(summary, latency, requests)
  io.write(string.format("WRK requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
