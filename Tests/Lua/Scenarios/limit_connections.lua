-- ActorTcp limit (docs/lua-api.md#limits): past max-connections (2 here) a request fails through its callback, not by a hang
-- @hocon: actortcp.limits.max-connections = 2
local tcp = require "rspamd_tcp"
local results, n = {}, 0
local function cb(tag)
  return function(err, data)
    n = n + 1
    results[#results + 1] = tag .. ' ' .. (err and ('error, names the limit: ' .. tostring(err:find('max-connections', 1, true) ~= nil)) or tostring(data))
    if n == 3 then
      table.sort(results)
      for _, r in ipairs(results) do print(r) end
    end
  end
end
for i = 1, 3 do
  tcp.request{host = servers.host, port = servers.lines, data = 'hi\r\n', stop_pattern = '\r\n', callback = cb('r' .. i)}
end
