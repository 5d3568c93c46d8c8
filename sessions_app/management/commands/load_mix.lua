-- wrk script for `manage.py load_report`: 70 % status polls, 20 % session lists,
-- 10 % writes (half decisions, each research item decided once, half agent messages).
-- Usage: wrk ... -s load_mix.lua URL -- DATA_FILE THREADS
-- DATA_FILE is a Lua file returning {polls=..., lists=..., decisions=..., messages=...},
-- each a list of {method, path, token, body}; load_report writes it.

local thread_count = 0
local threads = {}

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

function init(args)
  data = dofile(args[1])
  local n = tonumber(args[2])
  math.randomseed(1000 + id)
  -- Each thread decides its own share of the research items, so none is decided twice.
  decisions = {}
  for i = id + 1, #data.decisions, n do table.insert(decisions, data.decisions[i]) end
  next_decision = 1
  sent = {poll = 0, list = 0, decision = 0, message = 0}
  statuses = {}
end

local function pick(list) return list[math.random(#list)] end

local function format(kind, item)
  sent[kind] = sent[kind] + 1
  local headers = {["Authorization"] = "Bearer " .. item[3]}
  if item[4] then headers["Content-Type"] = "application/json" end
  return wrk.format(item[1], item[2], headers, item[4])
end

function request()
  local r = math.random()
  if r < 0.70 then return format("poll", pick(data.polls)) end
  if r < 0.90 then return format("list", pick(data.lists)) end
  if r < 0.95 and next_decision <= #decisions then
    next_decision = next_decision + 1
    return format("decision", decisions[next_decision - 1])
  end
  return format("message", pick(data.messages))
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals, codes = {poll = 0, list = 0, decision = 0, message = 0}, {}
  for _, thread in ipairs(threads) do
    for kind, count in pairs(thread:get("sent")) do totals[kind] = totals[kind] + count end
    for code, count in pairs(thread:get("statuses")) do codes[code] = (codes[code] or 0) + count end
  end
  local parts = {}
  for code, count in pairs(codes) do table.insert(parts, string.format('"%d": %d', code, count)) end
  local e = summary.errors
  io.write(string.format(
    'LOAD_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "statuses": {%s}, "sent": {"poll": %d, "list": %d, "decision": %d, "message": %d}, ' ..
    '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, table.concat(parts, ", "),
    totals.poll, totals.list, totals.decision, totals.message,
    e.connect, e.read, e.write, e.timeout))
end
