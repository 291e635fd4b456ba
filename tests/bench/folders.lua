-- wrk script for bench-folders.sh: every request carries the bearer token
-- in BENCH_TOKEN; the URL (path and query) comes from the command line.
-- done() (bench-report.lua) prints one line "BENCH_JSON {...}".

local token = os.getenv("BENCH_TOKEN")
assert(token and token ~= "", "BENCH_TOKEN is not set")
wrk.headers["Authorization"] = "Bearer " .. token

-- bench-report.lua, next to this script, defines setup() and done().
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "bench-report.lua")
