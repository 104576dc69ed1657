-- wrk script of bench/registrations.py: registerForStudyVisit mutations, each for an
-- email of its own, spread over the visits; every thread stops after its share.
--
-- Arguments (after --): the round's tag, the registrations per thread, the mutation
-- (JSON-encoded string), then the visit ids.
-- Prints one line per thread: "thread <n> <responses> <refused>"; a refused registration
-- is any answer that is not 200 with an empty "errors" list.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("number", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  tag = args[1]
  budget = tonumber(args[2])
  query = args[3]
  visits = {}
  for i = 4, #args do
    visits[#visits + 1] = args[i]
  end
  sent = 0
  responses = 0
  refused = 0
  headers = {["Content-Type"] = "application/json"}
end

function request()
  local n = sent
  sent = sent + 1
  local visit = visits[((number * budget + n) % #visits) + 1]
  local email = string.format("%s-%d-%d@example.se", tag, number, n)
  local body = string.format(
    '{"query": %s, "variables": {"input": {"visitId": "%s", "name": "Bench Person %d", ' ..
    '"email": "%s", "language": "SV", "consent": true}}}', query, visit, n, email)
  return wrk.format("POST", "/graphql", headers, body)
end

function response(status, headers, body)
  responses = responses + 1
  if status ~= 200 or not string.find(body, '"errors":[]', 1, true) then
    refused = refused + 1
  end
  if responses >= budget then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    io.write(string.format("thread %d %d %d\n", thread:get("number"),
                           thread:get("responses"), thread:get("refused")))
  end
end
