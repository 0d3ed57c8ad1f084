-- close(): later operations fail with the EOF errors, eof() is true, nothing crashes; tostring keeps the prefix
local tcp = require "rspamd_tcp"
local ok, conn = tcp.connect_sync{host = servers.host, port = servers.banner}
print('connect', ok, tostring(conn):sub(1, 17))
conn:close()
report('read', conn:read_once())
report('write', conn:write('x'))
report('eof', conn:eof())
conn:close()
conn:shutdown()
print('tostring', tostring(conn):sub(1, 17))
print('starttls', pcall(conn.starttls, conn))
