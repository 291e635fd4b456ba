-- The reporting half of the wrk scripts (folders.lua, photos.lua,
-- users.lua, web.lua), loaded by each with dofile.  setup() numbers the threads
-- (thread_no, from 1) and keeps them so that done() can add up the
-- per-status counts that a script's response() keeps in the thread global
-- "statuses"; done() prints one line "BENCH_JSON {...}" that the bench
-- scripts parse (bench_wrk in bench-lib.sh).

local threads = {}

function setup(thread)
  thread:set("thread_no", #threads + 1)
  table.insert(threads, thread)
end

-- '"code":n' pairs, sorted, of every thread's counts.
local function merged_statuses()
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
  return table.concat(parts, ",")
end

-- For a script whose only work per response is that count: defines init(),
-- which starts the thread's counts, and response(), which adds to them.
function count_statuses()
  function init(args)
    statuses = {}
  end

  function response(status, headers, body)
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_s":%.3f,"rps":%.2f,"p50_ms":%.3f,"p90_ms":%.3f,'
      .. '"p99_ms":%.3f,"max_ms":%.3f,"non2xx":%d,"connect_err":%d,"read_err":%d,'
      .. '"write_err":%d,"timeout_err":%d,"statuses":{%s}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect, e.read, e.write, e.timeout, merged_statuses()))
end
