-- wrk script for bench-users.sh.
--
-- Environment:
--   BENCH_MODE          "me" (GET /v1/users/me) or "login" (POST /v1/auth/login)
--   BENCH_PATH          me: the path to GET instead of /v1/users/me (bench-peers.sh
--                       also lists photos with it)
--   BENCH_TOKENS_FILE   me: one access token per line
--   BENCH_USERS_FILE    login: one username per line
--   BENCH_PASSWORD      login: the password shared by those users
--   BENCH_DELAY_MS      optional pause before each request, per connection (0 = none)
--   BENCH_COUNT_STATUS  "1" to count responses per status code (costs a Lua call
--                       per response, so it is off for the throughput run)
--
-- Each request takes the next credential round-robin; each thread starts at a
-- different offset.  done() (bench-report.lua) prints one line "BENCH_JSON {...}".

local mode = os.getenv("BENCH_MODE") or "me"
local path = os.getenv("BENCH_PATH") or "/v1/users/me"
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0") or 0
local count_status = os.getenv("BENCH_COUNT_STATUS") == "1"

-- bench-report.lua, next to this script, defines setup() and done().
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "bench-report.lua")

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
      prepared[#prepared + 1] = wrk.format("GET", path,
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
