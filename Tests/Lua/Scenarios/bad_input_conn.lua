-- Bad input to the rspamd{tcp} methods (docs/bad_input.md, part B): wrong self, wrong argument types, methods on a
-- closed or ended conn, starttls twice, shift_callback with an empty queue, calls from a coroutine the plugin made.
-- Each is a Lua error naming the argument or harmless; afterwards the host still serves a normal request.
-- @timeout: 20
local tcp = require "rspamd_tcp"
local text = require "rspamd_text"
local function strip(err) return (tostring(err):gsub('^[^:]*:%d+: ', '')) end
local function try(label, f, ...)
  local r = table.pack(pcall(f, ...))
  local shown = {}
  for i = 2, r.n do shown[#shown + 1] = r[1] and tostring(r[i]) or strip(r[i]) end
  print(label, r[1], table.concat(shown, ' '))
end
local never = function(...) report('NEVER', ...) end

local saved_ended
local function last()
  -- The connection of the first request has ended by now: its conn is stale.
  try('C24 add_read on an ended conn', saved_ended.add_read, saved_ended, never, '\r\n')
  try('C25 add_write on an ended conn', saved_ended.add_write, saved_ended, never, 'x')
  try('C26 starttls on an ended conn', saved_ended.starttls, saved_ended)
  try('C27 shift_callback on an ended conn', saved_ended.shift_callback, saved_ended)
  try('C28 close on an ended conn', saved_ended.close, saved_ended)
  tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n', callback = function(...)
    report('C29 after all that, a normal request', ...)
  end}
end

local function closed_conn()
  tcp.request{host = servers.host, port = servers.banner, stop_pattern = '\r\n', callback = function(err, data, conn)
    print('closing after', esc(data))
    conn:close()
    try('C19 add_read after close', conn.add_read, conn, never, '\r\n')
    try('C20 add_write after close', conn.add_write, conn, never, 'x\r\n')
    try('C21 shift_callback after close', conn.shift_callback, conn)
    try('C22 starttls after close', conn.starttls, conn)
    try('C23 close twice', conn.close, conn)
    last()
  end}
end

-- A sync connection object, to pass where an rspamd{tcp} is expected.
local _, sync_conn = tcp.connect_sync{host = servers.host, port = servers.banner}
tcp.request{host = servers.host, port = servers.banner, stop_pattern = '\r\n', callback = function(err, data, conn)
  print('banner', esc(data))
  saved_ended = conn
  local t = text.fromstring('x')
  try('C1 add_read self number', conn.add_read, 42)
  try('C2 add_read self nil', conn.add_read)
  try('C3 add_read self text', conn.add_read, t, never)
  try('C4 add_read self table', conn.add_read, {}, never)
  try('C5 add_write self string', conn.add_write, 'conn', never, 'x')
  try('C6 shift_callback self boolean', conn.shift_callback, true)
  try('C7 close self number', conn.close, 1)
  try('C8 starttls self string', conn.starttls, 'conn')
  try('C9 add_write data number', conn.add_write, conn, never, 42)
  try('C10 add_write data nil', conn.add_write, conn, never)
  try('C11 add_write data boolean', conn.add_write, conn, never, false)
  try('C12 add_write table with number', conn.add_write, conn, never, {'a', 5})
  try('C13 add_write table with table', conn.add_write, conn, never, {{'a'}})
  try('C14 add_write self = sync conn object', conn.add_write, sync_conn, never, 'x')
  -- From a coroutine the plugin created: async methods do not wait, so they work there.
  local co_ok = coroutine.wrap(function()
    return pcall(conn.add_write, conn, function(...) report('C15 write from a plugin coroutine', ...) end, 'hi\r\n')
  end)()
  print('C15 add_write from a plugin coroutine', co_ok)
  conn:add_read(function(err2, data2, conn2)
    report('C16 read after it', err2, data2, conn2)
    -- The queue is empty (this is the last handler): shift_callback removes only this one; nothing else runs.
    try('C17 shift_callback with an empty queue', conn2.shift_callback, conn2)
    conn2:starttls(true)
    try('C18 starttls twice', conn2.starttls, conn2)
    -- The connection ends here (nothing queued: starttls alone needs a handler behind it).
  end, '\r\n')
end}

-- The second connection starts once the first has ended (its conn becomes stale).
local function wait_first()
  tcp.request{host = servers.host, port = servers.close_later, timeout = 3, callback = function(err)
    print('waited', err)
    closed_conn()
  end}
end
wait_first()
