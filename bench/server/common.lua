-- Shared by the wrk scripts of bench/server: the request headers every Kinesis SDK sends, and a
-- tally of answers, so a run that measured errors (throttling, expired iterators) says so.
local common = {}

function common.headers(operation)
  return {
    ["Content-Type"] = "application/x-amz-json-1.1",
    ["X-Amz-Target"] = "Kinesis_20131202." .. operation,
    ["X-Amz-Date"] = "20230405T070612Z",
    ["Authorization"] = "AWS4-HMAC-SHA256 Credential=wrk/20230405/us-east-1/kinesis/aws4_request, "
      .. "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00",
  }
end

-- Globals, so done() can read them from each thread with thread:get().
ok_count = 0
empty_count = 0  -- 200s with no record (an empty page)
error_count = 0
first_error = ""

function common.tally(status, body)
  if status == 200 then
    ok_count = ok_count + 1
    if string.find(body, '"Records":[]', 1, true) then empty_count = empty_count + 1 end
  else
    error_count = error_count + 1
    if first_error == "" then first_error = status .. " " .. string.sub(body, 1, 160) end
  end
end

local threads = {}

function common.setup(thread)
  table.insert(threads, thread)
end

-- Prints one machine-readable line the driver script reads:
--   RESULT requests=N ok=N empty=N errors=N seconds=S first_error=...
function common.done(summary)
  local ok, empty, errors, first = 0, 0, 0, ""
  for _, t in ipairs(threads) do
    ok = ok + t:get("ok_count")
    empty = empty + t:get("empty_count")
    errors = errors + t:get("error_count")
    local e = t:get("first_error")
    if first == "" and e ~= "" then first = e end
  end
  io.write(string.format("RESULT requests=%d ok=%d empty=%d errors=%d seconds=%.3f first_error=%s\n",
    summary.requests, ok, empty, errors, summary.duration / 1e6, first))
end

return common
