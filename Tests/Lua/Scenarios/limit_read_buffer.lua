-- ActorTcp limit (docs/lua-api.md#limits): a stop pattern that does not come within max-read-buffer bytes is a clear error to the
-- callback (here 1000 bytes, the 100 kB line)
-- @hocon: actortcp.limits.max-read-buffer = 1000
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.big_line, stop_pattern = '\n', callback = function(err, data, conn)
  print('cb', type(err), err ~= nil and err:find('max-read-buffer', 1, true) ~= nil, data, is_conn(conn))
end}
