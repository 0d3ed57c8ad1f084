-- "shift_callback" with ActorTcp's fix (docs/lua-api.md#where-actortcp-departs-from-rspamd-and-why): shift_callback removes exactly the running handler; nothing else is
-- dropped and nothing is delivered twice (rspamd 3.4: cb2 got line1 again, then cb3 got line2)
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n',
  callback = function(...)
    report('cb1', ...)
    local _, _, conn = ...
    conn:add_read(function(...) report('cb2', ...) end, '\r\n')
    conn:add_read(function(...) report('cb3', ...) end, '\r\n')
    conn:shift_callback()
  end}
