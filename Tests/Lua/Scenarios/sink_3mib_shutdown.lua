-- "3 MiB + shutdown": data = {3 MiB, 'z'}, shutdown = true, to a server that counts until EOF
-- @timeout: 30
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.sink, data = {string.rep('x', 3 * 1024 * 1024), 'z'},
  shutdown = true, timeout = 20, callback = function(...) report('cb', ...) end}
