-- Bad input to connect_sync, the rspamd{tcp_sync} methods and lua_tcp_sync (docs/bad_input.md, part C): Lua errors
-- naming the argument (rspamd's texts where rspamd has one), false + error for operations that cannot run, and a
-- working connection afterwards. sync_arguments.lua has more connect_sync argument cases.
-- @timeout: 20
local tcp = require "rspamd_tcp"
local tcp_sync = require "lua_tcp_sync"
local text = require "rspamd_text"
local function strip(err) return (tostring(err):gsub('^[^:]*:%d+: ', '')) end
local function show(label, ...)
  local r = table.pack(...)
  local shown = {}
  for i = 2, r.n do
    local v = r[i]
    shown[#shown + 1] = r[1] == false and type(v) == 'string' and strip(v) or (is_sync_conn(v) and 'sync_conn' or esc(v))
  end
  print(label, tostring(r[1]), table.concat(shown, ' '))
end
local function try(label, f, ...) show(label, pcall(f, ...)) end

try('D1 connect_sync no argument', tcp.connect_sync)
try('D2 connect_sync host number', tcp.connect_sync, {host = 42, port = 25})
try('D3 connect_sync timeout NaN', tcp.connect_sync, {host = servers.host, port = servers.banner, timeout = 0/0})
try('D4 connect_sync timeout huge', tcp.connect_sync, {host = servers.host, port = servers.banner, timeout = math.huge})
try('D5 connect_sync port NaN', tcp.connect_sync, {host = servers.host, port = 0/0})
try('D6 connect_sync port 0', tcp.connect_sync, {host = servers.host, port = 0})
try('D7 connect_sync from a plugin coroutine', function()
  return coroutine.wrap(function() return tcp.connect_sync{host = servers.host, port = servers.banner} end)()
end)

local ok, conn = tcp.connect_sync{host = servers.host, port = servers.echo, timeout = 2}
print('connected', ok, is_sync_conn(conn))
try('D8 read_once self number', conn.read_once, 42)
try('D9 read_once self nil', conn.read_once)
try('D10 write self string', conn.write, 'x', 'data')
try('D11 write data missing', conn.write, conn)
try('D12 write data number', conn.write, conn, 42)
try('D13 write data boolean', conn.write, conn, true)
try('D14 write table with number', conn.write, conn, {'a', 5})
try('D15 write table with table', conn.write, conn, {{'a'}})
try('D16 write empty string', conn.write, conn, '')
try('D17 write empty table', conn.write, conn, {})
try('D18 eof self number', conn.eof, 42)
try('D19 shutdown self table', conn.shutdown, {})
try('D20 close self nil', conn.close)
try('D21 starttls self number', conn.starttls, 5)
try('D22 read_once from a plugin coroutine', function()
  return coroutine.wrap(function() return conn:read_once() end)()
end)
try('D23 write from a plugin coroutine', function()
  return coroutine.wrap(function() return conn:write('x') end)()
end)
-- The connection still works after all of it.
show('D24 write with a hole and a text', conn:write({'a', nil, text.fromstring('b'), '\n'}))
-- read_once returns what has arrived so far: the echo may come back in more than one piece (seen under load).
local echoed, reads_ok = '', true
for _ = 1, 10 do
  if echoed:find('\n', 1, true) then break end
  local ok, data = conn:read_once()
  echoed = echoed .. tostring(data)
  if not ok then reads_ok = false break end
end
show('D25 read_once', reads_ok, echoed)
show('D26 starttls on a plain echo server fails', conn:starttls(true))
try('D27 starttls twice', conn.starttls, conn)
conn:close()
show('D28 read_once after close', conn:read_once())
show('D29 write after close', conn:write('x'))
show('D30 eof after close', conn:eof())
try('D31 shutdown after close', conn.shutdown, conn)
try('D32 close twice', conn.close, conn)
show('D33 starttls after close', conn:starttls())

-- lua_tcp_sync
local w_ok, w = tcp_sync.connect{host = servers.host, port = servers.echo, timeout = 2}
print('wrapper connected', w_ok)
try('D34 read_until nil pattern', w.read_until, w)
try('D35 read_until empty pattern', w.read_until, w, '')
try('D36 read_until number pattern', w.read_until, w, 5)
try('D37 read_bytes negative', w.read_bytes, w, -1)
try('D38 read_bytes fraction', w.read_bytes, w, 1.5)
try('D39 read_bytes NaN', w.read_bytes, w, 0/0)
try('D40 read_bytes string', w.read_bytes, w, '3')
try('D41 write number', w.write, w, 42)
try('D42 read_until self number', w.read_until, 42, '\n')
try('D43 lua_tcp_sync.connect not a table', tcp_sync.connect, 'x')
try('D44 lua_tcp_sync.connect no port', tcp_sync.connect, {host = servers.host})
show('D45 wrapper still works', w:write('ping\n'))
show('D46 read_until', w:read_until('\n'))
w:close()
show('D47 read_bytes after close', w:read_bytes(1))
show('D48 read_until_eof after close', w:read_until_eof())

local f_ok, f = tcp.connect_sync{host = servers.host, port = servers.lines, timeout = 2}
show('D49 after all that, a normal sync connection', f_ok, f:write('hi\r\n'))
show('D50 read', f:read_once())
-- Last (its callback runs after the body's prints): an async conn's method given the sync object, and the
-- sync method given an async conn.
tcp.request{host = servers.host, port = servers.banner, stop_pattern = '\r\n', callback = function(_, _, aconn)
  try('D51 sync read_once with an rspamd{tcp} self', f.read_once, aconn)
  try('D52 async add_read with an rspamd{tcp_sync} self', aconn.add_read, f)
end}
