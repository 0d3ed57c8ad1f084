-- ActorTcp limits (docs/lua-api.md#limits) from Lua: past max-queued-handlers (4 here) and past max-queued-write-bytes (1 MiB here)
-- every callback of the connection gets an error naming the limit, the connection closes, and the host goes on.
-- @hocon: actortcp.limits.max-queued-handlers = 4
-- @hocon: actortcp.limits.max-queued-write-bytes = 1 MiB
local tcp = require 'rspamd_tcp'
local function named(err, key) return err ~= nil and err:find(key, 1, true) ~= nil end

local function write_bytes()
  local big = string.rep('x', 2 * 1024 * 1024)
  tcp.request{host = servers.host, port = servers.count, data = big, callback = function(err, data, conn)
    print('request data 2 MiB', named(err, 'max-queued-write-bytes'), data, is_conn(conn))
    -- sync: the write past the limit returns false and the limit's error (and the connection is at EOF)
    local ok, sconn = tcp.connect_sync{host = servers.host, port = servers.count}
    local wok, werr = sconn:write(big)
    print('sync write 2 MiB', wok, named(werr, 'max-queued-write-bytes'))
    print('sync then', sconn:eof(), sconn:write('x'))
    sconn:close()
    tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n', callback = function(...)
      report('afterwards', ...)
    end}
  end}
end

local errors = {}
tcp.request{host = servers.host, port = servers.banner, stop_pattern = '\r\n', callback = function(err, data, conn)
  print('banner', err, esc(data))
  for i = 1, 5 do
    conn:add_read(function(rerr)
      errors[#errors + 1] = i .. ' ' .. tostring(named(rerr, 'max-queued-handlers'))
      if #errors == 5 then
        print('handlers', table.concat(errors, ', '))
        write_bytes()
      end
    end, 'NEVER')
  end
end}
