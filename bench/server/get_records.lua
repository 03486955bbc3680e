-- wrk script: GetRecords with Limit=1 over keep-alive.
--   wrk ... -s get_records.lua URL -- ITERATOR [follow|fixed]
-- follow (default) each answer's NextShardIterator is the next request's iterator, as in a
--        consumer's loop (the connections of a thread share it). shardsim's manual clock moves
--        200 ms per call, so a fixed iterator would expire after 1,500 calls (300 s).
-- fixed  every request sends the same iterator (the same first record each time)
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local common = require("common")

local iterator, mode
local headers = common.headers("GetRecords")

function setup(thread) common.setup(thread) end

function init(args)
  iterator = args[1] or error("get_records.lua needs the shard iterator after --")
  mode = args[2] or "follow"
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
