-- wrk script: GetRecords with Limit=1 over keep-alive.
--   wrk ... -s get_records.lua URL -- ITERATOR [fixed|follow]
-- fixed  (default) every request sends the same iterator (the same first record each time);
--        on shardsim that needs a clock that does not move (--latency 0s), or the iterator
--        expires after 300 s of virtual time (1,500 calls at the default 200 ms a call)
-- follow each answer's NextShardIterator is the next request's iterator, as in a consumer's
--        loop (the connections of a thread share it)
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local common = require("common")

local iterator, mode
local headers = common.headers("GetRecords")

function setup(thread) common.setup(thread) end

function init(args)
  iterator = args[1] or error("get_records.lua needs the shard iterator after --")
  mode = args[2] or "fixed"
  if mode ~= "fixed" and mode ~= "follow" then error("mode is fixed or follow, not " .. mode) end
end

function request()
  return wrk.format("POST", "/", headers, '{"ShardIterator":"' .. iterator .. '","Limit":1}')
end

function response(status, _, body)
  common.tally(status, body)
  if mode == "follow" and status == 200 then
    local next_iterator = string.match(body, '"NextShardIterator"%s*:%s*"([^"]+)"')
    if next_iterator then iterator = next_iterator end
  end
end

function done(summary) common.done(summary) end
