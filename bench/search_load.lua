-- wrk script of bench/search_load.py: POSTs the JSON bodies of a file (one per line) in
-- turn, stops each thread after its share of the request budget (printing one
-- "BENCH_THREAD_DONE" line, so that the bench can end wrk instead of waiting out the
-- duration), and prints one "BENCH_RESULT {json}" line with throughput, latency
-- percentiles, failures and the latency histogram (microseconds, count). With one
-- connection (one request at a time) it also times each request itself and reports
-- (line, microseconds) pairs, so that two runs on the same lines can be compared request
-- by request.
--
--   wrk -t T -c C -d Ds --latency -s bench/search_load.lua URL -- BODIES_FILE PER_THREAD T C
--
-- Thread i starts at line i * (lines / T) + 1, so that threads whose budget is at most
-- lines / T never send the same line (the bench's distinct mixes rely on it).

local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *now);
]]
local clock = ffi.new("bench_timespec")

local function now_us()
   ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
   return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end

local threads = {}

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

function init(args)
   bodies = {}
   for line in io.lines(args[1]) do
      if #line > 0 then
         table.insert(bodies, line)
      end
   end
   budget = math.max(1, tonumber(args[2]))
   local count = math.max(1, tonumber(args[3] or "1"))
   position = id * math.floor(#bodies / count)
   timed = tonumber(args[4] or "0") == 1
   timings = {}
   sent = 0
   answered = 0
   failed = 0
   finished = false
   wrk.method = "POST"
end

function request()
   position = position % #bodies + 1
   sent = sent + 1
   if timed then
      started = now_us()
   end
   return wrk.format(nil, nil, nil, bodies[position])
end

function response(status, headers, body)
   if timed then
      timings[#timings + 1] = string.format("[%d, %d]", position, now_us() - started)
   end
   answered = answered + 1
   -- A GraphQL error still answers 200: look for a top-level "errors" key.
   if status ~= 200 or string.find(body, '"errors":', 1, true) then
      failed = failed + 1
   end
   if answered >= budget then
      if not finished then
         finished = true
         io.write("BENCH_THREAD_DONE\n")
         io.flush()
      end
      wrk.thread:stop()
   end
end

function done(summary, latency, requests)
   local failures = 0
   for _, thread in ipairs(threads) do
      failures = failures + (thread:get("failed") or 0)
   end
   local seconds = summary.duration / 1e6
   -- latency(i) is the i-th distinct latency (microseconds) and how many requests took it
   local histogram = {}
   for i = 1, #latency do
      local value, count = latency(i)
      histogram[i] = string.format("[%d, %d]", value, count)
   end
   io.write(string.format(
      'BENCH_RESULT {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.3f, ' ..
      '"p95_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, "failed": %d, "socket_errors": %d, ' ..
      '"histogram": [%s], "timings": [%s]}\n',
      summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50) / 1000, latency:percentile(95) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000, failures + summary.errors.status,
      summary.errors.connect + summary.errors.read + summary.errors.write
         + summary.errors.timeout, table.concat(histogram, ", "),
      table.concat(threads[1]:get("timings"), ", ")))
end
