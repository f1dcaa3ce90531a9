-- sale.lua: wrk script for POST /api/v1/sales as tills send them: each sale
-- in a random store (1..STORES) with 1..MAXLINES distinct random products
-- of 1..PRODUCTS (product i costs 100 + (i % 50) * 10 minor units), paid by
-- card, with a fresh Idempotency-Key; with CUSTOMERS > 0, by a random
-- customer of 1..CUSTOMERS, who earns points. Environment: TOKEN, STORES,
-- PRODUCTS, MAXLINES, CUSTOMERS.
local counter = 0
local thread_id = 0
local stores = tonumber(os.getenv("STORES") or "4")
local products = tonumber(os.getenv("PRODUCTS") or "200")
local maxlines = tonumber(os.getenv("MAXLINES") or "8")
local customers = tonumber(os.getenv("CUSTOMERS") or "0")
local token = os.getenv("TOKEN")

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end

function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
end

local function price(i)
  return 100 + (i % 50) * 10
end

local function body()
  local n = math.random(1, maxlines)
  local seen, parts, total = {}, {}, 0
  while #parts < n do
    local p = math.random(1, products)
    if not seen[p] then
      seen[p] = true
      parts[#parts + 1] = string.format('{"product_id":%d,"quantity":1}', p)
      total = total + price(p)
    end
  end
  local customer = ""
  if customers > 0 then
    customer = string.format('"customer_id":%d,', math.random(1, customers))
  end
  return string.format('{"store_id":%d,%s"lines":[%s],"payments":[{"method":"card","amount":%d}]}',
    math.random(1, stores), customer, table.concat(parts, ","), total)
end

function request()
  counter = counter + 1
  local key = string.format("wrk-%d-%d-%d-%d", tid or 0, os.time(), math.random(1, 1e9), counter)
  return wrk.format("POST", "/api/v1/sales", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = key,
  }, body())
end
