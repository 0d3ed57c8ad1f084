-- shift_callback in a write callback: the read queued behind it is not dropped (rspamd drops it, Part 1.2 fixes it)
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', read = false,
  callback = function(...)
    report('w', ...)
    local _, conn = ...
    conn:add_read(function(...) report('r', ...) end, '\r\n')
    conn:shift_callback()
  end}
