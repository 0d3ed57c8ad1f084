-- A silent peer: the connect succeeds (the kernel accepts), the read times out after `timeout`
-- @min-seconds: 0.4
-- @max-seconds: 3
local tcp = require "rspamd_tcp"
local ok, conn = tcp.connect_sync{host = servers.host, port = servers.silent, timeout = 0.5}
report('connect', ok, conn)
report('read', conn:read_once())
conn:close()
