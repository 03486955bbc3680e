-- wrk script: PutRecord over keep-alive, 100 bytes of data, a new partition key each request
-- (so the records spread over every shard of the stream).
--   wrk ... -s put_record.lua URL -- STREAM_NAME
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local common = require("common")

local stream
local counter = 0
local headers = common.headers("PutRecord")
-- 100 bytes, base64.
local data = string.rep("QUJD", 33) .. "QQ=="

function setup(thread) common.setup(thread) end

function init(args)
  stream = args[1] or error("put_record.lua needs the stream name after --")
end

function request()
  counter = counter + 1
  return wrk.format("POST", "/", headers, '{"StreamName":"' .. stream .. '","Data":"' .. data
    .. '","PartitionKey":"key-' .. counter .. '"}')
end

function response(status, _, body) common.tally(status, body) end

function done(summary) common.done(summary) end
