-- wrk script for bench-photos.sh: every request carries the bearer token in
-- BENCH_TOKEN; done() prints one line "BENCH_JSON {...}" with the figures
-- and a count per status code.

local token = os.getenv("BENCH_TOKEN")
assert(token and token ~= "", "BENCH_TOKEN is not set")
wrk.headers["Authorization"] = "Bearer " .. token

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    if type(counts) == "table" then
      for code, n in pairs(counts) do
        merged[code] = (merged[code] or 0) + n
      end
    end
  end
  local parts = {}
  for code, n in pairs(merged) do
    parts[#parts + 1] = string.format('"%s":%d', code, n)
  end
  table.sort(parts)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_s":%.3f,"rps":%.2f,"p50_ms":%.3f,"p90_ms":%.3f,'
      .. '"p99_ms":%.3f,"max_ms":%.3f,"non2xx":%d,"connect_err":%d,"read_err":%d,'
      .. '"write_err":%d,"timeout_err":%d,"statuses":{%s}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect, e.read, e.write, e.timeout, table.concat(parts, ",")))
end
