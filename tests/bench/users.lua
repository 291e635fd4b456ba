-- wrk script for bench-users.sh.
--
-- Environment:
--   BENCH_MODE          "me" (GET /v1/users/me) or "login" (POST /v1/auth/login)
--   BENCH_TOKENS_FILE   me: one access token per line
--   BENCH_USERS_FILE    login: one username per line
--   BENCH_PASSWORD      login: the password shared by those users
--   BENCH_DELAY_MS      optional pause before each request, per connection (0 = none)
--   BENCH_COUNT_STATUS  "1" to count responses per status code (costs a Lua call
--                       per response, so it is off for the throughput run)
--
-- Each request takes the next credential round-robin; each thread starts at a
-- different offset.  done() prints one line "BENCH_JSON {...}".

local mode = os.getenv("BENCH_MODE") or "me"
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0") or 0
local count_status = os.getenv("BENCH_COUNT_STATUS") == "1"

local threads = {}
local created = 0

function setup(thread)
  created = created + 1
  thread:set("thread_no", created)
  table.insert(threads, thread)
end

local function read_lines(path)
  local out = {}
  for line in io.lines(path) do
    if line ~= "" then
      out[#out + 1] = line
    end
  end
  return out
end

function init(args)
  prepared = {}
  if mode == "login" then
    local password = os.getenv("BENCH_PASSWORD")
    for _, name in ipairs(read_lines(os.getenv("BENCH_USERS_FILE"))) do
      local body = string.format('{"username":"%s","password":"%s"}', name, password)
      prepared[#prepared + 1] = wrk.format("POST", "/v1/auth/login",
        { ["Content-Type"] = "application/json" }, body)
    end
  else
    for _, token in ipairs(read_lines(os.getenv("BENCH_TOKENS_FILE"))) do
      prepared[#prepared + 1] = wrk.format("GET", "/v1/users/me",
        { ["Authorization"] = "Bearer " .. token })
    end
  end
  count = #prepared
  assert(count > 0, "no credentials loaded")
  next_index = ((thread_no or 1) - 1) * math.floor(count / 2) % count
  statuses = {}
end

function request()
  next_index = next_index % count + 1
  return prepared[next_index]
end

if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

if count_status then
  function response(status, headers, body)
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
  end
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
