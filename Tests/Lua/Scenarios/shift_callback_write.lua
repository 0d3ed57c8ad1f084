-- shift_callback in a write callback: the read queued behind it is not dropped (rspamd drops it; ActorTcp's fix, docs/lua-api.md#where-actortcp-departs-from-rspamd-and-why)
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', read = false,
  callback = function(...)
    report('w', ...)
    local _, conn = ...
    conn:add_read(function(...) report('r', ...) end, '\r\n')
    conn:shift_callback()
  end}
