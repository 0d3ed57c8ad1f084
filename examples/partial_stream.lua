-- Partial (streaming) reads: with partial = true the read callback gets every chunk as it arrives, and stays queued
-- for the next one. The stream ends with an error: "IO read error: connection terminated" when the server closes
-- (or "IO timeout"), unless the callback calls conn:close(). Chunks split lines anywhere, so lines are put together
-- here. The fixture "drip" sends five lines, 4 bytes every 100 ms.
--
--   actortcp run --fixtures examples/partial_stream.lua
--   actortcp run examples/partial_stream.lua HOST PORT    (any server that talks first, in lines)
local rspamd_tcp = require 'rspamd_tcp'

local host, port = arg[1], tonumber(arg[2])
if not (host and port) then
  assert(fixtures, 'give HOST PORT, or run with --fixtures')
  host, port = fixtures.host, fixtures.drip
end

local pending = ''     -- bytes of an unfinished line
local lines, chunks, bytes = 0, 0, 0

rspamd_tcp.request({
  host = host,
  port = port,
  timeout = 10,
  partial = true,
  callback = function(err, data, conn)
    if err then
      if err == 'IO read error: connection terminated' then
        -- (how many chunks carried them depends on the network, so it is not printed)
        print(string.format('server closed the stream: %d lines, %d bytes', lines, bytes))
      else
        print('error: ' .. err)
      end
      return
    end
    chunks = chunks + 1
    bytes = bytes + #data
    pending = pending .. tostring(data)
    while true do
      local s, e = pending:find('\r\n', 1, true)
      if not s then break end
      lines = lines + 1
      print(string.format('line %d: %s', lines, pending:sub(1, s - 1)))
      pending = pending:sub(e + 1)
    end
  end,
})
