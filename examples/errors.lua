-- Error handling: every failure reaches the callbacks as (err, nil, conn), with rspamd's error texts, and never
-- raises a Lua error. Cases run one after another (each starts from the previous one's callback) so the output
-- keeps its order:
--   refused      connect to a port where nothing listens
--   on_error     the same, with on_error: errors before the connection is established go only there
--   timeout      a stop pattern that never comes, timeout = 0.3 s (the "drip" fixture sends for about 1 s)
--   closed       the server closes at once: the read ends with "connection terminated"
--   sync         connect_sync returns false and the error instead of a connection
--
--   actortcp run --fixtures examples/errors.lua
local rspamd_tcp = require 'rspamd_tcp'

assert(fixtures, 'run with --fixtures')
local host = fixtures.host

local cases = {}

cases[#cases + 1] = function(done)
  rspamd_tcp.request({
    host = host, port = fixtures.refused, data = 'hello\r\n',
    callback = function(err, data, conn) done('refused', err) end,
  })
end

cases[#cases + 1] = function(done)
  rspamd_tcp.request({
    host = host, port = fixtures.refused, data = 'hello\r\n',
    callback = function(err) done('on_error', 'the callback was called: ' .. tostring(err)) end,
    on_error = function(err, conn) done('on_error', err) end,
  })
end

cases[#cases + 1] = function(done)
  rspamd_tcp.request({
    host = host, port = fixtures.drip, stop_pattern = 'END', timeout = 0.3,
    callback = function(err, data, conn) done('timeout', err or ('unexpected data: ' .. tostring(data))) end,
  })
end

cases[#cases + 1] = function(done)
  rspamd_tcp.request({
    host = host, port = fixtures.close_now, stop_pattern = '\r\n',
    callback = function(err, data, conn) done('closed', err or ('unexpected data: ' .. tostring(data))) end,
  })
end

cases[#cases + 1] = function(done)
  -- Sync API: callbacks run in host coroutines, so connect_sync works here as in the script body.
  local ok, result = rspamd_tcp.connect_sync({ host = host, port = fixtures.refused, timeout = 1 })
  done('sync', tostring(ok) .. ', ' .. tostring(result))
end

local function run(i)
  if i > #cases then
    print('all ' .. #cases .. ' cases done')
    return
  end
  cases[i](function(name, text)
    print(string.format('%-9s %s', name .. ':', text))
    run(i + 1)
  end)
end

run(1)
