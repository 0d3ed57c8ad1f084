-- W3: one connection reading the whole stream in partial mode; the server closes after EXPECTED bytes.
-- Prints "result BYTES CHUNKS END_ERROR".
local tcp = require 'rspamd_tcp'
local host, port = arg[1], tonumber(arg[2])
local bytes, chunks = 0, 0
local ok = tcp.request{host = host, port = port, partial = true, timeout = 600, callback = function(err, data)
  if err then
    print(string.format('result %d %d %s', bytes, chunks, err))
    return
  end
  chunks = chunks + 1
  bytes = bytes + #data
end}
if not ok then print('result 0 0 request returned false') end
