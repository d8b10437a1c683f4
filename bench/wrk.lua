-- One wrk configuration of bench/run. Arguments (after `--`):
--   method path expect [sessions-file] [htmx] [options] [threads]
-- method: GET or POST (POST sends a vote: choice=<an option other than the member's last>)
-- expect: "200:<text>" (status 200 and the text in the body) or "303" (a redirect)
-- sessions-file: lines "<session key> <csrf secret> <member id> <current choice>"; each request
--   signs in as the next member (threads take turns), or "-" for a visitor
-- htmx: "htmx" adds HX-Request: true
-- options: comma-separated vote values ("side-one,side-two,both")
-- threads: wrk's -t, so that threads take turns through the members
-- Counted per thread, summed in done(): answers as expected, 429s, other answers ("wrong").

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local method, path, expect_status, expect_text, htmx, options
local sessions = {}
local last = {}
local next_index, step = 1, 1
ok, limited, wrong = 0, 0, 0
wrong_status = 0  -- the status of the last wrong answer, to say what went wrong

function init(args)
  method, path = args[1], args[2]
  local expect = args[3]
  expect_status, expect_text = expect:match("^(%d+):?(.*)$")
  expect_status = tonumber(expect_status)
  if expect_text == "" then expect_text = nil end
  local file = args[4]
  htmx = args[5] == "htmx"
  options = {}
  for value in string.gmatch(args[6] or "", "[^,]+") do table.insert(options, value) end
  if file and file ~= "-" then
    for line in io.lines(file) do
      local key, csrf, member, choice = line:match("^(%S+) (%S+) (%S+) (%S+)$")
      if key then table.insert(sessions, {key = key, csrf = csrf, choice = choice}) end
    end
  end
  -- Threads take turns through the members, so no two threads vote as the same member.
  step = tonumber(args[7] or "2")
  next_index = (id or 0) + 1
end

local function next_session()
  local session = sessions[next_index]
  next_index = next_index + step
  if next_index > #sessions then next_index = (id or 0) + 1 end
  return session
end

function request()
  local headers = {}
  if htmx then headers["HX-Request"] = "true" end
  local body = nil
  if #sessions > 0 then
    local s = next_session()
    headers["Cookie"] = "sessionid=" .. s.key .. "; csrftoken=" .. s.csrf
    if method == "POST" then
      headers["X-CSRFToken"] = s.csrf
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      -- A different option than this member's last, so every vote writes.
      local choice = options[1]
      for i, value in ipairs(options) do
        if value == s.choice then choice = options[(i % #options) + 1] end
      end
      s.choice = choice
      body = "choice=" .. choice
    end
  end
  return wrk.format(method, path, headers, body)
end

function response(status, headers, body)
  if status == 429 then
    limited = limited + 1
  elseif status == expect_status and (expect_text == nil or (body and body:find(expect_text, 1, true))) then
    ok = ok + 1
  else
    wrong = wrong + 1
    wrong_status = status
  end
end

function done(summary, latency, requests)
  local total_ok, total_limited, total_wrong, last_wrong = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    if (thread:get("wrong_status") or 0) ~= 0 then last_wrong = thread:get("wrong_status") end
    total_ok = total_ok + (thread:get("ok") or 0)
    total_limited = total_limited + (thread:get("limited") or 0)
    total_wrong = total_wrong + (thread:get("wrong") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    '@@wrk {"requests": %d, "duration_us": %d, "ok": %d, "limited": %d, "wrong": %d, ' ..
    '"wrong_status": %d, "socket_errors": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, total_ok, total_limited, total_wrong, last_wrong,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
