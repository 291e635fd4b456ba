-- wrk script for bench-folders.sh: every request carries the bearer token
-- in BENCH_TOKEN; the URL (path and query) comes from the command line.
-- done() prints one line "BENCH_JSON {...}".

local token = os.getenv("BENCH_TOKEN")
assert(token and token ~= "", "BENCH_TOKEN is not set")
wrk.headers["Authorization"] = "Bearer " .. token

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_s":%.3f,"rps":%.2f,"p50_ms":%.3f,"p90_ms":%.3f,'
      .. '"p99_ms":%.3f,"max_ms":%.3f,"non2xx":%d,"connect_err":%d,"read_err":%d,'
      .. '"write_err":%d,"timeout_err":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect, e.read, e.write, e.timeout))
end
