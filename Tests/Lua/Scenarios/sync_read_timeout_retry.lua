-- (docs/lua-api.md#sync-connections) connect_sync's timeout works; a read timeout returns false, "IO timeout" and leaves the connection
-- usable: the bytes that arrive later are read by the retry (the server sends "line1\r\nX", then "YZ\r\n" 0.5 s later)
-- @min-seconds: 0.4
-- @max-seconds: 4
local tcp = require "rspamd_tcp"
local ok, conn = tcp.connect_sync{host = servers.host, port = servers.leftover, timeout = 0.3}
report('connect', ok, conn)
report('read', conn:read_once())
report('read', conn:read_once())
report('eof', conn:eof())
local got
for _ = 1, 5 do
  local ok2, data = conn:read_once()
  if ok2 then got = data break end
end
report('retry', got)
conn:close()
