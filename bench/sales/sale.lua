-- sale.lua: wrk script for POST /api/v1/sales with a fresh Idempotency-Key
-- per request. Environment: TOKEN, STORE, LINES (product ids 1..LINES).
local counter = 0
local thread_id = 0
local lines = tonumber(os.getenv("LINES") or "4")
local store = os.getenv("STORE") or "1"
local token = os.getenv("TOKEN")

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end

local function body()
  local parts = {}
  for i = 1, lines do
    parts[#parts + 1] = string.format('{"product_id":%d,"quantity":1}', i)
  end
  return string.format('{"store_id":%s,"lines":[%s],"payments":[{"method":"card","amount":%d}]}',
    store, table.concat(parts, ","), 100 * lines)
end

local payload

function init(args)
  payload = body()
  math.randomseed(os.time() * 1000 + (tid or 0))
end

function request()
  counter = counter + 1
  local key = string.format("wrk-%d-%d-%d-%d", tid or 0, os.time(), math.random(1, 1e9), counter)
  return wrk.format("POST", "/api/v1/sales", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = key,
  }, payload)
end

local statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
