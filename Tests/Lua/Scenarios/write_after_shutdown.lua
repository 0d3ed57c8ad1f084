-- shutdown = true applies once, after the first write: a later write fails with the write error (EPIPE), which
-- rspamd prints with 0 bytes
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.sink, data = 'abc', shutdown = true, stop_pattern = '\n',
  callback = function(...)
    report('cb', ...)
    local _, _, conn = ...
    conn:add_write(function(...) report('w', ...) end, 'more')
  end}
