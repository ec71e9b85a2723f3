-- wrk script for benches/load_test.sh: mixed ingest and verdict traffic, with API tokens.
--
-- Arguments (after `--`): DEPLOYMENTS TOKEN BASE_EPOCH INGEST_PERCENT
-- Every request goes to a random deployment `load.1` … `load.DEPLOYMENTS`:
--   INGEST_PERCENT % POST /v1/deployments/{key}/points with 10 new points (error_rate and
--     latency_p99, 5 each, at timestamps no other request uses);
--   the rest POST /v1/deployments/{key}/verdicts (evaluate the stored series, record the verdict).
-- Prints one `load_test:` line per figure at the end, for the shell script to pick up.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  deployments = tonumber(args[1])
  token = args[2]
  base = tonumber(args[3])
  ingest_percent = tonumber(args[4])
  nthreads = tonumber(args[5])
  n = 0
  failures = 0
  shown = 0
  math.randomseed(id * 7919 + 17)
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.headers["Content-Type"] = "application/json"
end

local function ts(slot)
  return os.date("!%Y-%m-%dT%H:%M:%SZ", base + slot)
end

function request()
  n = n + 1
  local key = "load." .. math.random(deployments)
  if math.random(100) <= ingest_percent then
    local points = {}
    -- Five timestamps (seconds) that belong to this request alone.
    local first = (n * nthreads + id) * 5
    for i = 0, 4 do
      local err = string.format("%.3f", 0.5 + math.random() * 1.5)
      local lat = string.format("%.1f", 180 + math.random() * 40)
      table.insert(points, '{"metric":"error_rate","ts":"' .. ts(first + i) .. '","value":' .. err .. '}')
      table.insert(points, '{"metric":"latency_p99","ts":"' .. ts(first + i) .. '","value":' .. lat .. '}')
    end
    return wrk.format("POST", "/v1/deployments/" .. key .. "/points", nil,
      '{"points":[' .. table.concat(points, ",") .. ']}')
  end
  return wrk.format("POST", "/v1/deployments/" .. key .. "/verdicts", nil, "{}")
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    failures = failures + 1
    if shown < 5 then
      shown = shown + 1
      io.stderr:write("load_test: HTTP " .. status .. ": " .. body .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, t in ipairs(threads) do
    failed = failed + t:get("failures")
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format("load_test: requests %d\n", summary.requests))
  io.write(string.format("load_test: seconds %.1f\n", seconds))
  io.write(string.format("load_test: rps %.0f\n", summary.requests / seconds))
  io.write(string.format("load_test: p50_ms %.2f\n", latency:percentile(50) / 1000))
  io.write(string.format("load_test: p90_ms %.2f\n", latency:percentile(90) / 1000))
  io.write(string.format("load_test: p99_ms %.2f\n", latency:percentile(99) / 1000))
  io.write(string.format("load_test: max_ms %.2f\n", latency.max / 1000))
  io.write(string.format("load_test: non_2xx %d\n", failed))
  io.write(string.format("load_test: socket_errors %d\n", e.connect + e.read + e.write + e.timeout))
end
