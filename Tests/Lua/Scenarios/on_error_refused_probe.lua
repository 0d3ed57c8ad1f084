-- functional test "on_error fires on connect refused" (HEAD): a pure probe to a closed port: only on_error runs
local tcp = require "rspamd_tcp"
print('ret', tcp.request{host = servers.host, port = servers.closed, read = false, connect_timeout = 1,
  on_error = function(...) report('on_error', ...) end,
  callback = function(...) report('cb', ...) end})
