-- (docs/lua-api.md#connection-methods) a conn used after its connection ended (queue emptied, or close()) is harmless: no crash, no callback
local tcp = require "rspamd_tcp"
local never = function(...) report('STALE CALLBACK', ...) end
local function poke(tag, c)
  pcall(c.add_read, c, never, '\r\n')
  pcall(c.add_read, c, never)
  pcall(c.add_write, c, never, 'x\r\n')
  pcall(c.shift_callback, c)
  pcall(c.close, c)
  print(tag, 'survived', tostring(c):sub(1, 12))
end
local saved
tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n', callback = function(...)
  report('first', ...)
  local _, _, conn = ...
  saved = conn
  -- the first connection ends when this callback returns; the second one's reply comes much later
  tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n', callback = function(...)
    report('second', ...)
    local _, _, conn2 = ...
    poke('ended', saved)
    conn2:add_read(never, '\r\n')
    conn2:close()
    poke('closed', conn2)
  end}
end}
