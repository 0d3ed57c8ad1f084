-- a 100 kB reply assembled from pattern-less reads (at most 8192 bytes each), until the EOF error
local tcp = require "rspamd_tcp"
local parts, max = {}, 0
local function cb(err, data, conn)
  if err then
    local all = table.concat(parts)
    print('total', #all, all == string.rep('0123456789', 10000), 'max chunk <= 8192', max <= 8192)
    print('end', err)
    return
  end
  local s = tostring(data)
  if #s > max then max = #s end
  parts[#parts + 1] = s
  conn:add_read(cb)
end
tcp.request{host = servers.host, port = servers.big_noline, callback = cb}
