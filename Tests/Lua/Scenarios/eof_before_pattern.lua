-- "EOF before pattern": partial-no-terminator then close, pattern \r\n: the buffered bytes are dropped
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.noterm, stop_pattern = '\r\n',
  callback = function(...) report('cb', ...) end}
