-- "close in callback": after conn:close() no further callback runs, not even for a read queued before it
-- @max-seconds: 3
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n',
  callback = function(...)
    report('cb', ...)
    local _, _, conn = ...
    conn:add_read(function(...) report('cb2', ...) end, '\r\n')
    conn:close()
    print('closed')
  end}
