-- wrk script of bench/search_load.py: POSTs the JSON bodies of a file (one per line) in
-- turn, stops each thread after its share of the request budget, and prints one
-- "BENCH_RESULT {json}" line with throughput, latency percentiles and failures.
--
--   wrk -t T -c C -d Ds --latency -s bench/search_load.lua URL -- BODIES_FILE PER_THREAD T
--
-- Thread i starts at line i * (lines / T) + 1, so that threads whose budget is at most
-- lines / T never send the same line (the bench's distinct mixes rely on it).

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
   sent = 0
   answered = 0
   failed = 0
   wrk.method = "POST"
end

function request()
   position = position % #bodies + 1
   sent = sent + 1
   return wrk.format(nil, nil, nil, bodies[position])
end

function response(status, headers, body)
   answered = answered + 1
   -- A GraphQL error still answers 200: look for a top-level "errors" key.
   if status ~= 200 or string.find(body, '"errors":', 1, true) then
      failed = failed + 1
   end
   if answered >= budget then
      wrk.thread:stop()
   end
end

function done(summary, latency, requests)
   local failures = 0
   for _, thread in ipairs(threads) do
      failures = failures + (thread:get("failed") or 0)
   end
   local seconds = summary.duration / 1e6
   io.write(string.format(
      'BENCH_RESULT {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.3f, ' ..
      '"p95_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, "failed": %d, "socket_errors": %d}\n',
      summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50) / 1000, latency:percentile(95) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000, failures + summary.errors.status,
      summary.errors.connect + summary.errors.read + summary.errors.write
         + summary.errors.timeout))
end
