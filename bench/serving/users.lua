-- wrk script for bench/serving.bench.ts: each connection walks the users
-- 1..2200 from its own offset (users the models know, and about one in ten
-- they do not, who get the popular list), one GET /recommend/<id> each.
local counter = 0
local id = 0
function setup(thread)
  thread:set("offset", counter * 997)
  counter = counter + 1
end
function init(args)
  id = offset or 0
end
function request()
  id = id % 2200 + 1
  return wrk.format("GET", "/recommend/" .. id)
end
