-- "fan-out": after line1 queue add_read(r1, 'NEVER'), add_write(w2, 'zzz'), add_read(r3, 'NEVER'); the peer
-- closes: every queued callback gets the EOF error in order, the write's as (err, nil, conn); a read added by r1's
-- error callback gets it too
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n', callback = function(...)
  report('cb', ...)
  local _, _, conn = ...
  conn:add_read(function(...)
    report('r1', ...)
    local _, _, c = ...
    c:add_read(function(...) report('r4', ...) end, 'NEVER')
  end, 'NEVER')
  conn:add_write(function(err, c, c3)
    print('w2', err, c, is_conn(c3))
  end, 'zzz')
  conn:add_read(function(...) report('r3', ...) end, 'NEVER')
end}
