-- POST /collect with batches of BATCH_SIZE events, each with a fresh random UUID event_id,
-- as pixel.js sends them (so the idempotence keys are written as in real traffic).

local batch_size = tonumber(os.getenv("BATCH_SIZE") or "50")
local site_key = os.getenv("SITE_KEY") or "bench_site_key"

wrk.method = "POST"
wrk.headers["Content-Type"] = "text/plain;charset=UTF-8"

local counter = 0

function setup(thread)
  thread:set("seed", math.random(1, 2 ^ 30))
end

function init(args)
  math.randomseed((seed or 1) + os.time())
end

local function uuid4()
  return string.format("%08x-%04x-4%03x-%04x-%012x",
    math.random(0, 0xffffffff), math.random(0, 0xffff), math.random(0, 0xfff),
    math.random(0x8000, 0xbfff), math.random(0, 0xffffffffffff))
end

function request()
  counter = counter + 1
  local events = {}
  for i = 1, batch_size do
    events[i] = string.format(
      '{"event_id":"%s","event_name":"page_view","client_id":"c%d","session_id":"s%d",' ..
      '"url":"https://shop.example/p/%d?utm_source=fb&ad_id=%d"}',
      uuid4(), counter, counter, i, i)
  end
  local body = '{"site_key":"' .. site_key .. '","events":[' .. table.concat(events, ",") .. ']}'
  return wrk.format(nil, "/collect", nil, body)
end

-- Pacing and the JSON report are shared with the GIF run: load them from this folder.
local folder = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(folder .. "wrk_report.lua")
