-- load.lua — the wrk mix for bench/load.sh: mostly reads, some writes, as an
-- officer of AR-CASA-OULFA (TOKEN in the environment). Counts answers by
-- class; done() prints one JSON line the script reads.
local token = os.getenv("TOKEN")
local case_id = os.getenv("CASE_ID")
local counter = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  s2, s4, s5, other = 0, 0, 0, 0
end

local reads = {
  "/api/v1/me", "/api/v1/cases?limit=20", "/api/v1/offences", "/api/v1/custody/deadlines",
  "/api/v1/cases/" .. (case_id or "x"), "/api/v1/registers/wanted", "/api/v1/notifications",
}

function request()
  counter = counter + 1
  local h = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
  if counter % 5 == 0 then
    local body = string.format(
      '{"complainant":{"last_name_lat":"Charge","first_name_lat":"T%dN%d"},"facts":"Charge test %d"}',
      id, counter, counter)
    return wrk.format("POST", "/api/v1/complaints", h, body)
  elseif counter % 11 == 0 then
    local body = string.format('{"role":"witness","person":{"last_name_lat":"Charge","first_name_lat":"W%dN%d"}}',
      id, counter)
    return wrk.format("POST", "/api/v1/cases/" .. case_id .. "/persons", h, body)
  end
  return wrk.format("GET", reads[(counter % #reads) + 1], h)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then s2 = s2 + 1
  elseif status >= 400 and status < 500 then s4 = s4 + 1
  elseif status >= 500 then s5 = s5 + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local a2, a4, a5, ao = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    a2 = a2 + t:get("s2"); a4 = a4 + t:get("s4"); a5 = a5 + t:get("s5"); ao = ao + t:get("other")
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"seconds":%.2f,"rps":%.1f,"p50_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,' ..
    '"2xx":%d,"4xx":%d,"5xx":%d,"other":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    a2, a4, a5, ao, e.connect + e.read + e.write + e.timeout + e.status))
end
