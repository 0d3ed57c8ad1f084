-- "100 kB, no pattern": one read gets one chunk of 8192 bytes
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.big_noline, callback = function(err, data)
  local s = tostring(data)
  print('cb', err, #s, s == string.rep('0123456789', 10000):sub(1, #s))
end}
