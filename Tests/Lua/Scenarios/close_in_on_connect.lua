-- close() inside on_connect with a write and a read queued: terminal, nothing else is called (docs/lua-api.md#connection-methods)
-- @max-seconds: 3
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n',
  on_connect = function(conn)
    print('on_connect')
    conn:close()
  end,
  callback = function(...) report('cb', ...) end}
