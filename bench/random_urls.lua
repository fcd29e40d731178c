-- Each request a random URL among those of the file named by the URLS environment variable (one
-- path per line), and wrk's summary as one JSON line (read by bench/churn.py).
local paths = {}

init = function(args)
  for line in io.lines(os.getenv("URLS")) do
    paths[#paths + 1] = line
  end
  math.randomseed(os.time() + tonumber(tostring(paths):sub(8), 16) % 1000)
end

request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p90_ms": %.2f, '
      .. '"p99_ms": %.2f, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
