-- add_write(cb, '') (ActorTcp's fix, docs/lua-api.md#where-actortcp-departs-from-rspamd-and-why; rspamd aborts): completes at once with success, and so does an empty table;
-- the stream is unaffected
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.banner, stop_pattern = '\r\n', callback = function(...)
  report('cb', ...)
  local _, _, conn = ...
  print('add_write', conn:add_write(function(...)
    report('w', ...)
    local _, c = ...
    c:add_write(function(...)
      report('w0', ...)
      local _, c2 = ...
      c2:add_write(nil, 'ping\r\n')
      c2:add_read(function(...) report('r', ...) end, '\r\n')
    end, {})
  end, ''))
end}
