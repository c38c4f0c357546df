-- wrk script for bench/rsvps.sh: POST /api/v1/meetings/{id}/rsvps, each request a new sign-up
-- (its own e-mail address: the same address would get the existing sign-up back, not an insert).
-- Environment: KAL_BENCH_MEETING (meeting id), KAL_BENCH_ORG (organisation id), KAL_BENCH_RUN
-- (a tag that keeps addresses distinct between runs on one database).

local meeting = os.getenv("KAL_BENCH_MEETING")
local org = os.getenv("KAL_BENCH_ORG")
local run = os.getenv("KAL_BENCH_RUN") or "r"
local path = "/api/v1/meetings/" .. meeting .. "/rsvps"
local headers = { ["Content-Type"] = "application/json" }

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local n = 0
function request()
  n = n + 1
  local who = run .. "-" .. tid .. "-" .. n
  local body = '{"name":"Deltagare ' .. who .. '","email":"deltagare-' .. who .. '@example.org",' ..
               '"organisation":' .. org .. ',"party_size":1,"language":"sv","consent":true}'
  return wrk.format("POST", path, headers, body)
end
