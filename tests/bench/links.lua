-- wrk script for bench-links.sh: a request as the folder's owner (bearer
-- token in BENCH_TOKEN) or as a link holder (the link's token in
-- BENCH_SHARE, no bearer); the URL comes from the command line.  done()
-- (bench-report.lua) prints one line "BENCH_JSON {...}".

local share = os.getenv("BENCH_SHARE")
local token = os.getenv("BENCH_TOKEN")
if share and share ~= "" then
  wrk.headers["X-Carrete-Share"] = share
else
  assert(token and token ~= "", "neither BENCH_SHARE nor BENCH_TOKEN is set")
  wrk.headers["Authorization"] = "Bearer " .. token
end

-- bench-report.lua, next to this script, defines setup(), done() and
-- count_statuses(), which gives init() and response() here.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "bench-report.lua")
count_statuses()
