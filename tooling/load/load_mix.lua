-- wrk script for `manage.py load_report`: 70 % status polls, 20 % session lists,
-- 10 % writes (half decisions, each research item decided once, half agent messages).
-- Usage: wrk -t N -c N ... -s load_mix.lua URL -- DATA_FILE N
-- DATA_FILE is a Lua file returning {polls=..., lists=..., decisions=..., messages=...},
-- each a list of {method, path, token, body}; load_report writes it.
-- One connection per wrk thread: a thread's requests and responses then alternate, so
-- the script can time each request by kind (wrk's own latency mixes all kinds). Times are
-- counted in 0.1 ms buckets: copying every sample out of each thread made wrk's LuaJIT crash.

local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } load_mix_timespec;
int clock_gettime(int clock_id, load_mix_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
BUCKET_US = 100
local clock = ffi.new("load_mix_timespec")

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end

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
  -- One flat table per kind ({bucket = count}): wrk's thread:get copies flat tables only.
  hist_poll, hist_list, hist_decision, hist_message = {}, {}, {}, {}
  histograms = {poll = hist_poll, list = hist_list, decision = hist_decision, message = hist_message}
  pending_kind, pending_since = nil, 0
end

local function pick(list) return list[math.random(#list)] end

local function format(kind, item)
  sent[kind] = sent[kind] + 1
  pending_kind, pending_since = kind, now_us()
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
  if pending_kind then
    local histogram = histograms[pending_kind]
    local bucket = math.floor((now_us() - pending_since) / BUCKET_US)
    histogram[bucket] = (histogram[bucket] or 0) + 1
    pending_kind = nil
  end
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
  -- Each kind's request times as {bucket: count} (bucket = time // BUCKET_US), for load_report.
  local kinds = {}
  for _, kind in ipairs({"poll", "list", "decision", "message"}) do
    local merged = {}
    for _, thread in ipairs(threads) do
      for bucket, count in pairs(thread:get("hist_" .. kind)) do merged[bucket] = (merged[bucket] or 0) + count end
    end
    local parts = {}
    for bucket, count in pairs(merged) do table.insert(parts, string.format('"%d": %d', bucket, count)) end
    table.insert(kinds, string.format('"%s": {%s}', kind, table.concat(parts, ", ")))
  end
  io.write(string.format('LOAD_LATENCIES {"bucket_us": %d, %s}\n', BUCKET_US, table.concat(kinds, ", ")))
end
