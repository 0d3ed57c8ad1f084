-- W8S: W8 with STARTTLS, as an SMTP client upgrades: N requests, INFLIGHT at a time, each on a new plaintext
-- connection that reads the server's banner, writes STARTTLS, reads the go-ahead, switches to TLS without
-- verification (conn:starttls(true)), writes a SIZE-byte line, reads it echoed and closes. Each step queues the next
-- from its callback (lua_smtp.lua's chain), so one handler is queued at a time and an error reaches one callback.
-- Prints "result OK BAD FIRST_ERROR" when the last request is done.
local tcp = require 'rspamd_tcp'
local host, port = arg[1], tonumber(arg[2])
local n, inflight, size = tonumber(arg[3]), tonumber(arg[4]), tonumber(arg[5])
local want = string.rep('x', size - 1)
local message = want .. '\n'
local started, done, bad, first = 0, 0, 0, 'none'

local start

local function finish_one(err)
  done = done + 1
  if err then
    bad = bad + 1
    if first == 'none' then first = err end
  end
  if done == n then print(string.format('result %d %d %s', n - bad, bad, first)) end
  if started < n then start() end
end

-- A '220 ...' line, or the error to count.
local function reply_error(err, data)
  if err then return err end
  if tostring(data):sub(1, 4) ~= '220 ' then return 'unexpected reply ' .. tostring(data) end
end

local function on_echo(err, data, conn)
  if not err and tostring(data) ~= want then err = 'wrong reply' end
  conn:close()
  finish_one(err)
end

local function on_line_written(err, conn)
  if err then return finish_one(err) end
  conn:add_read(on_echo, '\n')
end

local function on_go_ahead(err, data, conn)
  err = reply_error(err, data)
  if err then return finish_one(err) end
  conn:starttls(true) -- the handshake runs when the write below is due
  conn:add_write(on_line_written, message)
end

local function on_starttls_written(err, conn)
  if err then return finish_one(err) end
  conn:add_read(on_go_ahead, '\r\n')
end

local function on_banner(err, data, conn)
  err = reply_error(err, data)
  if err then return finish_one(err) end
  conn:add_write(on_starttls_written, 'STARTTLS\r\n')
end

start = function()
  started = started + 1
  local ok = tcp.request{host = host, port = port, stop_pattern = '\r\n', timeout = 30, callback = on_banner}
  if not ok then finish_one('request returned false') end
end

for _ = 1, math.min(inflight, n) do start() end
