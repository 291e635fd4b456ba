-- wrk script for bench-photos.sh: every request carries the bearer token in
-- BENCH_TOKEN; done() (bench-report.lua) prints one line "BENCH_JSON {...}"
-- with the figures and a count per status code.

local token = os.getenv("BENCH_TOKEN")
assert(token and token ~= "", "BENCH_TOKEN is not set")
wrk.headers["Authorization"] = "Bearer " .. token

-- bench-report.lua, next to this script, defines setup(), done() and
-- count_statuses(), which gives init() and response() here.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "bench-report.lua")
count_statuses()
