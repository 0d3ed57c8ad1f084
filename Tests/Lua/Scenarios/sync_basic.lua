-- "sync basic": connect_sync / write / read_once x3 / eof: data, then the EOF error (eof() true), then the
-- non-fatal EOF error
local tcp = require "rspamd_tcp"
local ok, conn = tcp.connect_sync{host = servers.host, port = servers.lines, timeout = 5}
report('connect', ok, conn)
report('write', conn:write('hi\r\n'))
report('read', conn:read_once())
report('eof', conn:eof())
report('read', conn:read_once())
report('eof', conn:eof())
report('read', conn:read_once())
report('eof', conn:eof())
conn:close()
