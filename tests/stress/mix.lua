-- tests/stress/mix.lua: the wrk script of tests/stress/stress.py.
--   wrk ... -s mix.lua URL -- URLS_FILE
-- URLS_FILE has one request a line, "PATH" (GET) or "METHOD PATH". Each thread cycles through
-- them from its own starting point and counts the status of every response; done() prints the
-- counts of all threads and wrk's socket errors as lines that stress.py reads:
--   mix: status 200 12345
--   mix: errors connect 0 read 0 write 0 timeout 0 status 17
--   mix: requests 23456 duration_us 10001234 bytes 123456789
--   mix: latency_us p50 1234 p90 2345 p99 3456 max 4567

local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end

local reqs = {}
local i = 0
statuses = {}

function init(args)
   local f = assert(io.open(args[1], "r"))
   for line in f:lines() do
      if line ~= "" then
         local method, path = line:match("^(%u+) (.+)$")
         if not method then
            method, path = "GET", line
         end
         table.insert(reqs, wrk.format(method, path))
      end
   end
   f:close()
   assert(#reqs > 0, "no requests in " .. args[1])
   -- spread the threads over the list
   i = ((id or 1) - 1) * math.floor(#reqs / 2 + 1) % #reqs
end

function request()
   i = i % #reqs + 1
   return reqs[i]
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local total = {}
   for _, thread in ipairs(threads) do
      local s = thread:get("statuses")
      if s then
         for code, n in pairs(s) do
            total[code] = (total[code] or 0) + n
         end
      end
   end
   local codes = {}
   for code in pairs(total) do
      table.insert(codes, code)
   end
   table.sort(codes)
   for _, code in ipairs(codes) do
      io.write(string.format("mix: status %d %d\n", code, total[code]))
   end
   local e = summary.errors
   io.write(string.format("mix: errors connect %d read %d write %d timeout %d status %d\n",
                          e.connect, e.read, e.write, e.timeout, e.status))
   io.write(string.format("mix: requests %d duration_us %d bytes %d\n",
                          summary.requests, summary.duration, summary.bytes))
   io.write(string.format("mix: latency_us p50 %d p90 %d p99 %d max %d\n",
                          latency:percentile(50), latency:percentile(90),
                          latency:percentile(99), latency.max))
end
