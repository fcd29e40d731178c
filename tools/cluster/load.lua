-- wrk script of `make cluster` (tools/cluster/cluster.py): requests the paths listed in the file
-- given after `--` in turn, and counts the answers by status and by node (HAProxy's
-- X-Served-By header). Prints one JSON line, read back by cluster.py.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if line ~= "" then
      table.insert(paths, line)
    end
  end
  counter = math.random(#paths)
  statuses = {}
  nodes = {}
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  -- HAProxy sends its header names in lower case.
  local node = headers["x-served-by"] or headers["X-Served-By"] or "none"
  nodes[node] = (nodes[node] or 0) + 1
end

local function merge(into, from)
  for key, count in pairs(from) do
    into[key] = (into[key] or 0) + count
  end
end

local function json_object(counts)
  local parts = {}
  for key, count in pairs(counts) do
    table.insert(parts, string.format('"%s": %d', key, count))
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, requests)
  local all_statuses, all_nodes = {}, {}
  for _, thread in ipairs(threads) do
    merge(all_statuses, thread:get("statuses"))
    merge(all_nodes, thread:get("nodes"))
  end
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p99_ms": %.2f, '
      .. '"max_ms": %.2f, "connect": %d, "read": %d, "write": %d, "status": %d, '
      .. '"timeout": %d, "statuses": %s, "nodes": %s}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    json_object(all_statuses), json_object(all_nodes)))
end
