-- A sync connection left open when its coroutine ends is closed by the host: the script still finishes (the host
-- waits for open connections), in the body and in a callback
-- @max-seconds: 4
local tcp = require "rspamd_tcp"
local ok = tcp.connect_sync{host = servers.host, port = servers.silent}
print('body connect', ok)
tcp.request{host = servers.host, port = servers.banner, stop_pattern = '\r\n', callback = function(err, data)
  local ok2 = tcp.connect_sync{host = servers.host, port = servers.silent}
  print('callback connect', ok2)
end}
