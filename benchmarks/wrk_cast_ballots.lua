-- wrk script of benchmarks/bench_http_ballots.py: each wrk thread casts the ballots of its own plan
-- file, one request per line ("voter credential vote"), and records every response in its own record file
-- ("line voter vote status receipt"), so the benchmark can check the database against what the load
-- tool saw.
--
-- Run with as many connections as threads (-t N -c N): each thread then has one connection at a time, so
-- its responses come back in the order of its requests: the response in hand answers the plan's next step.
-- Paths come from the environment: BENCH_PLAN_DIR (plan-<thread>.txt), BENCH_RECORD_DIR
-- (record-<thread>.txt), BENCH_SUMMARY (the JSON summary written at the end) and BENCH_STOP (a file
-- whose existence asks the threads to stop early).

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_number", counter)
  table.insert(threads, thread)
end

local plan = nil
local answered = 0
local record = nil
local path = nil
local stop_path = nil

function init(args)
  path = os.getenv("BENCH_PATH")
  stop_path = os.getenv("BENCH_STOP")
  plan = {}
  local name = string.format("%s/plan-%d.txt", os.getenv("BENCH_PLAN_DIR"), thread_number)
  for line in io.lines(name) do
    local voter, token, vote = string.match(line, "^(%S+) (%S+) (%S+)$")
    table.insert(plan, { voter = voter, token = token, vote = vote })
  end
  record = io.open(string.format("%s/record-%d.txt", os.getenv("BENCH_RECORD_DIR"), thread_number), "w")
  record:setvbuf("line")
end

-- request() does not advance the plan: wrk may call it and drop the request (it does once when a
-- thread starts), and resends after a broken connection. Only a response moves to the next step, and
-- the record names the step it answers, so nothing relies on counting calls.
function request()
  if plan == nil or answered >= #plan then
    -- wrk checks the script by calling request() once before any thread starts (plan is nil then);
    -- a thread whose plan is done is stopping: either way send a read that changes nothing.
    return wrk.format("GET", "/api/v1/health-of-the-benchmark-does-not-exist")
  end
  local step = plan[answered + 1]
  local headers = { ["Content-Type"] = "application/json" }
  -- One kept-alive connection per thread (BENCH_KEEP_ALIVE=1, the default of the benchmark), or each cast
  -- on a new connection, as each member's own client would (BENCH_KEEP_ALIVE=0).
  if os.getenv("BENCH_KEEP_ALIVE") == "0" then
    headers["Connection"] = "close"
  end
  -- The credential is "t:<API token>" or "s:<session key>:<CSRF secret>" (a signed-in browser).
  local kind, first, second = string.match(step.token, "^(%a):([^:]+):?(.*)$")
  if kind == "s" then
    headers["Cookie"] = "sessionid=" .. first .. "; csrftoken=" .. second
    headers["X-CSRFToken"] = second
  else
    headers["Authorization"] = "Bearer " .. first
  end
  return wrk.format("POST", path, headers, '{"vote": "' .. step.vote .. '"}')
end

function response(status, headers, body)
  if answered >= #plan then
    return
  end
  answered = answered + 1
  local step = plan[answered]
  local receipt = string.match(body or "", '"receipt"%s*:%s*"([^"]+)"') or "-"
  record:write(string.format("%d %s %s %d %s\n", answered, step.voter, step.vote, status, receipt))
  -- The benchmark asks every thread to stop early by creating BENCH_STOP: a thread then stops between
  -- two requests, so no request is left without its recorded response.
  local stop = io.open(stop_path, "r")
  if stop ~= nil then
    stop:close()
    record:write("END\n")
    record:flush()
    answered = #plan
    wrk.thread:stop()
    return
  end
  if answered == #plan then
    record:write("END\n")
    record:flush()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local out = io.open(os.getenv("BENCH_SUMMARY"), "w")
  out:write(string.format(
    '{"duration_us": %d, "requests": %d, "bytes": %d, "errors": {"connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d}, "latency_us": {"min": %d, "mean": %.1f, "max": %d, ' ..
    '"p50": %d, "p90": %d, "p95": %d, "p99": %d}}\n',
    summary.duration, summary.requests, summary.bytes, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout, latency.min, latency.mean,
    latency.max, latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99)))
  out:close()
end
