-- request{upstream = u}'s fields: the address comes from the upstream, `port` overrides the upstream's, `host` is
-- optional (default: the upstream's name without port) and names the peer; the rotation moves once per request, and
-- get_addr() moves it too (docs/upstreams.md). connect_sync{upstream = u} works the same way.
-- @max-seconds: 10
local ul = require "rspamd_upstream_list"
local tcp = require "rspamd_tcp"
local function mask(s) return (tostring(s):gsub(':%d+', ':PORT')) end
local to_closed = ul.create(rspamd_config, servers.host .. ':' .. servers.closed):get_upstream_round_robin()
local to_lines = ul.create(rspamd_config, servers.host, servers.lines):get_upstream_round_robin()
local unix = ul.create(rspamd_config, servers.unix):get_upstream_round_robin()

tcp.request{upstream = to_closed, port = servers.lines, data = 'a\r\n', stop_pattern = '\r\n',
  callback = function(err, data, conn)
    print('port override', err, tostring(data), mask(conn))
    tcp.request{upstream = to_lines, host = 'backend.example', data = 'b\r\n', stop_pattern = '\r\n',
      callback = function(err2, data2, conn2)
        print('host given', err2, tostring(data2), mask(conn2))
        tcp.request{upstream = unix, read = true, stop_pattern = '\r\n', callback = function(err3, data3, conn3)
          print('unix', err3, tostring(data3), (tostring(conn3):gsub('/tmp/[^)]+', 'SOCKET')))
          local ok, conn4 = tcp.connect_sync{upstream = to_lines, timeout = 2}
          print('sync connect', ok, mask(conn4))
          print('sync write', conn4:write('c\r\n'))
          local rok, got = conn4:read_once()
          print('sync read', rok, got:sub(1, 5))
          conn4:close()
          print('sync refused', tcp.connect_sync{upstream = to_closed, timeout = 2})
        end}
      end}
  end}
