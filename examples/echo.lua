-- One request to an echo server: write a line, read it back up to the stop pattern.
--
--   actortcp run --fixtures examples/echo.lua
--   actortcp run examples/echo.lua HOST PORT [MESSAGE]     (any echo server)
local rspamd_tcp = require 'rspamd_tcp'

local host, port = arg[1], tonumber(arg[2])
if not (host and port) then
  assert(fixtures, 'give HOST PORT, or run with --fixtures')
  host, port = fixtures.host, fixtures.echo
end
local message = arg[3] or 'hello from rspamd_tcp'

local ok = rspamd_tcp.request({
  host = host,
  port = port,
  timeout = 5,                 -- seconds, for the whole connection
  data = message .. '\r\n',    -- written first (a string, an rspamd{text} or a table of them)
  stop_pattern = '\r\n',       -- then read until CRLF (excluded from the reply)
  on_connect = function(conn)
    print('connected')
  end,
  callback = function(err, data, conn)
    if err then
      print('error: ' .. err)
      return
    end
    -- data is an rspamd{text}: tostring() gives the bytes, #data their count
    print(string.format('echo: %s (%d bytes)', tostring(data), #data))
  end,
})
-- true: the connection was started; the callback runs later, and actortcp waits for it
print('request started: ' .. tostring(ok))
