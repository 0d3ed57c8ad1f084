-- "100 kB line": pattern \n, 100000 bytes arrive in one callback
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.big_line, stop_pattern = '\n', callback = function(err, data)
  local s = tostring(data)
  print('cb', err, #s, s == string.rep('0123456789', 10000))
end}
