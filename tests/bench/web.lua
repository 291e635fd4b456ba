-- wrk script for bench-web.sh: every request carries the signed-in
-- browser's cookies from BENCH_COOKIE; the URL comes from the command line.
-- done() (bench-report.lua) prints one line "BENCH_JSON {...}".

local cookie = os.getenv("BENCH_COOKIE")
assert(cookie and cookie ~= "", "BENCH_COOKIE is not set")
wrk.headers["Cookie"] = cookie

-- bench-report.lua, next to this script, defines setup(), done() and
-- count_statuses(), which gives init() and response() here.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "bench-report.lua")
count_statuses()
