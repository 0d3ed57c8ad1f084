-- "empty data": data = '' and data = {} are read-only requests
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.banner, data = '', stop_pattern = '\r\n', callback = function(...)
  report('empty string', ...)
  tcp.request{host = servers.host, port = servers.banner, data = {}, stop_pattern = '\r\n',
    callback = function(...) report('empty table', ...) end}
end}
