-- "refused, read-only": HEAD (CONNECT marker) reports Socket error detected, not 3.4's IO read error
local tcp = require "rspamd_tcp"
print('ret', tcp.request{host = servers.host, port = servers.closed,
  callback = function(...) report('cb', ...) end})
