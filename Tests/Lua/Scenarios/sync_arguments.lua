-- connect_sync's argument errors are rspamd's Lua errors (rspamd_lua_parse_table_arguments texts)
local tcp = require "rspamd_tcp"
local function try(name, params)
  local ok, err = pcall(tcp.connect_sync, params)
  print(name, ok, (tostring(err):gsub('^[^:]*:%d+: ', '')))
end
try('no port', {host = servers.host})
try('no host', {port = 25})
try('string port', {host = servers.host, port = '25'})
try('float port', {host = servers.host, port = 25.5})
try('port 65536', {host = servers.host, port = 65536})
try('port -1', {host = servers.host, port = -1})
try('string timeout', {host = servers.host, port = 25, timeout = 'x'})
try('not a table', 'x')
