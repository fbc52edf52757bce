-- wrk script for the ACS benchmark: every request POSTs the next unused SAMLResponse form body
-- from $ACS_BODIES (one per line). Thread i of $ACS_THREADS takes lines i, i+n, i+2n… and stops
-- when it has used its share, so no response is ever sent twice. 303 = accepted login.
local threads = {}
local counter = 0

function setup(thread)
   thread:set("tid", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

function init(args)
   bodies = {}
   local n = tonumber(os.getenv("ACS_THREADS") or "1")
   local i = 0
   for line in io.lines(os.getenv("ACS_BODIES")) do
      if i % n == tid then table.insert(bodies, line) end
      i = i + 1
   end
   index = 0
   accepted = 0
   rejected = 0
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
   index = index + 1
   if index > #bodies then
      wrk.thread:stop()
      index = #bodies
   end
   return wrk.format(nil, nil, nil, bodies[index])
end

function response(status, headers, body)
   if status == 303 then accepted = accepted + 1 else rejected = rejected + 1 end
end

function done(summary, latency, requests)
   local a, r = 0, 0
   for _, thread in ipairs(threads) do
      a = a + thread:get("accepted")
      r = r + thread:get("rejected")
   end
   io.write(string.format("ACS accepted=%d rejected=%d\n", a, r))
end
