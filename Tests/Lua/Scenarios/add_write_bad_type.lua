-- (docs/lua-api.md#where-actortcp-departs-from-rspamd-and-why) add_write with data of a wrong type is a Lua error naming the argument (rspamd aborts); a table with a
-- bad element returns false (as rspamd, which also frees the connection by mistake): the connection still works
local tcp = require "rspamd_tcp"
tcp.request{host = servers.host, port = servers.banner, stop_pattern = '\r\n', callback = function(...)
  report('cb', ...)
  local _, _, conn = ...
  local never = function(...) report('NEVER', ...) end
  local function try(label, data)
    local ok, err = pcall(conn.add_write, conn, never, data)
    print(label, ok, type(err) == 'string' and err:find('data', 1, true) ~= nil)
  end
  try('number', 42)
  try('boolean', true)
  try('nil', nil)
  try('function', print)
  print('bad element', conn:add_write(never, {'a', 5}))
  conn:add_write(function(...) report('w', ...) end, 'ping\r\n')
  conn:add_read(function(...) report('r', ...) end, '\r\n')
end}
