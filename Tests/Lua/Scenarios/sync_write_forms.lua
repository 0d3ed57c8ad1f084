-- (docs/lua-api.md#where-actortcp-departs-from-rspamd-and-why) sync write accepts a string, a text or a table of them (rspamd segfaults on a table); '' and {} complete
-- at once; other types are a Lua error naming the argument (rspamd aborts)
local tcp = require "rspamd_tcp"
local text = require "rspamd_text"
local ok, conn = tcp.connect_sync{host = servers.host, port = servers.hexdump}
report('connect', ok, conn)
report('string', conn:write('a'))
report('text', conn:write(text.fromstring('\0b')))
report('table', conn:write({'c', text.fromstring('\255'), 'd'}))
report('empty string', conn:write(''))
report('empty table', conn:write({}))
local okn, errn = pcall(conn.write, conn, 42)
print('number', okn, errn:match('data') ~= nil, errn:match('expected') ~= nil)
local okt, errt = pcall(conn.write, conn, {'x', 5})
print('bad element', okt, errt:match('element 2') ~= nil)
local okself, errself = pcall(conn.write, {}, 'x')
print('bad self', okself, errself)
conn:shutdown()
report('read', conn:read_once())
conn:close()
