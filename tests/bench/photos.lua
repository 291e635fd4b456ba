-- wrk script for bench-photos.sh: every request carries the bearer token in
-- BENCH_TOKEN; done() (bench-report.lua) prints one line "BENCH_JSON {...}"
-- with the figures and a count per status code.

local token = os.getenv("BENCH_TOKEN")
assert(token and token ~= "", "BENCH_TOKEN is not set")
wrk.headers["Authorization"] = "Bearer " .. token

-- bench-report.lua, next to this script, defines setup() and done().
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "bench-report.lua")

function init(args)
  statuses = {}
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end
