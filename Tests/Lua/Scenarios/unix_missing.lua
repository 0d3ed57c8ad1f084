-- "unix socket missing": the callback gets the error before request returns false (print order)
local tcp = require "rspamd_tcp"
print('ret', tcp.request{host = servers.missing_unix, data = 'hi\r\n',
  callback = function(...) report('cb', ...) end})
